/// The traits profiles have, as a segment builder offers them: every path (nested objects as
/// dotted paths, as conditions name them), its type, how many of the sampled profiles have it, and
/// a few example values.
public enum TraitCatalog {
    /// One trait path.
    public struct Entry: Sendable, Equatable {
        /// The trait's dotted path (`company.size`).
        public var path: String
        /// `text`, `number`, `true/false`, `list` or `mixed`.
        public var type: String
        /// Profiles of the sample that have it.
        public var profiles: Int
        /// Up to three of its most common values (lists and long texts left out).
        public var examples: [String]
    }

    /// The entries of a sample of trait objects, most common first (ties by path).
    public static func build(_ samples: [JSONValue], examples: Int = 3) -> [Entry] {
        var types: [String: Set<String>] = [:], counts: [String: Int] = [:], values: [String: [String: Int]] = [:]
        func walk(_ v: JSONValue, _ prefix: String) {
            guard case .object(let o) = v else { return }
            for (k, x) in o {
                let path = prefix.isEmpty ? k : prefix + "." + k
                if case .object = x { walk(x, path); continue }
                let type: String
                var text: String?
                switch x {
                case .string(let s): type = "text"; text = s.count <= 40 ? s : nil
                case .number(let d): type = "number"; text = JSONValue.format(d)
                case .bool(let b): type = "true/false"; text = b ? "true" : "false"
                case .array: type = "list"
                case .null, .object: continue
                }
                types[path, default: []].insert(type)
                counts[path, default: 0] += 1
                if let text { values[path, default: [:]][text, default: 0] += 1 }
            }
        }
        for s in samples { walk(s, "") }
        return counts.map { path, n in
            let kinds = types[path] ?? []
            let common = (values[path] ?? [:]).sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(examples).map(\.key)
            return Entry(path: path, type: kinds.count == 1 ? kinds.first ?? "mixed" : "mixed", profiles: n, examples: Array(common))
        }.sorted { $0.profiles != $1.profiles ? $0.profiles > $1.profiles : $0.path < $1.path }
    }
}
