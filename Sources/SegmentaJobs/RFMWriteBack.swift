public import SegmentaCore
public import SegmentaStore

/// Saving RFM results in the store.
public enum RFMWriteBack {
    /// The computed traits RFM writes, in this order.
    static let names = ["rfm_recency", "rfm_frequency", "rfm_monetary", "rfm_r", "rfm_f", "rfm_m", "rfm_segment"]

    /// Scores the store's customers as of `asOf` and saves the results (``save(_:options:to:)``),
    /// the previous values cleared while the orders are read and scored. `scored` is called with
    /// the result as soon as it exists (to format output while the store writes).
    /// - Throws: `notFound` when the store has no orders (before `asOf`); nothing is changed then.
    public static func scoreAndSave(_ db: some ActivityStore & AnalysisStore, asOf: Timestamp?, refunds: RefundPolicy, options: RFMOptions,
                                    scored: @escaping @Sendable (RFMResult) -> Void = { _ in }) async throws(SegmentaError) -> RFMResult {
        let kept = Shared<RFMResult>()
        try await db.replaceComputedTraits(names: names, computedAt: .now) { () async throws(SegmentaError) -> ComputedTraitRows in
            let totals = try await db.customerTotals(before: asOf, refunds: refunds)
            guard totals.customerCount > 0 else {
                throw SegmentaError(.notFound, "the store has no orders\(asOf != nil ? " before --as-of" : ""); import some with `segmenta import orders FILE.csv`")
            }
            let result = try RFMScorer.score(totals, asOf: asOf, options: options)
            kept.set(result)
            scored(result)
            return rows(result)
        }
        guard let result = kept.value else { throw SegmentaError(.storage, "RFM results were saved but not kept; run it again") }
        try await recordRun(result, options: options, to: db)
        return result
    }

    /// Saves the results as computed traits and as an analysis run, with the migrations since the
    /// previous run.
    public static func save(_ result: RFMResult, options: RFMOptions, to db: some AnalysisStore) async throws(SegmentaError) {
        try await db.replaceComputedTraits(rows(result), computedAt: .now)
        try await recordRun(result, options: options, to: db)
    }

    /// The seven `rfm_*` traits of every scored customer.
    static func rows(_ result: RFMResult) -> ComputedTraitRows {
        let customers = result.customers
        return ComputedTraitRows(names: names, ids: customers.map(\.customerID)) { i in
            let c = customers[i]
            return [.number(Double(c.recency)), .number(Double(c.frequency)), .number(c.monetary),
                    .number(Double(c.r)), .number(Double(c.f)), .number(Double(c.m)), c.segment.map { .string($0.rawValue) }]
        }
    }

    /// Keeps the run (summary and each customer's segment) and the moves since the previous run.
    static func recordRun(_ result: RFMResult, options: RFMOptions, to db: some AnalysisStore) async throws(SegmentaError) {
        let summary: JSONValue = .object([
            "customers": .number(Double(result.customers.count)),
            "segments": .object(Dictionary(result.summary.map { ($0.segment.rawValue, JSONValue.number(Double($0.customers))) }, uniquingKeysWith: { a, _ in a })),
            "grid": .array(result.grid.map { .array($0.map { .number(Double($0)) }) }),
        ])
        let values = Transitions.sortedUnique(result.customers.compactMap { c in c.segment.map { (profile: c.customerID, value: $0.rawValue) } })
        // The previous run is read (on a reader, from its own snapshot) while this run's values
        // are written: only it is read back, the new run's values are at hand.
        let previousRun = Task { () -> Result<(asOf: Timestamp, values: [(profile: String, value: String)])?, SegmentaError> in
            do throws(SegmentaError) {
                guard let previous = try await db.analysisDates(kind: AnalysisKind.rfm.rawValue).first(where: { $0 < result.asOf }),
                      let before = try await db.sortedAnalysisValues(kind: AnalysisKind.rfm.rawValue, asOf: previous) else { return .success(nil) }
                return .success((previous, before))
            } catch { return .failure(error) }
        }
        try await db.recordAnalysis(kind: AnalysisKind.rfm.rawValue, asOf: result.asOf,
                                    parameters: .object(["bins": .number(Double(options.bins))]), summary: summary,
                                    values: values, at: .now)
        // Who moved since the previous RFM run, kept so the dashboard shows migrations without a
        // join over every customer of two runs at each page view.
        if let (previous, before) = try await previousRun.value.get() {
            let moves = Transitions.count(from: before, to: values)
            try await db.recordAnalysis(kind: "rfm_migrations", asOf: result.asOf,
                                        parameters: .object(["from": .string(previous.iso8601), "to": .string(result.asOf.iso8601)]),
                                        summary: .object(["moves": .array(moves.map { .array([.string($0.from), .string($0.to), .number(Double($0.count))]) })]),
                                        values: [], at: .now)
        }
    }
}
