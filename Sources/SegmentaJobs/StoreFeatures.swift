public import SegmentaCore
public import SegmentaStore

/// Features from the store: traits, computed traits, event counts.
public enum StoreFeatures {
    /// A feature matrix of the profiles that have every feature (the others are left out).
    /// - Parameter features: trait or computed-trait names, or `events:Event Name:DAYS` counts.
    public static func load(_ db: some ProfileStore & ActivityStore & AnalysisStore, features: [String]) async throws(SegmentaError) -> FeatureMatrix {
        guard !features.isEmpty else { throw SegmentaError(.invalidInput, "--features needs at least one feature") }
        var columns: [[String: Double]] = []
        for f in features {
            if f.hasPrefix("events:") {
                let parts = f.split(separator: ":", omittingEmptySubsequences: false)
                guard parts.count == 3, let days = Int(parts[2]), days > 0, !parts[1].isEmpty else {
                    throw SegmentaError(.invalidInput, "feature \"\(f)\": write event counts as events:Event Name:DAYS, e.g. events:Logged In:90")
                }
                columns.append(try await db.eventCounts(String(parts[1]), days: days, asOf: .now))
                continue
            }
            var values = try await db.computedTraitValues(f).compactMapValues { DecimalParser.double($0) }
            if values.isEmpty { values = try await db.traitValues(f).compactMapValues { DecimalParser.double($0) } }
            guard !values.isEmpty else {
                throw SegmentaError(.invalidInput, "no profile has a numeric \"\(f)\" (trait or computed trait); run `segmenta rfm` or `segmenta clv` first for computed ones")
            }
            columns.append(values)
        }
        var ids = Set(columns[0].keys)
        for c in columns.dropFirst() { ids.formIntersection(c.keys) }
        let ordered = CustomerOrder.sorted(Array(ids))
        guard ordered.count >= 2 else { throw SegmentaError(.invalidInput, "fewer than 2 profiles have all of \(features.joined(separator: ", "))") }
        return FeatureMatrix(ids: ordered, names: features, values: ordered.flatMap { id in columns.map { $0[id] ?? .nan } })
    }
}
