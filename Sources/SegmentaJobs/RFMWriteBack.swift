public import SegmentaCore
public import SegmentaStore

/// Saving RFM results in the store.
public enum RFMWriteBack {
    /// Saves the results as computed traits (and, where kept, an analysis run).
    public static func save(_ result: RFMResult, options: RFMOptions, to db: some AnalysisStore) async throws(SegmentaError) {
        let customers = result.customers
        let traits = ComputedTraitRows(names: ["rfm_recency", "rfm_frequency", "rfm_monetary", "rfm_r", "rfm_f", "rfm_m", "rfm_segment"],
                                       ids: customers.map(\.customerID)) { i in
            let c = customers[i]
            return [.number(Double(c.recency)), .number(Double(c.frequency)), .number(c.monetary),
                    .number(Double(c.r)), .number(Double(c.f)), .number(Double(c.m)), c.segment.map { .string($0.rawValue) }]
        }
        let summary: JSONValue = .object([
            "customers": .number(Double(result.customers.count)),
            "segments": .object(Dictionary(result.summary.map { ($0.segment.rawValue, JSONValue.number(Double($0.customers))) }, uniquingKeysWith: { a, _ in a })),
            "grid": .array(result.grid.map { .array($0.map { .number(Double($0)) }) }),
        ])
        let values = Transitions.sortedUnique(result.customers.compactMap { c in c.segment.map { (profile: c.customerID, value: $0.rawValue) } })
        try await db.replaceComputedTraits(traits, computedAt: .now)
        // The previous run is read (on a reader, from its own snapshot) while this run's values
        // are written: only it is read back, the new run's values are at hand.
        let previousRun = Task { () -> Result<(asOf: Timestamp, values: [(profile: String, value: String)])?, SegmentaError> in
            do throws(SegmentaError) {
                guard let previous = try await db.analysisDates(kind: "rfm").first(where: { $0 < result.asOf }),
                      let before = try await db.sortedAnalysisValues(kind: "rfm", asOf: previous) else { return .success(nil) }
                return .success((previous, before))
            } catch { return .failure(error) }
        }
        try await db.recordAnalysis(kind: "rfm", asOf: result.asOf,
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
