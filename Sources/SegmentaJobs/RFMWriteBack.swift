public import SegmentaCore
public import SegmentaStore

/// Saving RFM results in the store.
public enum RFMWriteBack {
    /// Saves the results as computed traits (and, where kept, an analysis run).
    public static func save(_ result: RFMResult, options: RFMOptions, to db: SQLiteStore) throws(SegmentaError) {
        var traits: [String: [String: JSONValue]] = [:]
        for c in result.customers {
            traits["rfm_recency", default: [:]][c.customerID] = .number(Double(c.recency))
            traits["rfm_frequency", default: [:]][c.customerID] = .number(Double(c.frequency))
            traits["rfm_monetary", default: [:]][c.customerID] = .number(c.monetary)
            traits["rfm_r", default: [:]][c.customerID] = .number(Double(c.r))
            traits["rfm_f", default: [:]][c.customerID] = .number(Double(c.f))
            traits["rfm_m", default: [:]][c.customerID] = .number(Double(c.m))
            if let s = c.segment { traits["rfm_segment", default: [:]][c.customerID] = .string(s.rawValue) }
        }
        if traits["rfm_segment"] == nil { traits["rfm_segment"] = [:] }
        try db.replaceComputedTraits(traits, computedAt: .now)
        let summary: JSONValue = .object([
            "customers": .number(Double(result.customers.count)),
            "segments": .object(Dictionary(result.summary.map { ($0.segment.rawValue, JSONValue.number(Double($0.customers))) }, uniquingKeysWith: { a, _ in a })),
            "grid": .array(result.grid.map { .array($0.map { .number(Double($0)) }) }),
        ])
        try db.recordAnalysis(kind: "rfm", asOf: result.asOf,
                              parameters: .object(["bins": .number(Double(options.bins))]), summary: summary,
                              values: Dictionary(result.customers.compactMap { c in c.segment.map { (c.customerID, $0.rawValue) } }, uniquingKeysWith: { a, _ in a }),
                              at: .now)
        // Who moved since the previous RFM run, kept so the dashboard shows migrations without a
        // join over every customer of two runs at each page view.
        if let previous = try db.analysisDates(kind: "rfm").first(where: { $0 < result.asOf }) {
            let moves = try db.transitions(kind: "rfm", from: previous, to: result.asOf)
            try db.recordAnalysis(kind: "rfm_migrations", asOf: result.asOf,
                                  parameters: .object(["from": .string(previous.iso8601), "to": .string(result.asOf.iso8601)]),
                                  summary: .object(["moves": .array(moves.map { .array([.string($0.from), .string($0.to), .number(Double($0.count))]) })]),
                                  values: [:], at: .now)
        }
    }
}
