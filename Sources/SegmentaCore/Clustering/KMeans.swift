import Dispatch
import Foundation

/// k-means clustering: greedy k-means++ seeding (Arthur & Vassilvitskii 2007, with scikit-learn's
/// 2 + ⌊ln k⌋ local trials), Lloyd iterations, `nInit` restarts keeping the lowest inertia.
public enum KMeans {
    /// What to fit: k, restarts, iteration and tolerance limits, the seed.
    public struct Options: Sendable {
        /// The number of clusters.
        public var k: Int
        /// Restarts from new seeds; the result with the lowest inertia is kept.
        public var nInit: Int
        /// Lloyd iterations per restart at most.
        public var maxIterations: Int
        /// Stop when the total squared movement of the centres is at most `tolerance` × the mean
        /// variance of the features (scikit-learn's rule); 0 runs until assignments stop changing.
        public var tolerance: Double
        /// Seed of the k-means++ draws: the same seed gives the same clusters.
        public var seed: UInt64
        /// Explicit initial centres (then `nInit` is 1).
        public var initialCenters: [[Double]]?

        /// Options with scikit-learn's defaults for the limits.
        public init(k: Int, nInit: Int = 1, maxIterations: Int = 300, tolerance: Double = 1e-4, seed: UInt64 = 0, initialCenters: [[Double]]? = nil) {
            self.k = k
            self.nInit = nInit
            self.maxIterations = maxIterations
            self.tolerance = tolerance
            self.seed = seed
            self.initialCenters = initialCenters
        }
    }

    /// A fitted clustering.
    public struct Result: Sendable, Equatable {
        /// Centres, row-major (k × d).
        public var centers: [[Double]]
        /// Each row's cluster, 0 ..< k.
        public var labels: [Int]
        /// Sum of squared distances of points to their centre.
        public var inertia: Double
        /// Lloyd iterations of the restart kept.
        public var iterations: Int
        /// Rows per cluster.
        public var sizes: [Int]
    }

    /// Clusters the rows of `m`.
    /// - Complexity: O(nInit × iterations × n × k × d); the assignment step runs on all cores for large n.
    public static func fit(_ m: FeatureMatrix, options o: Options) throws(SegmentaError) -> Result {
        let n = m.rows, d = m.columns
        guard o.k >= 1 else { throw SegmentaError(.invalidInput, "k must be at least 1") }
        guard n >= o.k else { throw SegmentaError(.invalidInput, "k = \(o.k) clusters need at least \(o.k) rows; there are \(n)") }
        guard m.values.allSatisfy(\.isFinite) else { throw SegmentaError(.invalidInput, "features must be finite numbers (no NaN or infinity; log1p needs values above −1)") }
        // k clusters need k distinct points, or some clusters stay empty (scikit-learn warns
        // "Number of distinct clusters found smaller than n_clusters"): a clear error instead of
        // personas with no one in them. Stops as soon as k distinct rows are seen.
        var distinct = Set<ArraySlice<Double>>()
        for i in 0..<n where distinct.count < o.k { distinct.insert(m.values[(i * d)..<(i * d + d)]) }
        guard distinct.count >= o.k else {
            throw SegmentaError(.invalidInput, "k = \(o.k) clusters need at least \(o.k) distinct points; these \(n) rows have only \(distinct.count) — choose a smaller k (or --k auto)")
        }
        if let c = o.initialCenters {
            guard c.count == o.k, c.allSatisfy({ $0.count == d }) else {
                throw SegmentaError(.invalidInput, "initial centres must be \(o.k) rows of \(d) numbers")
            }
        }
        var means = [Double](repeating: 0, count: d), variance = means
        for i in 0..<n { for j in 0..<d { means[j] += m.values[i * d + j] } }
        for j in 0..<d { means[j] /= Double(n) }
        for i in 0..<n { for j in 0..<d { let x = m.values[i * d + j] - means[j]; variance[j] += x * x } }
        let tol = o.tolerance * variance.reduce(0, +) / Double(n) / Double(d)
        var rng = SplitMix64(seed: o.seed)
        func run() -> Result {
            let start = o.initialCenters.map { $0.flatMap { $0 } } ?? plusPlus(m, k: o.k, rng: &rng)
            return lloyd(m, centers: start, k: o.k, maxIterations: o.maxIterations, tolerance: tol, exact: o.tolerance == 0)
        }
        var best = run()
        for _ in 1..<(o.initialCenters == nil ? max(1, o.nInit) : 1) {
            let r = run()
            if r.inertia < best.inertia { best = r }
        }
        return best
    }

    /// Greedy k-means++ seeding, as scikit-learn's `_kmeans_plusplus`.
    static func plusPlus(_ m: FeatureMatrix, k: Int, rng: inout SplitMix64) -> [Double] {
        let n = m.rows, d = m.columns
        let trials = 2 + Int(Foundation.log(Double(k)))
        var centers: [Double] = []
        let first = Int(rng.uniform() * Double(n)) % n
        centers.append(contentsOf: m.values[(first * d)..<(first * d + d)])
        var closest = (0..<n).map { distance(m.values, $0 * d, centers, 0, d) }
        var potential = closest.reduce(0, +)
        for _ in 1..<k {
            var bestCandidate = -1, bestPotential = Double.infinity, bestClosest: [Double] = []
            for _ in 0..<trials {
                // Sample a point with probability proportional to its squared distance.
                var target = rng.uniform() * potential
                var candidate = n - 1
                for i in 0..<n { target -= closest[i]; if target <= 0 { candidate = i; break } }
                var next = closest
                var total = 0.0
                for i in 0..<n {
                    let dist = distance(m.values, i * d, m.values, candidate * d, d)
                    if dist < next[i] { next[i] = dist }
                    total += next[i]
                }
                if total < bestPotential { bestPotential = total; bestCandidate = candidate; bestClosest = next }
            }
            centers.append(contentsOf: m.values[(bestCandidate * d)..<(bestCandidate * d + d)])
            closest = bestClosest
            potential = bestPotential
        }
        return centers
    }

    @inline(__always)
    static func distance(_ a: [Double], _ ai: Int, _ b: [Double], _ bi: Int, _ d: Int) -> Double {
        var s = 0.0
        for j in 0..<d { let x = a[ai + j] - b[bi + j]; s += x * x }
        return s
    }

    /// One assignment pass over all points, in parallel chunks: each point's nearest centre, plus
    /// per-centre sums and counts for the update and the number of labels that changed.
    ///
    /// Distances use ‖x − c‖² = ‖x‖² − 2 x·c + ‖c‖², dropping ‖x‖² (the same for every centre),
    /// which halves the arithmetic of the inner loop.
    static func assign(_ values: [Double], n: Int, d: Int, centers: [Double], k: Int, previous: [Int]) -> (labels: [Int], sums: [Double], counts: [Int], changed: Int) {
        let parts = n >= 50_000 ? 2 : 1
        let chunk = (n + parts - 1) / parts
        let norms = (0..<k).map { c in (0..<d).reduce(0.0) { $0 + centers[c * d + $1] * centers[c * d + $1] } }
        let results = ChunkResults<([Int], [Double], [Int], Int)>(count: parts, empty: ([], [], [], 0))
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let lo = part * chunk, hi = min(n, lo + chunk)
            var local = [Int](repeating: 0, count: max(0, hi - lo))
            var sums = [Double](repeating: 0, count: k * d), counts = [Int](repeating: 0, count: k)
            var changed = 0
            values.withUnsafeBufferPointer { v in
                centers.withUnsafeBufferPointer { c in
                    norms.withUnsafeBufferPointer { cn in
                        guard let vb = v.baseAddress, let cb = c.baseAddress else { return }
                        for i in lo..<hi {
                            let x = vb + i * d
                            var best = 0, bestScore = Double.infinity
                            for c0 in 0..<k {
                                let cc = cb + c0 * d
                                var dot = 0.0
                                for j in 0..<d { dot += x[j] * cc[j] }
                                let score = cn[c0] - 2 * dot
                                if score < bestScore { bestScore = score; best = c0 }
                            }
                            local[i - lo] = best
                            if previous[i] != best { changed += 1 }
                            counts[best] += 1
                            for j in 0..<d { sums[best * d + j] += x[j] }
                        }
                    }
                }
            }
            results.set(part, (local, sums, counts, changed))
        }
        var labels = [Int](repeating: 0, count: n)
        var sums = [Double](repeating: 0, count: k * d), counts = [Int](repeating: 0, count: k), changed = 0
        for part in 0..<parts {
            let (local, s, c, ch) = results.get(part)
            let lo = part * chunk
            for (offset, label) in local.enumerated() { labels[lo + offset] = label }
            for x in 0..<(k * d) { sums[x] += s[x] }
            for x in 0..<k { counts[x] += c[x] }
            changed += ch
        }
        return (labels, sums, counts, changed)
    }

    /// Lloyd iterations from given centres (k × d, row-major).
    static func lloyd(_ m: FeatureMatrix, centers start: [Double], k: Int, maxIterations: Int, tolerance: Double, exact: Bool) -> Result {
        let n = m.rows, d = m.columns
        var centers = start
        var labels = [Int](repeating: -1, count: n)
        var iterations = 0
        let values = m.values
        while iterations < maxIterations {
            iterations += 1
            let step = assign(values, n: n, d: d, centers: centers, k: k, previous: labels)
            labels = step.labels
            if step.changed == 0 { break }
            var shift = 0.0
            for c in 0..<k where step.counts[c] > 0 {
                for j in 0..<d {
                    let updated = step.sums[c * d + j] / Double(step.counts[c])
                    shift += (updated - centers[c * d + j]) * (updated - centers[c * d + j])
                    centers[c * d + j] = updated
                }
            }
            if !exact && shift <= tolerance {
                // Converged on the centres: reassign once so labels match the final centres.
                labels = assign(values, n: n, d: d, centers: centers, k: k, previous: labels).labels
                break
            }
        }
        var inertia = 0.0
        var sizes = [Int](repeating: 0, count: k)
        for i in 0..<n { inertia += distance(values, i * d, centers, labels[i] * d, d); sizes[labels[i]] += 1 }
        return Result(centers: (0..<k).map { Array(centers[($0 * d)..<($0 * d + d)]) }, labels: labels, inertia: inertia, iterations: iterations, sizes: sizes)
    }
}
