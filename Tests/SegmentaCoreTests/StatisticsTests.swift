import Foundation
import Testing
@testable import SegmentaCore

/// Every statistic against values recorded from scipy / statsmodels (Fixtures/stats/reference.py).
@Suite struct StatisticsTests {
    static func expected() throws -> [String: JSONValue] {
        try JSONTextParser.parseObject(String(contentsOf: FixtureFiles.url("stats/expected.json"), encoding: .utf8))
    }

    static func close(_ a: Double, _ b: Double, _ rel: Double = 1e-9) -> Bool {
        abs(a - b) <= rel * max(1e-300, abs(b)) || abs(a - b) < 1e-300
    }

    static func numbers(_ v: JSONValue?) -> [Double] { v?.arrayValues.compactMap(\.numberValue) ?? [] }
    static func array(_ o: [String: JSONValue], _ key: String) -> [[String: JSONValue]] { o[key]!.arrayValues.compactMap(\.objectValue) }

    @Test func twoSampleTestsAndCohensD() throws {
        for c in Self.array(try Self.expected(), "two_sample") {
            let a = Self.numbers(c["a"]), b = Self.numbers(c["b"])
            let w = HypothesisTests.welch(a, b)
            #expect(Self.close(w.statistic, c["welch_t"]!.numberValue!))
            #expect(Self.close(w.pValue, c["welch_p"]!.numberValue!, 1e-8))
            #expect(Self.close(w.degreesOfFreedom!, c["welch_df"]!.numberValue!))
            let mw = HypothesisTests.mannWhitney(a, b)
            #expect(Self.close(mw.statistic, c["mw_u"]!.numberValue!))
            #expect(Self.close(mw.pValue, c["mw_p"]!.numberValue!, 1e-8))
            #expect(Self.close(EffectSizes.cohensD(a, b), c["cohens_d"]!.numberValue!))
        }
    }

    @Test func proportionsAndWilsonIntervals() throws {
        for c in Self.array(try Self.expected(), "proportions") {
            let x1 = Int(c["x1"]!.numberValue!), n1 = Int(c["n1"]!.numberValue!), x2 = Int(c["x2"]!.numberValue!), n2 = Int(c["n2"]!.numberValue!)
            let t = HypothesisTests.twoProportions(successes: x1, trials: n1, successes: x2, trials: n2)
            #expect(Self.close(t.statistic, c["z"]!.numberValue!))
            #expect(Self.close(t.pValue, c["p"]!.numberValue!, 1e-8))
            let w = EffectSizes.wilson(successes: x1, trials: n1)
            #expect(abs(w.low - c["wilson_low"]!.numberValue!) < 1e-12)
            #expect(abs(w.high - c["wilson_high"]!.numberValue!) < 1e-12)
        }
    }

    @Test func contingencyTablesAndCramersV() throws {
        for c in Self.array(try Self.expected(), "tables") {
            let table = c["table"]!.arrayValues.map { Self.numbers($0) }
            let t = HypothesisTests.chiSquare(table)
            #expect(Self.close(t.statistic, c["chi2"]!.numberValue!))
            #expect(Self.close(t.pValue, c["p"]!.numberValue!, 1e-8))
            #expect(t.degreesOfFreedom == c["df"]!.numberValue!)
            #expect(Self.close(EffectSizes.cramersV(table), c["cramers_v"]!.numberValue!))
        }
    }

    @Test func multipleTestingCorrections() throws {
        let c = Self.array(try Self.expected(), "corrections")[0]
        let p = Self.numbers(c["p"])
        #expect(zip(EffectSizes.holm(p), Self.numbers(c["holm"])).allSatisfy { Self.close($0, $1) })
        #expect(zip(EffectSizes.benjaminiHochberg(p), Self.numbers(c["bh"])).allSatisfy { Self.close($0, $1) })
    }

    @Test func distributionFunctions() throws {
        for c in Self.array(try Self.expected(), "distributions") {
            let v = c["value"]!.numberValue!
            switch c["kind"]!.stringValue! {
            case "betainc": #expect(Self.close(Distributions.incompleteBeta(c["a"]!.numberValue!, c["b"]!.numberValue!, c["x"]!.numberValue!), v, 1e-10))
            case "gammaincc": #expect(Self.close(Distributions.incompleteGammaQ(c["a"]!.numberValue!, c["x"]!.numberValue!), v, 1e-10))
            case "norm_ppf": #expect(Self.close(Distributions.normalQuantile(c["p"]!.numberValue!), v, 1e-12))
            default: #expect(Self.close(Distributions.studentTQuantile(c["p"]!.numberValue!, df: c["df"]!.numberValue!), v, 1e-9))
            }
        }
    }

    @Test func bootstrapIsSeededAndCoversTheTrueDifference() {
        var rng = SplitMix64(seed: 5)
        let a = (0..<300).map { _ in rng.normal(mean: 10, sd: 2) }, b = (0..<300).map { _ in rng.normal(mean: 9, sd: 2) }
        let mean: ([Double]) -> Double = { $0.reduce(0, +) / Double($0.count) }
        let ci1 = EffectSizes.bootstrap(a, b, seed: 1) { mean($0) - mean($1) }
        let ci2 = EffectSizes.bootstrap(a, b, seed: 1) { mean($0) - mean($1) }
        #expect(ci1 == ci2)
        #expect(ci1.low < 1 && ci1.high > 1 && ci1.low > 0.4 && ci1.high < 1.6)
    }
}
