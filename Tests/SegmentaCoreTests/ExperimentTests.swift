import Testing
@testable import SegmentaCore

@Suite struct ExperimentTests {
    @Test func assignmentIsStableAndFollowsTheSplit() throws {
        let e = try Experiment(name: "onboarding", segment: "s", variants: ["control", "treatment"], split: [30, 70], goal: "G")
        #expect(e.variant(for: "user-1") == e.variant(for: "user-1"))
        let counts = (0..<20_000).reduce(into: [String: Int]()) { $0[e.variant(for: "u\($1)"), default: 0] += 1 }
        // 30 % ± 4 standard errors (√(0.3·0.7/20000) = 0.32 %).
        #expect(abs(Double(counts["control"]!) / 20_000 - 0.3) < 0.013)
        // Another experiment assigns independently.
        let f = try Experiment(name: "pricing", segment: "s", variants: ["control", "treatment"], split: [30, 70], goal: "G")
        let same = (0..<20_000).filter { e.variant(for: "u\($0)") == f.variant(for: "u\($0)") }.count
        #expect(abs(Double(same) / 20_000 - (0.09 + 0.49)) < 0.02)
    }

    @Test func resultsGiveLiftPValueAndSampleRatioCheck() throws {
        let e = try Experiment(name: "x", segment: "s", variants: ["control", "treatment"], split: [50, 50], goal: "G")
        // control 100/1000, treatment 150/1000: lift +50 %; statsmodels proportions_ztest gives z = 3.3806, p = 0.000723.
        let outcomes = (0..<1000).map { ("control", $0 < 100) } + (0..<1000).map { ("treatment", $0 < 150) }
        let r = e.results(outcomes.map { (variant: $0.0, converted: $0.1) })
        #expect(r.variants[1].lift.map { abs($0 - 0.5) < 1e-12 } == true)
        #expect(r.variants[1].pValue.map { abs($0 - 0.0007232327164301953) < 1e-12 } == true)
        #expect(r.variants[1].liftLow! < 0.5 && r.variants[1].liftHigh! > 0.5)
        #expect(!r.sampleRatioMismatch)
        // 1,000 vs 800 exposures on a 50/50 split: χ² = 22.2, p ≈ 2.4e-6 → mismatch.
        let skewed = e.results(((0..<1000).map { _ in ("control", false) } + (0..<800).map { _ in ("treatment", false) }).map { (variant: $0.0, converted: $0.1) })
        #expect(skewed.sampleRatioMismatch)
    }

    @Test(arguments: [(["a"], [100]), (["a", "a"], [50, 50]), (["a", "b"], [60, 60]), (["a", "b"], [100])])
    func badDefinitionsAreRefused(variants: [String], split: [Int]) {
        #expect(throws: SegmentaError.self) { try Experiment(name: "x", segment: "s", variants: variants, split: split, goal: "G") }
    }
}
