public import SegmentaCore
public import SegmentaStore

/// `predict churn` over a store: the two snapshots read from it (at the cutoff and at the scoring
/// date), the model, and its results saved as the computed traits `churn_risk` and
/// `churn_risk_decile` with an analysis run of kind `churn` that the API and dashboard show.
public enum ChurnRun {
    /// What to read from the store, on top of the model's own options.
    public struct Options: Sendable {
        /// The model's own options (horizon, C, feature families).
        public var model = ChurnPrediction.Options()
        /// The track event that means a customer left (also: becoming lifecycle `lost`).
        public var churnEvent = "Subscription Cancelled"
        /// The scoring date; default the day after the latest order or event.
        public var asOf: Timestamp?
        /// Event counts: the most frequent track events (besides the churn event), in these windows.
        public var topEvents = 4
        /// The windows, in days, the event counts are read over.
        public var eventWindows = [30, 90]
        /// Explicit event counts (name, days), used instead of the most frequent ones when given.
        public var events: [(name: String, days: Int)]?
        /// Traits to use; nil: those of ``Recompute/cohortTraits`` that profiles have.
        public var traits: [String]?
        /// The defaults: the 4 most frequent events over 30 and 90 days, "Subscription Cancelled".
        public init() {}
    }

    /// Reads the store, trains, scores.
    public static func run(_ db: some ProfileStore & ActivityStore, options: Options) async throws(SegmentaError) -> ChurnPrediction {
        let horizon = options.model.horizonDays
        guard (1...3650).contains(horizon) else { throw SegmentaError(.invalidInput, "--horizon must be between 1 and 3650 days, got \(horizon)") }
        let asOf: Timestamp
        if let given = options.asOf { asOf = given } else {
            let latest = [try await db.latestOrderTime(), try await db.overview().lastEventAt].compactMap { $0 }.max()
            guard let latest else { throw SegmentaError(.invalidInput, "the store has no orders or events to learn churn from; import some first") }
            asOf = latest.startOfDay.adding(days: 1)
        }
        let cutoff = asOf.adding(days: -horizon)
        let signups = try await db.signupTimes()
        var events: [(name: String, days: Int)] = []
        if let explicit = options.events { events = explicit } else if options.model.families.contains(.events) {
            let names = try await db.eventNames(limit: options.topEvents + 1).map(\.name).filter { $0 != options.churnEvent }.prefix(options.topEvents)
            for name in names { for days in options.eventWindows { events.append((name, days)) } }
        }
        var traits: [String: [String: String]] = [:]
        if options.model.families.contains(.traits) {
            for name in options.traits ?? Recompute.cohortTraits {
                let values = try await db.traitValues(name)
                if options.traits != nil && values.isEmpty {
                    throw SegmentaError(.invalidInput, "no profile has a trait \"\(name)\"; name traits profiles have (e.g. plan, country)")
                }
                if !values.isEmpty { traits[name] = values }
            }
        }
        // Each event name read once for both snapshots and all its windows (one pass over its
        // events), and the churn event once for both: 2 + names reads, not 2 × (windows + 1).
        let times = [cutoff, asOf]
        var windows: [[ChurnSnapshot.EventWindow]] = [[], []]
        var read: [String: (days: [Int], counts: [String: [Double]])] = [:]
        for e in events where read[e.name] == nil {
            let days = events.filter { $0.name == e.name }.map(\.days)
            read[e.name] = (days, try await db.eventCounts(e.name, in: times.flatMap { t in days.map { t.adding(days: -$0)...t } }))
        }
        for e in events {
            guard let r = read[e.name], let j = r.days.firstIndex(of: e.days) else { continue }
            for s in times.indices {
                let k = s * r.days.count + j
                windows[s].append(.init(name: e.name, days: e.days, counts: r.counts.compactMapValues { $0.indices.contains(k) && $0[k] > 0 ? $0[k] : nil }))
            }
        }
        // Churn events from the beginning of time (the day before 1970) to each snapshot.
        let churnCounts = try await db.eventCounts(options.churnEvent, in: times.map { t in t.adding(days: -max(1, Timestamp(milliseconds: 0).wholeDays(until: t) + 1))...t })
        func snapshot(_ s: Int) async throws(SegmentaError) -> ChurnSnapshot {
            let t = times[s]
            let churned = Set(churnCounts.filter { $0.value.indices.contains(s) && $0.value[s] > 0 }.keys)
            return ChurnSnapshot(asOf: t, signups: signups, totals: try await db.customerTotals(before: t), purchases: try await db.purchaseTimes(before: t),
                                 churned: churned, events: windows[s], traits: traits)
        }
        return try ChurnPrediction.run(past: try await snapshot(0), now: try await snapshot(1), options: options.model)
    }

    /// Saves `churn_risk` and `churn_risk_decile` (replacing earlier values; profiles no longer
    /// scored lose theirs) and the run's summary.
    public static func save(_ result: ChurnPrediction, churnEvent: String, to db: some AnalysisStore) async throws(SegmentaError) {
        var traits = ComputedTraitRows(names: ["churn_risk", "churn_risk_decile"])
        for s in result.scores { traits.append(s.id, [.number(s.probability), .number(Double(s.decile))]) }
        try await db.replaceComputedTraits(traits, computedAt: .now)
        try await db.recordAnalysis(kind: AnalysisKind.churn.rawValue, asOf: result.asOf, parameters: .object(["horizon_days": .number(Double(result.horizonDays))]),
                                    summary: summary(result, churnEvent: churnEvent), values: [], at: .now)
    }

    /// The run as JSON: what `--format json`, the API and the dashboard show.
    public static func summary(_ r: ChurnPrediction, churnEvent: String) -> JSONValue {
        let p = r.scores.map(\.probability)
        var byDecile: [Int: [Double]] = [:]
        for s in r.scores { byDecile[s.decile, default: []].append(s.probability) }
        let deciles: [JSONValue] = byDecile.keys.sorted().compactMap { d in
            guard let inDecile = byDecile[d], let lo = inDecile.min(), let hi = inDecile.max() else { return nil }
            return .object(["decile": .number(Double(d)), "profiles": .number(Double(inDecile.count)), "min": .number(lo), "max": .number(hi),
                            "mean": .number(inDecile.reduce(0, +) / Double(inDecile.count))])
        }
        return .object([
            "as_of": .string(r.asOf.iso8601), "cutoff": .string(r.cutoff.iso8601), "horizon_days": .number(Double(r.horizonDays)),
            "churn_event": .string(churnEvent),
            "training_rows": .number(Double(r.trainingRows)), "churners": .number(Double(r.churners)),
            "churn_rate": .number(r.trainingRows > 0 ? Double(r.churners) / Double(r.trainingRows) : 0),
            "holdout_rows": .number(Double(r.holdoutRows)), "holdout_auc": r.holdoutAUC.map(JSONValue.number) ?? .null,
            "calibration": .array(r.calibration.bins.map { .object(["rows": .number(Double($0.rows)), "mean_predicted": .number($0.meanPredicted), "observed": .number($0.observed)]) }),
            "calibration_error": r.calibration.bins.isEmpty ? .null : .number(r.calibration.expectedError),
            "intercept": .number(r.model.intercept), "iterations": .number(Double(r.model.iterations)),
            "drivers": .array(r.drivers.map { .object(["feature": .string($0.key), "label": .string($0.label), "coefficient": .number($0.coefficient),
                                                        "odds_ratio": .number($0.oddsRatio), "sentence": .string($0.sentence)]) }),
            "scored": .number(Double(r.scores.count)), "mean_risk": .number(p.isEmpty ? 0 : p.reduce(0, +) / Double(p.count)),
            "deciles": .array(deciles),
            "top": .array(r.scores.sorted { $0.probability != $1.probability ? $0.probability > $1.probability : $0.id < $1.id }.prefix(20).map {
                .object(["id": .string($0.id), "churn_risk": .number($0.probability), "decile": .number(Double($0.decile))])
            }),
        ])
    }
}
