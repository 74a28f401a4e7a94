public import SegmentaCore

/// What a people search found, gathered from the backend's candidate rows (ids, identities,
/// searchable traits): one match per profile, exact matches, then prefixes, then the rest, each in id order.
struct ProfileSearch {
    /// The query as searched: NFC-normalised, blanks trimmed.
    let query: String
    /// The query folded (``SearchFold``): what values are compared with.
    let folded: String
    /// The searchable trait paths (e.g. email, name).
    let traits: [String]
    private var found: [String: (match: ProfileMatch, rank: Int)] = [:]

    init?(_ query: String, traits: [String]) {
        let q = query.normalizedID.trimmedSpaces
        guard !q.isEmpty else { return nil }
        self.query = q
        self.folded = SearchFold.fold(q)
        self.traits = traits
    }

    /// A candidate row: the profile, its traits (JSON text), what matched and the value that did.
    /// Kept when the folded value equals, starts with or holds the folded query.
    mutating func add(_ id: String, traitsText: String, matched: String, value: String) throws {
        let v = SearchFold.fold(value.normalizedID)
        let rank = v == folded ? 0 : v.hasPrefix(folded) ? 1 : v.contains(folded) ? 2 : nil
        guard let rank else { return }
        if let known = found[id], known.rank <= rank { return }
        let o = JSONValue.object(try JSONTextParser.parseObject(traitsText))
        var shown: [String: String] = [:]
        for t in traits { if let v = o.value(atPath: t), let s = v.stringValue ?? (v.numberValue.map { JSONValue.format($0) }) { shown[t] = s } }
        found[id] = (ProfileMatch(id: id, traits: shown, matched: matched, exact: rank == 0), rank)
    }

    /// The matches — exact first, then those that start with the query, then those that hold it,
    /// each in id order — at most `limit`.
    func results(limit: Int) -> [ProfileMatch] {
        Array(found.values.sorted { a, b in a.rank != b.rank ? a.rank < b.rank : CustomerOrder.compare(a.match.id, b.match.id) < 0 }.prefix(limit).map(\.match))
    }
}
