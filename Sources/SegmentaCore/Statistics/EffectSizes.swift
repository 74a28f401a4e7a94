import Foundation

/// Effect sizes, intervals and multiple-testing corrections.
public enum EffectSizes {
    /// Cohen's d with the pooled standard deviation.
    public static func cohensD(_ a: [Double], _ b: [Double]) -> Double {
        let (ma, va) = HypothesisTests.meanVariance(a), (mb, vb) = HypothesisTests.meanVariance(b)
        let na = Double(a.count), nb = Double(b.count)
        let pooled = (((na - 1) * va + (nb - 1) * vb) / (na + nb - 2)).squareRoot()
        return pooled > 0 ? (ma - mb) / pooled : .nan
    }

    /// Cramér's V of a contingency table.
    public static func cramersV(_ table: [[Double]]) -> Double {
        let chi = HypothesisTests.chiSquare(table).statistic
        let n = table.flatMap { $0 }.reduce(0, +)
        let k = Double(min(table.count, table.first?.count ?? 0))
        return k > 1 && n > 0 ? (chi / (n * (k - 1))).squareRoot() : .nan
    }

    /// Risk ratio p₁/p₂ with its 95 % (or `level`) confidence interval on the log scale (Katz).
    public static func riskRatio(successes x1: Int, trials n1: Int, successes x2: Int, trials n2: Int, level: Double = 0.95) -> (ratio: Double, low: Double, high: Double) {
        let p1 = Double(x1) / Double(n1), p2 = Double(x2) / Double(n2)
        let rr = p1 / p2
        guard x1 > 0, x2 > 0 else { return (rr, .nan, .nan) }
        let se = (1 / Double(x1) - 1 / Double(n1) + 1 / Double(x2) - 1 / Double(n2)).squareRoot()
        let z = Distributions.normalQuantile(0.5 + level / 2)
        return (rr, exp(log(rr) - z * se), exp(log(rr) + z * se))
    }

    /// Wilson score interval for a proportion (statsmodels `proportion_confint(method="wilson")`).
    public static func wilson(successes x: Int, trials n: Int, level: Double = 0.95) -> (low: Double, high: Double) {
        guard n > 0 else { return (.nan, .nan) }
        let z = Distributions.normalQuantile(0.5 + level / 2), nd = Double(n), p = Double(x) / nd
        let denominator = 1 + z * z / nd
        let centre = (p + z * z / (2 * nd)) / denominator
        let half = z * (p * (1 - p) / nd + z * z / (4 * nd * nd)).squareRoot() / denominator
        return (centre - half, centre + half)
    }

    /// Percentile bootstrap confidence interval of a statistic of two samples, with a seeded generator.
    public static func bootstrap(_ a: [Double], _ b: [Double], resamples: Int = 2000, level: Double = 0.95, seed: UInt64 = 0,
                                 statistic: ([Double], [Double]) -> Double) -> (low: Double, high: Double) {
        var rng = SplitMix64(seed: seed)
        var values: [Double] = []
        values.reserveCapacity(resamples)
        for _ in 0..<resamples {
            let ra = a.indices.map { _ in a[Int(rng.uniform() * Double(a.count)) % a.count] }
            let rb = b.indices.map { _ in b[Int(rng.uniform() * Double(b.count)) % b.count] }
            values.append(statistic(ra, rb))
        }
        values.sort()
        func at(_ q: Double) -> Double {
            let h = q * Double(values.count - 1)
            let lo = Int(h.rounded(.down)), hi = min(values.count - 1, lo + 1)
            return values[lo] + (h - Double(lo)) * (values[hi] - values[lo])
        }
        return (at((1 - level) / 2), at(1 - (1 - level) / 2))
    }

    /// Holm's step-down adjusted p-values (statsmodels `multipletests(method="holm")`).
    public static func holm(_ p: [Double]) -> [Double] {
        let m = Double(p.count)
        let order = p.indices.sorted { p[$0] < p[$1] }
        var adjusted = [Double](repeating: 0, count: p.count)
        var running = 0.0
        for (rank, i) in order.enumerated() {
            running = max(running, min(1, (m - Double(rank)) * p[i]))
            adjusted[i] = running
        }
        return adjusted
    }

    /// Benjamini–Hochberg adjusted p-values (statsmodels `multipletests(method="fdr_bh")`).
    public static func benjaminiHochberg(_ p: [Double]) -> [Double] {
        let m = Double(p.count)
        let order = p.indices.sorted { p[$0] > p[$1] }
        var adjusted = [Double](repeating: 0, count: p.count)
        var running = 1.0
        for (k, i) in order.enumerated() {
            let rank = m - Double(k)
            running = min(running, p[i] * m / rank)
            adjusted[i] = min(1, running)
        }
        return adjusted
    }
}
