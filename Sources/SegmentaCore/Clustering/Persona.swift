/// A cluster described for people: a short name from its most distinctive features, a
/// description, its size and share, and its centroid in original units.
public struct Persona: Sendable, Equatable {
    /// The cluster's label in the k-means result.
    public var cluster: Int
    /// A short name from what sets the cluster apart ("Recently active, frequent buyers").
    public var name: String
    /// The cluster's feature means against everyone's, in words.
    public var description: String
    /// Members.
    public var size: Int
    /// Members ÷ everyone clustered.
    public var share: Double
    /// Centroid in original units, one per feature.
    public var centroid: [Double]
    /// Centroid in standard deviations from the mean of all customers, one per feature.
    public var zScores: [Double]

    /// Names the clusters of a result.
    /// - Parameters:
    ///   - features: feature names.
    ///   - centroids: centroids in original units.
    ///   - zScores: centroids as z-scores against all rows.
    ///   - sizes: cluster sizes.
    public static func describe(features: [String], centroids: [[Double]], zScores: [[Double]], sizes: [Int]) -> [Persona] {
        let total = Double(sizes.reduce(0, +))
        // Each cluster's features from most to least distinctive; a name uses those at least half a
        // standard deviation from the mean (up to three), and, when two clusters would share a name,
        // the next most distinctive features until the names differ.
        let ranked = centroids.indices.map { c in zScores[c].enumerated().sorted { abs($0.element) > abs($1.element) } }
        var used = ranked.map { r in min(3, r.filter { abs($0.element) >= 0.5 }.count) }
        func words(_ c: Int) -> [String] { ranked[c].prefix(used[c]).map { phrase(features[$0.offset], high: $0.element > 0) } }
        // Names that hold the same words in another order read as the same name: compared as sets.
        var changed = true
        while changed {
            changed = false
            let groups = Dictionary(grouping: centroids.indices, by: { Set(words($0)) })
            for (_, clusters) in groups where clusters.count > 1 {
                for c in clusters where used[c] < ranked[c].count { used[c] += 1; changed = true }
            }
        }
        // Clusters alike in every feature's direction keep one name, told apart by size: "(2 of 2)".
        let alike = Dictionary(grouping: centroids.indices, by: { Set(words($0)) }).values.filter { $0.count > 1 }
        var suffix: [Int: String] = [:], wordingOf: [Int: Int] = [:]
        for clusters in alike {
            let bySize = clusters.sorted { (sizes[$0], $1) > (sizes[$1], $0) }
            for (i, c) in bySize.enumerated() {
                suffix[c] = " (\(i + 1) of \(clusters.count))"
                wordingOf[c] = bySize[0]   // one wording for all of them: the largest's order
            }
        }
        return centroids.indices.map { c in
            let phrases = words(wordingOf[c] ?? c)
            var name = phrases.isEmpty ? "Average customers" : phrases[0].prefix(1).uppercased() + phrases[0].dropFirst()
            if phrases.count > 1 { name += ", " + phrases.dropFirst().joined(separator: ", ") }
            name += suffix[c] ?? ""
            let description = features.indices.map { j in
                let z = zScores[c][j]
                return "\(features[j]) \(JSONValue.format((centroids[c][j] * 100).rounded() / 100)) (\(z >= 0 ? "+" : "−")\(JSONValue.format((abs(z) * 10).rounded() / 10)) sd)"
            }.joined(separator: ", ")
            return Persona(cluster: c, name: name, description: description, size: sizes[c], share: total > 0 ? Double(sizes[c]) / total : 0,
                           centroid: centroids[c], zScores: zScores[c])
        }
    }

    /// Words for a feature being high or low.
    static func phrase(_ feature: String, high: Bool) -> String {
        let f = feature.lowercased()
        if f.hasSuffix("recency") { return high ? "long inactive" : "recently active" }
        if f.hasSuffix("frequency") { return high ? "frequent buyers" : "rare buyers" }
        if f.hasSuffix("monetary") { return high ? "high spenders" : "low spenders" }
        if f == "clv" { return high ? "high future value" : "low future value" }
        if f == "p_alive" { return high ? "likely still active" : "likely lapsed" }
        if f.hasPrefix("events:") {
            let name = feature.split(separator: ":").dropFirst().first.map(String.init) ?? feature
            return high ? "heavy \"\(name)\" users" : "rarely \"\(name)\""
        }
        return (high ? "high " : "low ") + feature
    }
}
