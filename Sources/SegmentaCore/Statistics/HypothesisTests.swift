import Foundation

/// The result of a statistical test.
public struct TestResult: Sendable, Equatable {
    /// The test's name, e.g. "Welch's t-test".
    public var test: String
    /// The test statistic (t, z, χ², U …).
    public var statistic: Double
    /// Its p-value (two-sided unless the test is one-sided by nature).
    public var pValue: Double
    /// Degrees of freedom, when the test has them.
    public var degreesOfFreedom: Double?
}

/// Two-sample and contingency tests, each checked against scipy on recorded cases
/// (`Tests/SegmentaCoreTests/Fixtures/stats/`).
public enum HypothesisTests {
    /// Welch's unequal-variance t-test, two-sided (scipy `ttest_ind(equal_var=False)`).
    public static func welch(_ a: [Double], _ b: [Double]) -> TestResult {
        let (ma, va) = meanVariance(a), (mb, vb) = meanVariance(b)
        let na = Double(a.count), nb = Double(b.count)
        let se2 = va / na + vb / nb
        guard se2 > 0 else { return TestResult(test: "Welch's t-test", statistic: .nan, pValue: .nan, degreesOfFreedom: nil) }
        let t = (ma - mb) / se2.squareRoot()
        let df = se2 * se2 / ((va / na) * (va / na) / (na - 1) + (vb / nb) * (vb / nb) / (nb - 1))
        return TestResult(test: "Welch's t-test", statistic: t, pValue: Distributions.studentTTwoSided(t, df: df), degreesOfFreedom: df)
    }

    /// Mann-Whitney U, two-sided, normal approximation with tie correction and continuity
    /// correction (scipy `mannwhitneyu(method="asymptotic")`). The statistic is U of the first sample.
    public static func mannWhitney(_ a: [Double], _ b: [Double]) -> TestResult {
        let na = Double(a.count), nb = Double(b.count)
        let all = (a.map { ($0, 0) } + b.map { ($0, 1) }).sorted { $0.0 < $1.0 }
        var ranks = [Double](repeating: 0, count: all.count)
        var tieTerm = 0.0
        var i = 0
        while i < all.count {
            var j = i
            while j + 1 < all.count && all[j + 1].0 == all[i].0 { j += 1 }
            let rank = Double(i + j) / 2 + 1
            for k in i...j { ranks[k] = rank }
            let t = Double(j - i + 1)
            tieTerm += t * t * t - t
            i = j + 1
        }
        var r1 = 0.0
        for (k, item) in all.enumerated() where item.1 == 0 { r1 += ranks[k] }
        let u1 = r1 - na * (na + 1) / 2
        let n = na + nb
        let mu = na * nb / 2
        let sigma = (na * nb / 12 * ((n + 1) - tieTerm / (n * (n - 1)))).squareRoot()
        guard sigma > 0 else { return TestResult(test: "Mann-Whitney U", statistic: u1, pValue: 1, degreesOfFreedom: nil) }
        let u = max(u1, na * nb - u1)
        let z = (u - mu - 0.5) / sigma
        return TestResult(test: "Mann-Whitney U", statistic: u1, pValue: min(1, 2 * Distributions.normalSurvival(z)), degreesOfFreedom: nil)
    }

    /// Two-proportion z-test with the pooled proportion, two-sided (statsmodels `proportions_ztest`).
    public static func twoProportions(successes x1: Int, trials n1: Int, successes x2: Int, trials n2: Int) -> TestResult {
        let p1 = Double(x1) / Double(n1), p2 = Double(x2) / Double(n2)
        let pooled = Double(x1 + x2) / Double(n1 + n2)
        let se = (pooled * (1 - pooled) * (1 / Double(n1) + 1 / Double(n2))).squareRoot()
        guard se > 0 else { return TestResult(test: "two-proportion z-test", statistic: .nan, pValue: .nan, degreesOfFreedom: nil) }
        let z = (p1 - p2) / se
        return TestResult(test: "two-proportion z-test", statistic: z, pValue: 2 * Distributions.normalSurvival(abs(z)), degreesOfFreedom: nil)
    }

    /// χ² test of independence on a contingency table, without continuity correction
    /// (scipy `chi2_contingency(correction=False)`).
    public static func chiSquare(_ table: [[Double]]) -> TestResult {
        let rows = table.map { $0.reduce(0, +) }, cols = (0..<(table.first?.count ?? 0)).map { j in table.reduce(0) { $0 + $1[j] } }
        let total = rows.reduce(0, +)
        var stat = 0.0
        for i in table.indices { for j in table[i].indices {
            let e = rows[i] * cols[j] / total
            if e > 0 { stat += (table[i][j] - e) * (table[i][j] - e) / e }
        } }
        let df = Double((rows.filter { $0 > 0 }.count - 1) * (cols.filter { $0 > 0 }.count - 1))
        return TestResult(test: "chi-square test", statistic: stat, pValue: df > 0 ? Distributions.chiSquareSurvival(stat, df: df) : .nan, degreesOfFreedom: df)
    }

    /// Fisher's exact test on the 2×2 table [[a, b], [c, d]], two-sided: the probability, given
    /// the margins, of a table at most as likely as the one observed (scipy `fisher_exact`, whose
    /// relative tolerance of 1e-7 it keeps). The statistic is the odds ratio a·d / (b·c).
    public static func fisherExact(_ a: Int, _ b: Int, _ c: Int, _ d: Int) -> TestResult {
        let name = "Fisher's exact test"
        guard a >= 0, b >= 0, c >= 0, d >= 0 else { return TestResult(test: name, statistic: .nan, pValue: .nan, degreesOfFreedom: nil) }
        let row1 = a + b, col1 = a + c, n = a + b + c + d
        let odds = Double(a) * Double(d) / (Double(b) * Double(c))
        guard n > 0, row1 > 0, col1 > 0, row1 < n, col1 < n else { return TestResult(test: name, statistic: odds, pValue: 1, degreesOfFreedom: nil) }
        func logChoose(_ n: Int, _ k: Int) -> Double { lgamma(Double(n) + 1) - lgamma(Double(k) + 1) - lgamma(Double(n - k) + 1) }
        // P(X = x) for X hypergeometric: x of the first column's col1 fall in the first row.
        func logP(_ x: Int) -> Double { logChoose(row1, x) + logChoose(n - row1, col1 - x) - logChoose(n, col1) }
        let low = max(0, col1 - (n - row1)), high = min(row1, col1)
        let observed = logP(a)
        var p = 0.0
        for x in low...high {
            let lp = logP(x)
            if lp <= observed + log1p(1e-7) { p += exp(lp) }
        }
        return TestResult(test: name, statistic: odds, pValue: min(1, p), degreesOfFreedom: nil)
    }

    static func meanVariance(_ x: [Double]) -> (Double, Double) {
        let n = Double(x.count)
        let m = x.reduce(0, +) / n
        let v = x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)
        return (m, v)
    }
}
