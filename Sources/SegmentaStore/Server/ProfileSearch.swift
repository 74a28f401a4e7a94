public import SegmentaCore

/// What a people search found, gathered from the backend's candidate rows (ids, identities,
/// searchable traits): one match per profile, exact matches before prefixes, then in id order.
struct ProfileSearch {
    /// The query as searched: NFC-normalised, blanks trimmed.
    let query: String
    /// The searchable trait paths (e.g. email, name).
    let traits: [String]
    private var found: [String: ProfileMatch] = [:]

    init?(_ query: String, traits: [String]) {
        let q = String(query.normalizedID.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        guard !q.isEmpty else { return nil }
        self.query = q
        self.traits = traits
    }

    /// A candidate row: the profile, its traits (JSON text), what matched and the value that did.
    mutating func add(_ id: String, traitsText: String, matched: String, value: String) throws {
        let exact = value.lowercased() == query.lowercased()
        if let known = found[id], known.exact || !exact { return }
        let o = JSONValue.object(try JSONTextParser.parseObject(traitsText))
        var shown: [String: String] = [:]
        for t in traits { if let v = o.value(atPath: t), let s = v.stringValue ?? (v.numberValue.map { JSONValue.format($0) }) { shown[t] = s } }
        found[id] = ProfileMatch(id: id, traits: shown, matched: matched, exact: exact)
    }

    /// The matches, exact first, at most `limit`.
    func results(limit: Int) -> [ProfileMatch] {
        Array(found.values.sorted { a, b in a.exact != b.exact ? a.exact : CustomerOrder.compare(a.id, b.id) < 0 }.prefix(limit))
    }
}
