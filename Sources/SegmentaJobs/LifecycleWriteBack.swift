public import SegmentaCore
public import SegmentaStore

public enum LifecycleWriteBack {
    /// Saves the results as computed traits (and, where kept, an analysis run).
    public static func save(_ customers: [LifecycleClassifier.Assignment], asOf: Timestamp, to db: SQLiteStore) throws(SegmentaError) {
        var values: [String: JSONValue] = [:]
        for c in customers { values[c.customerID] = .string(c.stage.rawValue) }
        try db.replaceComputedTraits(["lifecycle": values], computedAt: .now)
        var counts: [String: JSONValue] = [:]
        for stage in LifecycleStage.allCases { counts[stage.rawValue] = .number(Double(customers.filter { $0.stage == stage }.count)) }
        try db.recordAnalysis(kind: "lifecycle", asOf: asOf, parameters: .object([:]), summary: .object(counts),
                             values: values.compactMapValues(\.stringValue), at: .now)
    }
}
