/// The clustering workflow: transform, standardise, choose k, cluster, score and name.
public struct ClusterAnalysis: Sendable {
    /// The number of clusters used (given, or chosen by the best silhouette).
    public var k: Int
    /// The clustering: centres, labels, inertia.
    public var result: KMeans.Result
    /// The mean silhouette (Rousseeuw 1987), exact up to 5,000 points, else on a seeded sample.
    public var silhouette: Double
    /// How exact `silhouette` is: its standard error and the points it was computed on.
    public var silhouetteEstimate: Silhouette.Estimate
    /// Silhouette for each k tried (when k was chosen automatically).
    public var silhouetteByK: [(k: Int, silhouette: Double, inertia: Double)]
    /// Each cluster described and named, largest first.
    public var personas: [Persona]
    /// Centroids in the space the clustering ran in.
    public var centroidsTransformed: [[Double]]
    /// Whether features were standardised (z-scores) before clustering.
    public var standardized: Bool

    /// Runs it.
    /// - Parameters:
    ///   - data: the features (original units).
    ///   - k: the number of clusters, or nil to choose it by silhouette over `kRange`.
    ///   - log: apply `log1p` to all features first.
    ///   - standardize: z-score features (population standard deviation), the default.
    public static func run(_ data: FeatureMatrix, k: Int?, kRange: ClosedRange<Int> = 2...10, log: Bool = false, standardize: Bool = true,
                           options: KMeans.Options) throws(SegmentaError) -> ClusterAnalysis {
        guard data.rows >= 2 else { throw SegmentaError(.invalidInput, "clustering needs at least 2 rows") }
        let logs = [Bool](repeating: log, count: data.columns)
        let scaler = Standardizer.fit(data, log: logs)
        let space: FeatureMatrix
        if standardize {
            space = scaler.apply(data)
        } else if log {
            var t = data
            for i in 0..<t.values.count { t.values[i] = Standardizer.transform(t.values[i], true) }
            space = t
        } else {
            space = data
        }
        var tried: [(k: Int, silhouette: Double, inertia: Double)] = []
        var chosen: (Int, KMeans.Result, Silhouette.Estimate)
        if let k {
            var o = options
            o.k = k
            let r = try KMeans.fit(space, options: o)
            chosen = (k, r, Silhouette.estimate(space, labels: r.labels, k: k, seed: options.seed))
        } else {
            var bestSoFar: (Int, KMeans.Result, Silhouette.Estimate)?
            for candidate in kRange where candidate < data.rows {
                var o = options
                o.k = candidate
                let r = try KMeans.fit(space, options: o)
                let s = Silhouette.estimate(space, labels: r.labels, k: candidate, seed: options.seed)
                tried.append((candidate, s.value, r.inertia))
                if bestSoFar.map({ s.value > $0.2.value }) ?? true { bestSoFar = (candidate, r, s) }
            }
            guard let b = bestSoFar else { throw SegmentaError(.invalidInput, "no k in \(kRange) fits \(data.rows) rows") }
            chosen = b
        }
        let (k, r, s) = chosen
        // Centroids in original units: means of the members (exact, whatever the transform).
        var original = [[Double]](repeating: [Double](repeating: 0, count: data.columns), count: k)
        for i in 0..<data.rows { for j in 0..<data.columns { original[r.labels[i]][j] += data[i, j] } }
        for c in 0..<k where r.sizes[c] > 0 { for j in 0..<data.columns { original[c][j] /= Double(r.sizes[c]) } }
        let plain = Standardizer.fit(data, log: [Bool](repeating: false, count: data.columns))
        let z = original.map { row in row.enumerated().map { ($0.element - plain.means[$0.offset]) / plain.deviations[$0.offset] } }
        let personas = Persona.describe(features: data.names, centroids: original, zScores: z, sizes: r.sizes)
        return ClusterAnalysis(k: k, result: r, silhouette: s.value, silhouetteEstimate: s, silhouetteByK: tried, personas: personas,
                               centroidsTransformed: r.centers, standardized: standardize)
    }
}
