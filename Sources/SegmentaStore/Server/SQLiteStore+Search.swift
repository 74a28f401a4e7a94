public import SegmentaCore
import GRDB

extension SQLiteStore {
    /// Profiles whose id, user or anonymous id, or one of `traits` (e.g. email, name) equals or
    /// starts with `query`, case aside (ASCII; ids are NFC-normalised first). Exact matches come
    /// first, then prefixes, each in id order; at most `limit`.
    /// - Complexity: one scan of profiles (traits are read with `json_extract`), plus the identity index.
    public func searchProfiles(_ query: String, traits: [String], limit: Int) throws(SegmentaError) -> [ProfileMatch] {
        guard limit > 0, var search = ProfileSearch(query, traits: traits) else { return [] }
        let like = Self.likePrefix(search.query)
        let paths = traits.map(Self.jsonPath)   // profile traits are dotted paths, as in conditions
        return try read { db in
            // `LIKE` is case-insensitive for ASCII in SQLite; the ESCAPE makes %, _ and \ literal.
            for r in try Row.fetchAll(db, sql: "SELECT id, traits FROM profiles WHERE id LIKE ? ESCAPE '\\' LIMIT ?", arguments: [like, limit * 4]) {
                try search.add(r[0], traitsText: r[1], matched: "id", value: r[0])
            }
            for r in try Row.fetchAll(db, sql: """
                SELECT p.id, p.traits, i.external_id FROM identities i JOIN profiles p ON p.id = i.profile_id
                WHERE i.external_id LIKE ? ESCAPE '\\' LIMIT ?
                """, arguments: [like, limit * 4]) {
                try search.add(r[0], traitsText: r[1], matched: "identity", value: r[2])
            }
            for (name, path) in zip(traits, paths) {
                for r in try Row.fetchAll(db, sql: """
                    SELECT id, traits, json_extract(traits, ?1) FROM profiles
                    WHERE json_type(traits, ?1) = 'text' AND json_extract(traits, ?1) LIKE ?2 ESCAPE '\\' LIMIT ?3
                    """, arguments: [path, like, limit * 4]) {
                    try search.add(r[0], traitsText: r[1], matched: name, value: r[2])
                }
            }
            return search.results(limit: limit)
        }
    }
}
