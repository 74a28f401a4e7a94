public import SegmentaCore
public import SegmentaStore

/// Saving clusters and personas as computed traits.
public enum ClusterWriteBack {
    /// Saves the results as computed traits (and, where kept, an analysis run).
    /// - Parameter data: the features clustered; a sample of points is kept for the dashboard's scatter.
    public static func save(_ analysis: ClusterAnalysis, ids: [String], data: FeatureMatrix? = nil, asOf: Timestamp = .now, to db: some AnalysisStore) async throws(SegmentaError) {
        var traits = ComputedTraitRows(names: ["cluster", "persona"])
        for (i, id) in ids.enumerated() {
            let c = analysis.result.labels[i]
            traits.append(id, [.number(Double(c)), analysis.personas.indices.contains(c) ? .string(analysis.personas[c].name) : nil])
        }
        try await db.replaceComputedTraits(traits, computedAt: .now)
        var sample: [JSONValue] = []
        if let data {
            let step = max(1, data.rows / 600)
            for i in stride(from: 0, to: data.rows, by: step) {
                sample.append(.array([.string(data.ids[i]), .number(Double(analysis.result.labels[i]))] + (0..<data.columns).map { .number(data.values[i * data.columns + $0]) }))
            }
        }
        let summary: JSONValue = .object([
            "k": .number(Double(analysis.k)), "silhouette": .number(analysis.silhouette),
            "silhouette_standard_error": .number(analysis.silhouetteEstimate.standardError), "silhouette_sample": .number(Double(analysis.silhouetteEstimate.sample)),
            "features": .array((data?.names ?? []).map(JSONValue.string)), "sample": .array(sample),
            "personas": .array(analysis.personas.filter { $0.size > 0 }.map { p in
                .object(["cluster": .number(Double(p.cluster)), "name": .string(p.name), "description": .string(p.description),
                         "size": .number(Double(p.size)), "share": .number(p.share), "centroid": .array(p.centroid.map(JSONValue.number)),
                         "z_scores": .array(p.zScores.map(JSONValue.number))])
            }),
        ])
        try await db.recordAnalysis(kind: AnalysisKind.clusters.rawValue, asOf: asOf, parameters: .object(["k": .number(Double(analysis.k))]), summary: summary,
                              values: ids.indices.compactMap { i in analysis.personas.indices.contains(analysis.result.labels[i]) ? (ids[i], analysis.personas[analysis.result.labels[i]].name) : nil }, at: .now)
    }
}
