/// The features of the churn model and how each is read from a ``ChurnSnapshot``: chosen once,
/// on the training snapshot (which trait values get a one-hot column, which traits are numeric),
/// then read the same way at the scoring date so that both matrices have the same columns.
public struct ChurnFeatures: Sendable, Equatable {
    /// Feature families, as `--features` names them.
    public enum Family: String, Sendable, CaseIterable {
        /// Days since signup, orders, spend, days since the last order.
        case orders
        /// The RFM scores R, F and M (1–5; 0 for someone without orders).
        case rfm
        /// One column per lifecycle stage (new, active, at risk, prospect).
        case lifecycle
        /// Track-event counts per name and window.
        case events
        /// Traits: numeric ones as they are, others one-hot on their most common values.
        case traits
    }

    /// One column.
    public struct Column: Sendable, Equatable {
        /// Stable name (`orders`, `lifecycle=at_risk`, `events:Logged In:30`, `plan=free`, `trait:nps`).
        public var key: String
        /// The column in words, for people ("days since the last order", "plan is free").
        public var label: String
        /// Whether it is standardised after log1p (counts and amounts, heavy-tailed).
        public var log: Bool
        let source: Source

        /// Who has more of it, in words: "with more orders placed", "with a higher RFM recency
        /// score", "whose plan is free".
        public var whoHasMore: String {
            switch source {
            case .stage, .traitValue: return "whose \(label)"
            case .rfmR, .rfmF, .rfmM, .numericTrait: return "with a higher \(label)"
            default: return "with more \(label)"
            }
        }
    }

    enum Source: Sendable, Equatable {
        case daysSinceSignup, orders, spend, daysSinceLastOrder
        case rfmR, rfmF, rfmM
        case stage(LifecycleStage)
        case events(name: String, days: Int)
        case numericTrait(String, fill: Double)
        case traitValue(String, String)
    }

    /// The feature columns, in the order of the model's coefficients.
    public var columns: [Column]

    /// Values a categorical trait keeps a column for (the most common ones).
    public static let levelsPerTrait = 8
    /// Trait names never used as features: they record churn itself.
    public static func isLeaky(_ trait: String) -> Bool { trait.lowercased().hasPrefix("churn") }

    /// Chooses the columns on the training snapshot.
    /// - Parameters:
    ///   - families: the families to use.
    ///   - snapshot: the training snapshot (its event windows and traits are the candidates).
    ///   - population: the profiles trained on (trait levels are counted among them).
    public static func choose(_ families: Set<Family>, snapshot: ChurnSnapshot, population: [String]) throws(SegmentaError) -> ChurnFeatures {
        var columns: [Column] = []
        if families.contains(.orders) {
            columns += [Column(key: "days_since_signup", label: "days since signing up", log: false, source: .daysSinceSignup),
                        Column(key: "orders", label: "orders placed", log: true, source: .orders),
                        Column(key: "spend", label: "total spend", log: true, source: .spend),
                        Column(key: "days_since_last_order", label: "days since the last order (or signup)", log: false, source: .daysSinceLastOrder)]
        }
        if families.contains(.rfm) {
            columns += [Column(key: "rfm_r", label: "RFM recency score", log: false, source: .rfmR),
                        Column(key: "rfm_f", label: "RFM frequency score", log: false, source: .rfmF),
                        Column(key: "rfm_m", label: "RFM monetary score", log: false, source: .rfmM)]
        }
        if families.contains(.lifecycle) {
            for stage in [LifecycleStage.prospect, .new, .active, .atRisk] {
                columns.append(Column(key: "lifecycle=\(stage.rawValue)", label: "lifecycle stage is \(stage.rawValue.replacingOccurrences(of: "_", with: " "))",
                                      log: false, source: .stage(stage)))
            }
        }
        if families.contains(.events) {
            for w in snapshot.events {
                columns.append(Column(key: "events:\(w.name):\(w.days)", label: "\(w.name) events in the last \(w.days) days", log: true,
                                      source: .events(name: w.name, days: w.days)))
            }
        }
        if families.contains(.traits) {
            for name in snapshot.traits.keys.sorted() {
                guard !isLeaky(name) else {
                    throw SegmentaError(.invalidInput, "trait \"\(name)\" records churn itself (its current value would give the answer away); leave it out of the features")
                }
                let values = population.compactMap { snapshot.traits[name]?[$0] }.filter { !$0.isEmpty }
                guard !values.isEmpty else { continue }
                let numbers = values.compactMap { DecimalParser.double($0) }.filter(\.isFinite)
                if numbers.count * 10 >= values.count * 9 {
                    let mean = numbers.reduce(0, +) / Double(numbers.count)
                    columns.append(Column(key: "trait:\(name)", label: name, log: false, source: .numericTrait(name, fill: mean)))
                } else {
                    var counts: [String: Int] = [:]
                    for v in values { counts[v, default: 0] += 1 }
                    let levels = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(levelsPerTrait)
                    for (value, n) in levels where n >= 2 && n < population.count {
                        columns.append(Column(key: "\(name)=\(value)", label: "\(name) is \(value)", log: false, source: .traitValue(name, value)))
                    }
                }
            }
        }
        guard !columns.isEmpty else { throw SegmentaError(.invalidInput, "no feature to learn from: the chosen families (\(families.map(\.rawValue).sorted().joined(separator: ", "))) gave no column") }
        return ChurnFeatures(columns: columns)
    }

    /// The feature matrix of `ids` as of the snapshot (raw values, before standardisation).
    public func matrix(_ snapshot: ChurnSnapshot, ids: [String], stages: [String: LifecycleStage]) throws(SegmentaError) -> FeatureMatrix {
        var totalsIndex: [String: Int] = [:]
        for (i, id) in snapshot.totals.ids.enumerated() { totalsIndex[id] = i }
        let rfm = try RFMScorer.score(snapshot.totals, asOf: snapshot.asOf)
        var scores: [String: RFMScore] = [:]
        for s in rfm.customers { scores[s.customerID] = s }
        // Each column's source resolved once (the dictionary it reads), not per cell; rows in
        // parallel chunks (every value is read from immutable tables, so the order of work does
        // not change a value).
        var windows: [String: [String: Double]] = [:]
        for w in snapshot.events { windows["\(w.name)\u{1f}\(w.days)"] = w.counts }
        let reads = columns.map { c -> Read in
            switch c.source {
            case .daysSinceSignup: return .daysSinceSignup
            case .orders: return .orders
            case .spend: return .spend
            case .daysSinceLastOrder: return .daysSinceLastOrder
            case .rfmR: return .rfmR
            case .rfmF: return .rfmF
            case .rfmM: return .rfmM
            case .stage(let stage): return .stage(stage)
            case .events(let name, let days): return .counts(windows["\(name)\u{1f}\(days)"] ?? [:])
            case .numericTrait(let name, let fill): return .numeric(snapshot.traits[name] ?? [:], fill: fill)
            case .traitValue(let name, let value): return .value(snapshot.traits[name] ?? [:], value)
            }
        }
        let totals = snapshot.totals, signups = snapshot.signups, asOf = snapshot.asOf
        let index = totalsIndex, rfmScores = scores
        let values = ParallelChunks.map(ids.count) { range -> [Double] in
            var out: [Double] = []
            out.reserveCapacity(range.count * reads.count)
            for id in ids[range] {
                let t = index[id]
                let signup = signups[id] ?? t.map { totals.first[$0] } ?? asOf
                let score = rfmScores[id]
                for r in reads {
                    let v: Double
                    switch r {
                    case .daysSinceSignup: v = Double(max(0, signup.wholeDays(until: asOf)))
                    case .orders: v = t.map { Double(totals.count[$0]) } ?? 0
                    case .spend: v = t.map { max(0, totals.monetary[$0]) } ?? 0
                    case .daysSinceLastOrder: v = Double(max(0, (t.map { totals.last[$0] } ?? signup).wholeDays(until: asOf)))
                    case .rfmR: v = score.map { Double($0.r) } ?? 0
                    case .rfmF: v = score.map { Double($0.f) } ?? 0
                    case .rfmM: v = score.map { Double($0.m) } ?? 0
                    case .stage(let stage): v = stages[id] == stage ? 1 : 0
                    case .counts(let counts): v = counts[id] ?? 0
                    case .numeric(let traits, let fill): v = traits[id].flatMap { DecimalParser.double($0) }.flatMap { $0.isFinite ? $0 : nil } ?? fill
                    case .value(let traits, let value): v = traits[id] == value ? 1 : 0
                    }
                    out.append(v)
                }
            }
            return out
        }
        return FeatureMatrix(ids: ids, names: columns.map(\.key), values: values)
    }

    /// A column's source with the table it reads resolved.
    private enum Read: Sendable {
        case daysSinceSignup, orders, spend, daysSinceLastOrder, rfmR, rfmF, rfmM
        case stage(LifecycleStage)
        case counts([String: Double])
        case numeric([String: String], fill: Double)
        case value([String: String], String)
    }
}
