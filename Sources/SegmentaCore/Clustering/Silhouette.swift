/// The silhouette coefficient (Rousseeuw 1987): mean over points of (b − a) / max(a, b), with a the
/// mean distance to the point's own cluster and b to the nearest other cluster.
public enum Silhouette {
    /// Exact up to `exactLimit` points; beyond, on a seeded sample of that many points.
    /// - Complexity: O(s × n × d) for s sampled points.
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
        var total = 0.0
        var counted = 0
        for i in sample {
            var sums = [Double](repeating: 0, count: k)
            for j in members where j != i {
                var s = 0.0
                for f in 0..<d { let x = m.values[i * d + f] - m.values[j * d + f]; s += x * x }
                sums[labels[j]] += s.squareRoot()
            }
            let own = labels[i]
            guard counts[own] > 1 else { counted += 1; continue } // silhouette 0 for singletons
            let a = sums[own] / Double(counts[own] - 1)
            var b = Double.infinity
            for c in 0..<k where c != own && counts[c] > 0 { b = min(b, sums[c] / Double(counts[c])) }
            total += (b - a) / max(a, b)
            counted += 1
        }
        return total / Double(counted)
    }
}
