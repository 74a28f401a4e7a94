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
            "segments": .object(Dictionary(uniqueKeysWithValues: result.summary.map { ($0.segment.rawValue, JSONValue.number(Double($0.customers))) })),
            "grid": .array(result.grid.map { .array($0.map { .number(Double($0)) }) }),
        ])
        try db.recordAnalysis(kind: "rfm", asOf: result.asOf,
                              parameters: .object(["bins": .number(Double(options.bins))]), summary: summary,
                              values: Dictionary(uniqueKeysWithValues: result.customers.compactMap { c in c.segment.map { (c.customerID, $0.rawValue) } }),
                              at: .now)
    }
}
