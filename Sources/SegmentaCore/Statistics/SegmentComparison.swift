import Foundation

/// Compares two groups of customers KPI by KPI, with a test, an effect size, a confidence interval,
/// Holm-adjusted p-values and a verdict in words.
public enum SegmentComparison {
    /// The values of one KPI in one group: per-customer numbers (for means) or 0/1 flags (for shares).
    /// For NPS, per-customer scores 0–10.
    public typealias Values = [Double]

    /// One KPI compared between the two groups.
    public struct Row: Sendable, Equatable {
        /// The KPI compared.
        public var kpi: KPI
        /// Its value in each group: a mean, a share or an NPS.
        public var a: Double, b: Double
        /// a − b.
        public var difference: Double
        /// Cohen's d for means, the risk ratio for shares, the NPS difference for NPS.
        public var effectSize: Double
        /// 95 % confidence interval of the difference (Welch for means, Newcombe for shares, a bootstrap for NPS).
        public var ci: (low: Double, high: Double)
        /// The test used, by name: Welch's t for means, the two-proportion test for shares, Mann–Whitney for NPS ("not enough data" under 2 per group).
        public var test: String
        /// Its two-sided p-value.
        public var pValue: Double
        /// The p-value after Holm's correction across the KPIs compared.
        public var pAdjusted: Double
        /// The difference in words, saying whether it is significant and large enough to matter.
        public var verdict: String
        /// Customers with a value in each group.
        public var nA: Int, nB: Int

        /// Equal KPI, values, p-value and interval.
        public static func == (l: Row, r: Row) -> Bool {
            l.kpi == r.kpi && l.a == r.a && l.b == r.b && l.pValue == r.pValue && l.ci.low == r.ci.low && l.ci.high == r.ci.high
        }
    }

    /// Compares groups A and B on each KPI.
    /// - Parameters:
    ///   - values: per KPI, the values of A and of B.
    ///   - names: the groups' names for the verdicts.
    ///   - seed: for the bootstrap (NPS interval).
    public static func compare(_ values: [(KPI, Values, Values)], names: (String, String), seed: UInt64 = 0) -> [Row] {
        var rows: [Row] = values.map { kpi, a, b in row(kpi, a, b, names: names, seed: seed) }
        let adjusted = EffectSizes.holm(rows.map { $0.pValue.isNaN ? 1 : $0.pValue })
        for i in rows.indices {
            rows[i].pAdjusted = rows[i].pValue.isNaN ? .nan : adjusted[i]
            rows[i].verdict = verdict(rows[i], names: names)
        }
        return rows
    }

    /// Re-adjusts the p-values of several comparisons together (Holm over all their rows), for
    /// `--by`, where every value of a trait is compared with the rest on the same KPIs.
    public static func adjustJointly(_ groups: [[Row]], names: [(String, String)]) -> [[Row]] {
        let flat = groups.flatMap { $0 }
        let adjusted = EffectSizes.holm(flat.map { $0.pValue.isNaN ? 1 : $0.pValue })
        var k = 0
        return groups.enumerated().map { g, rows in
            rows.map { row in
                var r = row
                r.pAdjusted = r.pValue.isNaN ? .nan : adjusted[k]
                r.verdict = verdict(r, names: names[g])
                k += 1
                return r
            }
        }
    }

    static func mean(_ x: [Double]) -> Double { x.isEmpty ? .nan : x.reduce(0, +) / Double(x.count) }

    static func npsScore(_ x: [Double]) -> Double {
        guard !x.isEmpty else { return .nan }
        let promoters = x.filter { $0 >= 9 }.count, detractors = x.filter { $0 <= 6 }.count
        return 100 * Double(promoters - detractors) / Double(x.count)
    }

    static func row(_ kpi: KPI, _ a: Values, _ b: Values, names: (String, String), seed: UInt64) -> Row {
        var r = Row(kpi: kpi, a: .nan, b: .nan, difference: .nan, effectSize: .nan, ci: (.nan, .nan), test: "", pValue: .nan,
                    pAdjusted: .nan, verdict: "", nA: a.count, nB: b.count)
        guard a.count >= 2, b.count >= 2 else { r.test = "not enough data"; return r }
        switch kpi {
        case .churn, .active, .adoption:
            let xa = Int(a.reduce(0, +)), xb = Int(b.reduce(0, +))
            r.a = Double(xa) / Double(a.count)
            r.b = Double(xb) / Double(b.count)
            r.difference = r.a - r.b
            let t = HypothesisTests.twoProportions(successes: xa, trials: a.count, successes: xb, trials: b.count)
            r.test = t.test
            r.pValue = t.pValue
            r.effectSize = EffectSizes.riskRatio(successes: xa, trials: a.count, successes: xb, trials: b.count).ratio
            // Newcombe's hybrid score interval for the difference of two proportions, from Wilson intervals.
            let wa = EffectSizes.wilson(successes: xa, trials: a.count), wb = EffectSizes.wilson(successes: xb, trials: b.count)
            r.ci = (r.difference - ((r.a - wa.low) * (r.a - wa.low) + (wb.high - r.b) * (wb.high - r.b)).squareRoot(),
                    r.difference + ((wa.high - r.a) * (wa.high - r.a) + (r.b - wb.low) * (r.b - wb.low)).squareRoot())
        case .nps:
            r.a = npsScore(a)
            r.b = npsScore(b)
            r.difference = r.a - r.b
            r.effectSize = r.difference
            let t = HypothesisTests.mannWhitney(a, b)
            r.test = t.test
            r.pValue = t.pValue
            r.ci = EffectSizes.bootstrap(a, b, resamples: 1000, seed: seed) { npsScore($0) - npsScore($1) }
        default:
            r.a = mean(a)
            r.b = mean(b)
            r.difference = r.a - r.b
            let t = HypothesisTests.welch(a, b)
            r.test = t.test
            r.pValue = t.pValue
            r.effectSize = EffectSizes.cohensD(a, b)
            if let df = t.degreesOfFreedom {
                let (_, va) = HypothesisTests.meanVariance(a), (_, vb) = HypothesisTests.meanVariance(b)
                let se = (va / Double(a.count) + vb / Double(b.count)).squareRoot()
                let q = Distributions.studentTQuantile(0.975, df: df)
                r.ci = (r.difference - q * se, r.difference + q * se)
            }
        }
        return r
    }

    /// A p-value for people: `p < 0.001`, `p = 0.042`, `p n/a`.
    public static func formatP(_ p: Double) -> String {
        if p.isNaN { return "p n/a" }
        if p < 0.001 { return "p < 0.001" }
        return "p = " + String(format: "%.3f", p)
    }

    static func verdict(_ r: Row, names: (String, String)) -> String {
        let (a, b) = names
        guard !r.pAdjusted.isNaN, !r.a.isNaN, !r.b.isNaN else { return "not enough data to compare \(r.kpi)" }
        let p = formatP(r.pAdjusted)
        guard r.pAdjusted < 0.05 else { return "no significant difference in \(r.kpi) between \(a) and \(b) (\(p))" }
        if r.kpi == .nps {
            return "\(a) has an NPS \(String(format: "%.0f", abs(r.difference))) points \(r.difference > 0 ? "higher" : "lower") than \(b) (\(p))"
        }
        if r.kpi.isProportion {
            guard r.b > 0, r.a > 0 else { return "\(r.kpi): \(a) \(pct(r.a)) vs \(b) \(pct(r.b)) (\(p))" }
            let ratio = r.a / r.b
            let what: String
            switch r.kpi {
            case .churn: what = "churns"
            case .active: what = "is active"
            default: what = "does it"
            }
            return ratio >= 1
                ? "\(a) \(what) \(String(format: "%.1f", ratio))× as often as \(b) (\(pct(r.a)) vs \(pct(r.b)), \(p))"
                : "\(a) \(what) \(String(format: "%.1f", 1 / ratio))× less often than \(b) (\(pct(r.a)) vs \(pct(r.b)), \(p))"
        }
        guard r.b != 0 else { return "\(r.kpi): \(a) \(String(format: "%.2f", r.a)) vs \(b) \(String(format: "%.2f", r.b)) (\(p))" }
        let change = r.a / r.b - 1
        return "\(a) has \(String(format: "%.0f", abs(change) * 100))% \(change > 0 ? "higher" : "lower") \(r.kpi) than \(b) (\(String(format: "%.2f", r.a)) vs \(String(format: "%.2f", r.b)), \(p))"
    }

    static func pct(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
}
