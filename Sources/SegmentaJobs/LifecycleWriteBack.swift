public import SegmentaCore
public import SegmentaStore

/// Saves lifecycle stages as the computed trait `lifecycle`, from the CLI, the demo and the recompute.
public enum LifecycleWriteBack {
    /// Saves the results as computed traits (and, where kept, an analysis run).
    public static func save(_ customers: [LifecycleClassifier.Assignment], asOf: Timestamp, to db: some AnalysisStore) async throws(SegmentaError) {
        var values = ComputedTraitRows(names: ["lifecycle"])
        for c in customers { values.append(c.customerID, [.string(c.stage.rawValue)]) }
        try await db.replaceComputedTraits(values, computedAt: .now)
        var counts: [String: JSONValue] = [:]
        for stage in LifecycleStage.allCases { counts[stage.rawValue] = .number(Double(customers.filter { $0.stage == stage }.count)) }
        try await db.recordAnalysis(kind: AnalysisKind.lifecycle.rawValue, asOf: asOf, parameters: .object([:]), summary: .object(counts),
                             values: customers.map { ($0.customerID, $0.stage.rawValue) }, at: .now)
    }
}
