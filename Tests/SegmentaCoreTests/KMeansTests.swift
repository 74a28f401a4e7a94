import Foundation
import Testing
@testable import SegmentaCore

@Suite struct KMeansTests {
    static func lines(_ name: String) throws -> [String] {
        try String(contentsOf: FixtureFiles.url("kmeans/\(name)"), encoding: .utf8).split(whereSeparator: \.isNewline).map(String.init)
    }

    static func points() throws -> FeatureMatrix {
        let rows = try lines("points.csv").dropFirst().map { $0.split(separator: ",").map(String.init) }
        return FeatureMatrix(ids: rows.map { $0[0] }, names: ["f1", "f2", "f3"], values: rows.flatMap { $0.dropFirst().map { Double($0)! } })
    }

    static func expected(_ space: String, tol: String) throws -> (inertia: Double, silhouette: Double, centers: [Double], labels: [Int]) {
        for line in try lines("expected.csv").dropFirst() {
            let f = line.split(separator: ",").map(String.init)
            if f[0] == space && f[1] == tol {
                return (Double(f[2])!, Double(f[3])!, f[4].split(separator: " ").map { Double($0)! }, f[5].split(separator: " ").map { Int($0)! })
            }
        }
        throw SegmentaError(.notFound, "no expectation")
    }

    @Test(arguments: [("raw", "0.0001"), ("raw", "0"), ("scaled", "0.0001"), ("scaled", "0")])
    func matchesScikitLearnFromTheSameInitialCentres(space: String, tol: String) throws {
        var data = try Self.points()
        if space == "scaled" { data = Standardizer.fit(data, log: [false, false, false]).apply(data) }
        let start = try Self.lines("init_\(space).csv").map { $0.split(separator: ",").map { Double($0)! } }
        let r = try KMeans.fit(data, options: KMeans.Options(k: 4, tolerance: Double(tol)!, initialCenters: start))
        let e = try Self.expected(space, tol: tol)
        #expect(abs(r.inertia - e.inertia) <= 1e-8 * e.inertia)
        #expect(r.labels == e.labels)
        #expect(zip(r.centers.flatMap { $0 }, e.centers).allSatisfy { abs($0 - $1) < 1e-8 })
        #expect(abs(Silhouette.score(data, labels: r.labels, k: 4) - e.silhouette) < 1e-9)
    }

    @Test func findsHandMadeClustersFromAnySeed() throws {
        // Two tight groups far apart: every seed must find them.
        let values: [Double] = [0, 0, 0.1, 0, 0, 0.1, 0.1, 0.1, 10, 10, 10.1, 10, 10, 10.1]
        let m = FeatureMatrix(ids: (0..<7).map(String.init), names: ["x", "y"], values: values)
        for seed in 0..<20 as Range<UInt64> {
            let r = try KMeans.fit(m, options: KMeans.Options(k: 2, nInit: 1, seed: seed))
            #expect(Set(r.labels[0..<4]).count == 1 && Set(r.labels[4..<7]).count == 1 && r.labels[0] != r.labels[4])
            // Squared distances to the centroids (0.05, 0.05) and (10.0333, 10.0333): 4 × 0.005 + (0.0022 + 2 × 0.0056).
            #expect(abs(r.inertia - (0.02 + 0.04 / 3)) < 1e-9)
        }
    }

    @Test func sameSeedSameResultAndKChosenBySilhouette() throws {
        let data = try Self.points()
        let a = try ClusterAnalysis.run(data, k: nil, kRange: 2...6, options: KMeans.Options(k: 2, nInit: 3, seed: 11))
        let b = try ClusterAnalysis.run(data, k: nil, kRange: 2...6, options: KMeans.Options(k: 2, nInit: 3, seed: 11))
        #expect(a.result == b.result)
        #expect(a.k == 4)   // the data has four blobs
        #expect(a.silhouetteByK.map(\.k) == [2, 3, 4, 5, 6])
    }

    @Test func rejectsBadInput() {
        let m = FeatureMatrix(ids: ["a", "b"], names: ["x"], values: [1, .nan])
        #expect(throws: SegmentaError.self) { try KMeans.fit(m, options: KMeans.Options(k: 1)) }
        let small = FeatureMatrix(ids: ["a"], names: ["x"], values: [1])
        #expect(throws: SegmentaError.self) { try KMeans.fit(small, options: KMeans.Options(k: 2)) }
    }

    @Test func personasAreNamedByTheirMostDistinctiveFeatures() {
        let p = Persona.describe(features: ["recency", "frequency", "monetary"], centroids: [[10, 12, 900], [300, 1, 20]],
                                 zScores: [[-1.2, 2.0, 1.5], [1.1, -0.7, -0.2]], sizes: [30, 70])
        #expect(p[0].name == "Frequent buyers, high spenders, recently active")
        #expect(p[1].name == "Long inactive, rare buyers")
        #expect(p[1].share == 0.7)
    }

    @Test func personasThatWouldShareANameAreToldApartByTheirNextFeature() {
        // Both clusters are mainly "recently active"; frequency (below the 0.5 sd threshold) tells them apart.
        let p = Persona.describe(features: ["rfm_recency", "rfm_frequency"], centroids: [[20, 3], [30, 1]],
                                 zScores: [[-1.0, 0.2], [-0.8, -0.3]], sizes: [50, 50])
        #expect(p[0].name == "Recently active, frequent buyers")
        #expect(p[1].name == "Recently active, rare buyers")
        // A cluster whose name is already unique keeps its short name.
        let q = Persona.describe(features: ["rfm_recency", "rfm_frequency"], centroids: [[20, 3], [300, 1]],
                                 zScores: [[-1.0, 0.2], [1.4, -0.3]], sizes: [50, 50])
        #expect(q.map(\.name) == ["Recently active", "Long inactive"])
    }

    @Test func namesWithTheSameWordsInAnotherOrderAreNotTwoNames() {
        // Both: high spend, high frequency, recent (the order of their sizes differs); clv tells them apart.
        let features = ["rfm_monetary", "rfm_frequency", "rfm_recency", "clv"]
        let p = Persona.describe(features: features, centroids: [[900, 12, 10, 400], [800, 14, 12, 100]],
                                 zScores: [[1.2, 0.9, -0.7, 0.3], [0.9, 1.2, -0.7, -0.2]], sizes: [40, 60])
        #expect(p[0].name == "High spenders, frequent buyers, recently active, high future value")
        #expect(p[1].name == "Frequent buyers, high spenders, recently active, low future value")
        // Alike in every direction: one wording (the larger's), told apart by size.
        let q = Persona.describe(features: ["rfm_monetary", "rfm_frequency"], centroids: [[900, 12], [800, 14]],
                                 zScores: [[1.2, 0.9], [0.9, 1.2]], sizes: [40, 60])
        #expect(q.map(\.name) == ["Frequent buyers, high spenders (2 of 2)", "Frequent buyers, high spenders (1 of 2)"])
    }
}

@Suite struct KMeansInputTests {
    @Test("k above the number of distinct points is a clear error, not empty personas")
    func tooFewDistinctPoints() throws {
        // 6 rows, 2 distinct points.
        let m = FeatureMatrix(ids: (1...6).map(String.init), names: ["x", "y"], values: [1, 1, 1, 1, 1, 1, 5, 5, 5, 5, 5, 5])
        var options = KMeans.Options(k: 3)
        #expect { try KMeans.fit(m, options: options) } throws: { ($0 as? SegmentaError)?.message.contains("only 2") == true }
        options.k = 2
        let r = try KMeans.fit(m, options: options)
        #expect(Set(r.labels).count == 2)
    }
}

@Suite("Silhouette on a sample")
struct SilhouetteSampleTests {
    /// Four overlapping Gaussian blobs in 3 dimensions, labelled by the blob they came from.
    func blobs(_ n: Int) -> (FeatureMatrix, [Int]) {
        var rng = SplitMix64(seed: 11)
        var values: [Double] = [], labels: [Int] = []
        for i in 0..<n {
            let c = i % 4
            labels.append(c)
            for f in 0..<3 { values.append(Double(c * (f + 1) % 5) * 1.5 + rng.normal()) }
        }
        return (FeatureMatrix(ids: (0..<n).map(String.init), names: ["a", "b", "c"], values: values), labels)
    }

    @Test("up to the sample size the silhouette is exact (standard error 0, every point)")
    func exactBelowTheSample() {
        let (m, labels) = blobs(600)
        let e = Silhouette.estimate(m, labels: labels, k: 4, sample: 600)
        #expect(e.standardError == 0 && e.sample == 600)
        #expect(e.value == Silhouette.score(m, labels: labels, k: 4, exactLimit: 10_000))
    }

    @Test("on a sample the estimate lies within 3 standard errors of the exact value, for several seeds")
    func sampledWithinItsStandardError() {
        let (m, labels) = blobs(6_000)
        let exact = Silhouette.estimate(m, labels: labels, k: 4, sample: 6_000)
        for seed in UInt64(1)...5 {
            let e = Silhouette.estimate(m, labels: labels, k: 4, sample: 800, seed: seed)
            #expect(e.sample == 800 && e.standardError > 0.001 && e.standardError < 0.05)
            #expect(abs(e.value - exact.value) < 3 * e.standardError, "seed \(seed): \(e.value) vs \(exact.value) ± \(e.standardError)")
        }
    }
}
