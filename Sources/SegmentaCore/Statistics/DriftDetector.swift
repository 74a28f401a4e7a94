/// Whether a segment changed more than its own history explains, at a refresh.
///
/// - **Size**: a Shewhart control chart on the sizes of the last `history` refreshes: an alert
///   when the new size is more than `sizeSigma` standard deviations from their mean. The standard
///   deviation is at least √mean — the noise of a count — so a segment whose size happened to
///   repeat exactly is not alarmed by one more or one less member; and the change must be at least
///   `minimumRelativeChange` of the mean.
/// - **Mix**: for each trait (plan, lifecycle, RFM segment, country…), the members' counts per
///   value before and after, tested with a χ² test of homogeneity; p-values Holm-adjusted across the
///   traits; an alert for each trait below `alpha` whose largest share moved by at least
///   `minimumShareChange`. Before and after share most of their members, which makes the test
///   conservative (fewer false alarms), never more eager.
public enum DriftDetector {
    /// Thresholds.
    public struct Options: Sendable, Equatable {
        /// How many standard deviations from the recent mean a size must be to raise an alert.
        public var sizeSigma = 3.0
        /// Earlier refreshes the size is compared with, and how many are needed at least.
        public var history = 8, minimumHistory = 4
        /// A size alert also needs a change of at least this share of the recent mean (0.05 = 5 %).
        public var minimumRelativeChange = 0.05
        /// Family-wise level of the mix tests (Holm across traits).
        public var alpha = 0.01
        /// A mix alert also needs some value's share of members to move by at least this (0.05 = 5 points).
        public var minimumShareChange = 0.05
        /// Fewer members than this, before or after, and the mix is not tested.
        public var minimumMembers = 30
        /// Values per trait kept apart (the rarer ones are pooled as "other").
        public var levels = 8
        /// The defaults: 3σ over the last 8 refreshes (4 at least), 5 %, α = 0.01, 5 points, 30 members, 8 values.
        public init() {}
    }

    /// A significant change, in words and in numbers.
    public struct Finding: Sendable, Equatable {
        /// What changed: the segment's size, or its mix of one trait.
        public enum Kind: String, Sendable { case size, mix }
        /// Size or mix.
        public var kind: Kind
        /// The trait whose mix moved (nil for size).
        public var trait: String?
        /// The change in a sentence, with the numbers.
        public var message: String
        /// The numbers behind it: sizes and limits, or shares before and after with the p-value.
        public var details: JSONValue
    }

    /// The members' counts per value of one trait, before and after.
    public struct Mix: Sendable, Equatable {
        /// The trait's key (`plan`, `lifecycle`, `rfm_segment`, …).
        public var trait: String
        /// How people call the trait ("plan", "lifecycle stage").
        public var label: String
        /// Members per value at the previous refresh and at this one.
        public var before: [String: Int], after: [String: Int]
        /// Creates a trait's counts.
        public init(trait: String, label: String, before: [String: Int], after: [String: Int]) {
            self.trait = trait
            self.label = label
            self.before = before
            self.after = after
        }
    }

    /// The size check. `history` holds earlier sizes, oldest first (only the last
    /// `options.history` are used); `days` is the time since the previous refresh, for the wording.
    public static func size(segment: String, current: Int, history: [Int], days: Int?, options: Options = Options()) -> Finding? {
        let window = history.suffix(options.history).map(Double.init)
        guard window.count >= max(2, options.minimumHistory) else { return nil }
        let mean = window.reduce(0, +) / Double(window.count)
        let variance = window.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(window.count - 1)
        let sd = max(variance.squareRoot(), max(mean, 1).squareRoot())
        let change = Double(current) - mean
        guard abs(change) > options.sizeSigma * sd, abs(change) >= options.minimumRelativeChange * mean else { return nil }
        // The whole sizes inside the limits: a size that raised the alert is never inside the range shown
        // (an upper limit of 16.78 reads 0–16, not 0–17 next to a size of 17).
        let low = Int(max(0, mean - options.sizeSigma * sd).rounded(.up)), high = Int((mean + options.sizeSigma * sd).rounded(.down))
        let relative = mean > 0 ? abs(change) / mean : 1
        let previous = history.last ?? 0
        let since = days.map { $0 == 1 ? " in a day" : $0 == 7 ? " in a week" : " in \($0) days" } ?? ""
        let message = "\(segment) \(change < 0 ? "shrank" : "grew") \(NumberText.percent(relative, 0))\(since): \(NumberText.thousands(current)) members "
            + "against \(NumberText.thousands(previous)) at the previous refresh and a usual range of \(NumberText.thousands(low))–\(NumberText.thousands(high)) "
            + "over the last \(window.count) refreshes."
        return Finding(kind: .size, trait: nil, message: message, details: .object([
            "size": .number(Double(current)), "previous": .number(Double(previous)), "mean": .number(mean), "sd": .number(sd),
            "low": .number(Double(low)), "high": .number(Double(high)), "change": .number(change / max(mean, 1)),
        ]))
    }

    /// The mix checks, Holm-adjusted across `mixes`.
    public static func mix(segment: String, _ mixes: [Mix], options: Options = Options()) -> [Finding] {
        var tested: [(mix: Mix, values: [String], before: [Double], after: [Double], p: Double)] = []
        for m in mixes {
            let nBefore = m.before.values.reduce(0, +), nAfter = m.after.values.reduce(0, +)
            guard nBefore >= options.minimumMembers, nAfter >= options.minimumMembers else { continue }
            var totals: [String: Int] = m.before
            for (v, n) in m.after { totals[v, default: 0] += n }
            let ordered = totals.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
            let kept = Array(ordered.prefix(options.levels))
            let pooled = ordered.count > kept.count
            let values = kept + (pooled ? ["other"] : [])
            func counts(_ c: [String: Int]) -> [Double] {
                var row = kept.map { Double(c[$0] ?? 0) }
                if pooled { row.append(Double(c.filter { !kept.contains($0.key) }.values.reduce(0, +))) }
                return row
            }
            let before = counts(m.before), after = counts(m.after)
            guard values.count >= 2 else { continue }
            let test = HypothesisTests.chiSquare([before, after])
            guard test.pValue.isFinite else { continue }
            tested.append((m, values, before, after, test.pValue))
        }
        let adjusted = EffectSizes.holm(tested.map(\.p))
        var findings: [Finding] = []
        for (k, t) in tested.enumerated() where adjusted[k] < options.alpha {
            let nb = t.before.reduce(0, +), na = t.after.reduce(0, +)
            let shares = t.values.indices.map { (value: t.values[$0], before: t.before[$0] / nb, after: t.after[$0] / na) }
            // The value that moved most; between equal moves, the one that changed most for its size.
            func move(_ s: (value: String, before: Double, after: Double)) -> (Double, Double) {
                let d = abs(s.after - s.before)
                return ((d * 1e9).rounded(), d / max(s.before, s.after, 1e-12))
            }
            guard let moved = shares.max(by: { move($0) < move($1) }),
                  abs(moved.after - moved.before) >= options.minimumShareChange else { continue }
            let message = "In \(segment), the share of \(t.mix.label) = \(moved.value) \(moved.after < moved.before ? "fell" : "rose") from "
                + "\(NumberText.percent(moved.before, 0)) to \(NumberText.percent(moved.after, 0)) since the previous refresh "
                + "(χ² test, Holm-adjusted p \(adjusted[k] < 0.001 ? "< 0.001" : "= " + NumberText.fixed(adjusted[k], 3)))."
            findings.append(Finding(kind: .mix, trait: t.mix.trait, message: message, details: .object([
                "trait": .string(t.mix.trait), "value": .string(moved.value), "share_before": .number(moved.before), "share_after": .number(moved.after),
                "p": .number(t.p), "p_holm": .number(adjusted[k]),
                "shares": .array(shares.map { .object(["value": .string($0.value), "before": .number($0.before), "after": .number($0.after)]) }),
            ])))
        }
        return findings
    }
}
