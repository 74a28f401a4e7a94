public import SegmentaCore
import GRDB

extension SQLiteStore {
    /// Profiles whose id, user or anonymous id, or one of `traits` (e.g. email, name) equals or
    /// starts with `query`, case aside (ASCII; ids are NFC-normalised first). Exact matches come
    /// first, then prefixes, each in id order; at most `limit`.
    /// - Complexity: one scan of profiles (traits are read with `json_extract`), plus the identity index.
    public func searchProfiles(_ query: String, traits: [String], limit: Int) throws(SegmentaError) -> [ProfileMatch] {
        let q = String(query.normalizedID.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        guard !q.isEmpty, limit > 0 else { return [] }
        let like = Self.likePrefix(q)
        let paths = traits.map(Self.jsonPath)   // profile traits are dotted paths, as in conditions
        return try read { db in
            var found: [String: ProfileMatch] = [:]
            func values(_ traitsText: String) throws -> [String: String] {
                let o = JSONValue.object(try Self.decodeObject(traitsText))
                var out: [String: String] = [:]
                for t in traits { if let v = o.value(atPath: t), let s = v.stringValue ?? (v.numberValue.map { JSONValue.format($0) }) { out[t] = s } }
                return out
            }
            func add(_ id: String, _ traitsText: String, matched: String, value: String) throws {
                let exact = value.lowercased() == q.lowercased()
                if let known = found[id], known.exact || !exact { return }
                found[id] = ProfileMatch(id: id, traits: try values(traitsText), matched: matched, exact: exact)
            }
            // `LIKE` is case-insensitive for ASCII in SQLite; the ESCAPE makes %, _ and \ literal.
            for r in try Row.fetchAll(db, sql: "SELECT id, traits FROM profiles WHERE id LIKE ? ESCAPE '\\' LIMIT ?", arguments: [like, limit * 4]) {
                try add(r[0], r[1], matched: "id", value: r[0])
            }
            for r in try Row.fetchAll(db, sql: """
                SELECT p.id, p.traits, i.external_id FROM identities i JOIN profiles p ON p.id = i.profile_id
                WHERE i.external_id LIKE ? ESCAPE '\\' LIMIT ?
                """, arguments: [like, limit * 4]) {
                try add(r[0], r[1], matched: "identity", value: r[2])
            }
            for (name, path) in zip(traits, paths) {
                for r in try Row.fetchAll(db, sql: """
                    SELECT id, traits, json_extract(traits, ?1) FROM profiles
                    WHERE json_type(traits, ?1) = 'text' AND json_extract(traits, ?1) LIKE ?2 ESCAPE '\\' LIMIT ?3
                    """, arguments: [path, like, limit * 4]) {
                    try add(r[0], r[1], matched: name, value: r[2])
                }
            }
            let ordered = found.values.sorted { a, b in a.exact != b.exact ? a.exact : CustomerOrder.compare(a.id, b.id) < 0 }
            return Array(ordered.prefix(limit))
        }
    }
}
