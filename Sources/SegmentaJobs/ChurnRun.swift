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
        let times = [cutoff, asOf]
        var events: [(name: String, days: Int)] = []
        if let explicit = options.events { events = explicit } else if options.model.families.contains(.events) {
            let names = try await db.eventNames(limit: options.topEvents + 1).map(\.name).filter { $0 != options.churnEvent }.prefix(options.topEvents)
            for name in names { for days in options.eventWindows { events.append((name, days)) } }
        }
        let names = events.map(\.name).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let days = names.map { name in events.filter { $0.name == name }.map(\.days) }
        let traitNames = options.model.families.contains(.traits) ? options.traits ?? Recompute.cohortTraits : []
        // Every read below is independent of the others: they run at once. Each event name is
        // read once for both snapshots and all its windows (one pass over its events), the churn
        // event once for both (from the beginning of time, the day before 1970, to each).
        let churnEvent = options.churnEvent
        // The longest first (each event name's counts, then the traits), so that the cores finish together.
        var jobs: [@Sendable () async throws -> Read] = []
        for (i, name) in names.enumerated() {
            let windows = times.flatMap { t in days[i].map { t.adding(days: -$0)...t } }
            jobs.append { () async throws in .counts(i, try await db.eventCounts(name, in: windows)) }
        }
        for (i, name) in traitNames.enumerated() {
            jobs.append { () async throws in .trait(i, try await db.traitValues(name)) }
        }
        jobs.append { () async throws in .signups(try await db.signupTimes()) }
        jobs.append { () async throws in
            .churn(try await db.eventCounts(churnEvent, in: times.map { t in t.adding(days: -max(1, Timestamp(milliseconds: 0).wholeDays(until: t) + 1))...t }))
        }
        for (s, t) in times.enumerated() {
            jobs.append { () async throws in .totals(s, try await db.customerTotals(before: t)) }
            jobs.append { () async throws in .purchases(s, try await db.purchaseTimes(before: t)) }
        }
        var signups: [String: Timestamp] = [:], churnCounts: [String: [Double]] = [:]
        var totals = [CustomerTotals?](repeating: nil, count: times.count), purchases = [[String: [Timestamp]]](repeating: [:], count: times.count)
        var traitValues = [[String: String]](repeating: [:], count: traitNames.count), counts = [[String: [Double]]](repeating: [:], count: names.count)
        for read in try await Concurrently.all(jobs) {
            switch read {
            case .signups(let v): signups = v
            case .churn(let v): churnCounts = v
            case .totals(let s, let v): totals[s] = v
            case .purchases(let s, let v): purchases[s] = v
            case .trait(let i, let v): traitValues[i] = v
            case .counts(let i, let v): counts[i] = v
            }
        }
        var traits: [String: [String: String]] = [:]
        for (name, values) in zip(traitNames, traitValues) {
            if options.traits != nil && values.isEmpty {
                throw SegmentaError(.invalidInput, "no profile has a trait \"\(name)\"; name traits profiles have (e.g. plan, country)")
            }
            if !values.isEmpty { traits[name] = values }
        }
        var windows: [[ChurnSnapshot.EventWindow]] = [[], []]
        for e in events {
            guard let i = names.firstIndex(of: e.name), let j = days[i].firstIndex(of: e.days) else { continue }
            for s in times.indices {
                let k = s * days[i].count + j
                windows[s].append(.init(name: e.name, days: e.days, counts: counts[i].compactMapValues { $0.indices.contains(k) && $0[k] > 0 ? $0[k] : nil }))
            }
        }
        guard let pastTotals = totals[0], let nowTotals = totals[1] else { throw SegmentaError(.cancelled, "a read was cancelled before it finished") }
        func snapshot(_ s: Int) -> ChurnSnapshot {
            let churned = Set(churnCounts.filter { $0.value.indices.contains(s) && $0.value[s] > 0 }.keys)
            return ChurnSnapshot(asOf: times[s], signups: signups, totals: s == 0 ? pastTotals : nowTotals, purchases: purchases[s], churned: churned, events: windows[s], traits: traits)
        }
        return try ChurnPrediction.run(past: snapshot(0), now: snapshot(1), options: options.model)
    }

    /// One of the reads `run` makes at once, with its place.
    enum Read: Sendable {
        case signups([String: Timestamp])
        case churn([String: [Double]])
        case totals(Int, CustomerTotals)
        case purchases(Int, [String: [Timestamp]])
        case trait(Int, [String: String])
        case counts(Int, [String: [Double]])
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
