import Dispatch

/// The silhouette coefficient (Rousseeuw 1987): mean over points of (b − a) / max(a, b), with a the
/// mean distance to the point's own cluster and b to the nearest other cluster.
public enum Silhouette {
    /// Exact up to `exactLimit` points; beyond, on a seeded sample of that many points.
    /// - Complexity: O(s × n × d) for s sampled points, shared over all cores.
    public static func score(_ m: FeatureMatrix, labels: [Int], k: Int, exactLimit: Int = 20_000, seed: UInt64 = 0) -> Double {
        let n = m.rows, d = m.columns
        guard k > 1, n > k else { return .nan }
        var sample = Array(0..<n)
        if n > exactLimit {
            var rng = SplitMix64(seed: seed)
            for i in 0..<exactLimit { sample.swapAt(i, i + Int(rng.uniform() * Double(n - i)) % (n - i)) }
            sample = Array(sample.prefix(exactLimit))
        }
        let members = n > exactLimit ? sample : Array(0..<n)
        var counts = [Int](repeating: 0, count: k)
        for i in members { counts[labels[i]] += 1 }
        // The sampled points are shared out in fixed, contiguous parts over the cores; each part's
        // sum is computed alone and the parts are added in order, so the result does not depend on
        // scheduling. The distances read the matrix through raw pointers (no bounds checks in the
        // O(s × n × d) loop).
        // A fixed number of parts (not one per core), so the sum is the same on every machine.
        let parts = Swift.min(sample.count, 64)
        let results = ChunkResults<(Double, Int)>(count: parts, empty: (0, 0))
        let shared = UnsafeSendable((sample, members, counts))
        m.values.withUnsafeBufferPointer { valuesBuffer in
            labels.withUnsafeBufferPointer { labelBuffer in
                let values = UnsafeSendable(valuesBuffer), labelled = UnsafeSendable(labelBuffer)
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    let (sample, members, counts) = shared.value
                    let v = values.value, lab = labelled.value
                    let lo = part * sample.count / parts, hi = (part + 1) * sample.count / parts
                    var total = 0.0, counted = 0
                    var sums = [Double](repeating: 0, count: k)
                    for i in sample[lo..<hi] {
                        for c in 0..<k { sums[c] = 0 }
                        let row = i * d
                        for j in members where j != i {
                            var s = 0.0
                            let other = j * d
                            for f in 0..<d { let x = v[row + f] - v[other + f]; s += x * x }
                            sums[lab[j]] += s.squareRoot()
                        }
                        let own = lab[i]
                        guard counts[own] > 1 else { counted += 1; continue } // silhouette 0 for singletons
                        let a = sums[own] / Double(counts[own] - 1)
                        var b = Double.infinity
                        for c in 0..<k where c != own && counts[c] > 0 { b = Swift.min(b, sums[c] / Double(counts[c])) }
                        total += (b - a) / Swift.max(a, b)
                        counted += 1
                    }
                    results.set(part, (total, counted))
                }
            }
        }
        var total = 0.0
        var counted = 0
        for part in 0..<parts {
            let (t, c) = results.get(part)
            total += t
            counted += c
        }
        return total / Double(counted)
    }
}
