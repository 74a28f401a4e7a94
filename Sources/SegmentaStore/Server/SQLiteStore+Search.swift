public import SegmentaCore
import GRDB

extension SQLiteStore {
    /// Profiles whose id or user or anonymous id starts with `query` (ASCII case aside), or one of
    /// whose `traits` (e.g. email, name) equals, starts with or holds it anywhere, case and accents
    /// aside (``SearchFold``: `martin` finds "Anne Martin", `nunez` finds "Núñez"). Exact matches
    /// come first, then prefixes, then the rest, each in id order; at most `limit`.
    /// - Complexity: one scan of profiles per trait (read with `json_extract`, folded by `seg_fold`), plus the identity index.
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
                    WHERE json_type(traits, ?1) = 'text' AND instr(seg_fold(json_extract(traits, ?1)), ?2) > 0
                    ORDER BY seg_fold(json_extract(traits, ?1)) = ?2 DESC, substr(seg_fold(json_extract(traits, ?1)), 1, length(?2)) = ?2 DESC LIMIT ?3
                    """, arguments: [path, search.folded, limit * 4]) {
                    try search.add(r[0], traitsText: r[1], matched: name, value: r[2])
                }
            }
            return search.results(limit: limit)
        }
    }

    /// ``ProfileStore/profileIDs(withContact:limit:)``: the contact index (``ContactIndex``).
    public func profileIDs(withContact key: ContactKey, limit: Int) throws(SegmentaError) -> [String] {
        try read { db in try String.fetchAll(db, sql: ContactIndex.select(key, .sqlite), arguments: [key.value, limit]) }
    }
}
