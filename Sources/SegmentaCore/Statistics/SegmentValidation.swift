/// The guides' five criteria for a usable segment — distinct, measurable, accessible, substantial,
/// actionable — each judged pass / warn / fail with the reason.
public enum SegmentValidation {
    /// How a criterion came out: pass, warn (worth a look) or fail.
    public enum Status: String, Sendable, Equatable { case pass, warn, fail }

    /// One criterion's verdict.
    public struct Criterion: Sendable, Equatable {
        /// `distinct`, `measurable`, `accessible`, `substantial` or `actionable`.
        public var name: String
        /// Pass, warn or fail.
        public var status: Status
        /// Why, in a sentence with the figures that decided it.
        public var reason: String
    }

    /// Thresholds; the defaults are conservative starting points.
    public struct Thresholds: Sendable, Equatable {
        /// Fewer members than this fails `substantial`.
        public var minimumSize: Int = 100
        /// A smaller share of everyone than this (0.01 = 1 %) fails `substantial`.
        public var minimumShare: Double = 0.01
        /// At least this share of members reachable passes `accessible` (below one half fails).
        public var reachableShare: Double = 0.8
        /// A trait the definition uses that fewer members than this share have makes `measurable` warn.
        public var measurableShare: Double = 0.9
        /// A Jaccard overlap with another segment at least this high makes `distinct` warn.
        public var overlapWarning: Double = 0.8
        /// Refreshed longer ago than this many days makes `measurable` warn.
        public var staleAfterDays: Int = 2
        /// The default thresholds.
        public init() {}
    }

    /// Everything the criteria look at.
    public struct Inputs: Sendable {
        /// The segment's name.
        public var name: String
        /// Its members.
        public var size: Int
        /// Everyone in the store.
        public var population: Int
        /// The KPI comparison with the rest.
        public var comparison: [SegmentComparison.Row]
        /// Jaccard overlap with each other segment.
        public var overlaps: [String: Double]
        /// For each trait the definition uses, the share of members that have it.
        public var dataPresent: [String: Double]
        /// Days since the last refresh (nil: never refreshed).
        public var daysSinceRefresh: Double?
        /// Share of members reachable: consent not denied and an email or phone.
        public var reachable: Double
        /// The segment card (objective, owner, action, …): `actionable` needs an objective and an action.
        public var card: [String: String]

        /// Gathers the inputs.
        public init(name: String, size: Int, population: Int, comparison: [SegmentComparison.Row], overlaps: [String: Double],
                    dataPresent: [String: Double], daysSinceRefresh: Double?, reachable: Double, card: [String: String]) {
            self.name = name
            self.size = size
            self.population = population
            self.comparison = comparison
            self.overlaps = overlaps
            self.dataPresent = dataPresent
            self.daysSinceRefresh = daysSinceRefresh
            self.reachable = reachable
            self.card = card
        }
    }

    /// Whether a significant difference is also large enough to matter.
    static func meaningful(_ r: SegmentComparison.Row) -> Bool {
        if r.kpi == .nps { return abs(r.difference) >= 10 }
        if r.kpi.isProportion { return r.effectSize >= 1.25 || r.effectSize <= 0.8 }
        return abs(r.effectSize) >= 0.2
    }

    /// The five verdicts, in the guides' order.
    public static func evaluate(_ i: Inputs, thresholds t: Thresholds = Thresholds()) -> [Criterion] {
        var out: [Criterion] = []
        // Distinct
        let significant = i.comparison.filter { !$0.pAdjusted.isNaN && $0.pAdjusted < 0.05 }
        let strong = significant.filter(meaningful)
        let twin = i.overlaps.max { $0.value < $1.value }
        if let twin, twin.value >= t.overlapWarning {
            out.append(Criterion(name: "distinct", status: .warn, reason: "overlaps \(twin.key) at Jaccard \(pct(twin.value)): nearly the same customers; merge them or sharpen one"))
        } else if !strong.isEmpty {
            out.append(Criterion(name: "distinct", status: .pass, reason: "differs from the rest with a meaningful effect on \(strong.map(\.kpi.description).joined(separator: ", "))"))
        } else if !significant.isEmpty {
            out.append(Criterion(name: "distinct", status: .warn, reason: "differs significantly on \(significant.map(\.kpi.description).joined(separator: ", ")), but the effects are small"))
        } else {
            out.append(Criterion(name: "distinct", status: .fail, reason: "no KPI differs significantly from the rest; the segment does not behave differently"))
        }
        // Measurable
        let missing = i.dataPresent.filter { $0.value < t.measurableShare }.sorted { $0.key < $1.key }
        if i.daysSinceRefresh == nil {
            out.append(Criterion(name: "measurable", status: .fail, reason: "never refreshed; run `segmenta segments refresh \(i.name)`"))
        } else if !missing.isEmpty {
            out.append(Criterion(name: "measurable", status: .warn, reason: "defining data missing for part of the members: " + missing.map { "\($0.key) present for \(pct($0.value))" }.joined(separator: ", ")))
        } else if let d = i.daysSinceRefresh, d > Double(t.staleAfterDays) {
            out.append(Criterion(name: "measurable", status: .warn, reason: "last refreshed \(Int(d)) days ago; refresh it (or schedule refreshes)"))
        } else {
            out.append(Criterion(name: "measurable", status: .pass, reason: "defining data present for the members" + (i.dataPresent.isEmpty ? "" : " (" + i.dataPresent.sorted { $0.key < $1.key }.map { "\($0.key) \(pct($0.value))" }.joined(separator: ", ") + ")") + "; refreshed recently"))
        }
        // Accessible
        let status: Status = i.reachable >= t.reachableShare ? .pass : (i.reachable >= 0.5 ? .warn : .fail)
        out.append(Criterion(name: "accessible", status: i.size == 0 ? .fail : status, reason: "\(pct(i.reachable)) of members can be reached (marketing consent not denied and an email or phone)"))
        // Substantial
        let share = i.population > 0 ? Double(i.size) / Double(i.population) : 0
        if i.size < t.minimumSize || share < t.minimumShare {
            out.append(Criterion(name: "substantial", status: .fail, reason: "too narrow: \(i.size) members (\(pct(share))); the minimum is \(t.minimumSize) and \(pct(t.minimumShare))"))
        } else {
            out.append(Criterion(name: "substantial", status: .pass, reason: "\(i.size) members, \(pct(share)) of all customers"))
        }
        // Actionable
        let hasObjective = !(i.card["objective"] ?? "").isEmpty, hasActions = !(i.card["actions"] ?? "").isEmpty
        if hasObjective && hasActions {
            out.append(Criterion(name: "actionable", status: .pass, reason: "the card states an objective and planned actions"))
        } else if hasObjective || hasActions {
            out.append(Criterion(name: "actionable", status: .warn, reason: "the card has \(hasObjective ? "an objective but no actions" : "actions but no objective"); add the missing one"))
        } else {
            out.append(Criterion(name: "actionable", status: .fail, reason: "no objective or actions on the card; say what the segment is for and what will be done"))
        }
        return out
    }

    static func pct(_ x: Double) -> String {
        let v = (x * 1000).rounded() / 10
        return JSONValue.format(v) + "%"
    }
}
