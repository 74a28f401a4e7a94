public import SegmentaCore
import GRDB

extension SQLiteStore {
    /// A new profile is inserted with its traits already merged (the merge into an empty profile,
    /// computed on all cores before the transaction); an existing one — stored before, or earlier in
    /// the file — has the row's traits merged into its own. Rows are written in id order (file
    /// order among equal ids), so the id index grows mostly at its end.
    public func importProfiles(_ rows: [ProfileFileReader.Row], at time: Timestamp) throws(SegmentaError) -> ProfileImportResult {
        let now = clock.now.milliseconds
        let at = Double(time.milliseconds)
        let fresh = ParallelChunks.map(rows.count) { range in
            range.map { i -> (traits: String, times: String) in
                var traits: [String: JSONValue] = [:], times: [String: JSONValue] = [:]
                _ = TraitMerge.merge(rows[i].traits, at: at, into: &traits, times: &times)
                return (JSONValue.object(traits).jsonText, JSONValue.object(times).jsonText)
            }
        }
        let order = rows.indices.sorted { rows[$0].id == rows[$1].id ? $0 < $1 : rows[$0].id < rows[$1].id }
        return try write { db in
            var result = ProfileImportResult()
            let insert = try BulkInsert(db, sql: "INSERT INTO profiles (id, traits, trait_times, created_at) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO NOTHING")
            insert.bind(4, now)
            for i in order {
                insert.bind(1, rows[i].id)
                insert.bind(2, fresh[i].traits)
                insert.bind(3, fresh[i].times)
                if try insert.step(db) > 0 {
                    result.created += 1
                } else {
                    result.updated += 1
                    try mergeTraits(db, profile: rows[i].id, traits: rows[i].traits, at: time)
                }
            }
            return result
        }
    }

    /// ``ProfileStore/sampleTraits`` on SQLite.
    public func sampleTraits(limit: Int) throws(SegmentaError) -> [JSONValue] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT traits FROM profiles ORDER BY rowid DESC LIMIT ?", arguments: [max(0, limit)]).map { try JSONTextParser.parse($0) }
        }
    }

    /// ``ProfileStore/profileIDs`` on SQLite.
    public func profileIDs() throws(SegmentaError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT id FROM profiles") }
    }

    /// ``ProfileStore/traitValues`` on SQLite; with `segment`, its current members only.
    public func traitValues(_ path: String, members segment: String? = nil) throws(SegmentaError) -> [String: String] {
        let members = segment == nil ? "" : "JOIN segment_membership m ON m.profile_id = p.id AND m.segment = ?2 AND m.exited_snapshot IS NULL"
        // SQLite's JSON paths cannot quote a key holding '"' or '\\': read those in Swift.
        if path.contains("\"") || path.contains("\\") {
            return try read { db in
                var out: [String: String] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT p.id, p.traits FROM profiles p \(members.replacingOccurrences(of: "?2", with: "?1"))",
                                            arguments: segment.map { [$0] } ?? []) {
                    guard let v = try JSONValue.object(Self.decodeObject(row[1])).value(atPath: path), !v.isNull else { continue }
                    out[row[0]] = v.stringValue ?? v.jsonText
                }
                return out
            }
        }
        // One JSON parse per profile: `->` gives the value's JSON text (json_extract and json_type
        // each parsed the document again: four parses per profile).
        return try read { db in
            var out: [String: String] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT p.id, p.traits -> ?1 FROM profiles p \(members)",
                                           arguments: segment.map { [Self.jsonPath(path), $0] } ?? [Self.jsonPath(path)])
            while let row = try rows.next() {
                guard let text = row[1] as String? else { continue }
                if let value = Self.traitText(json: text) { out[row[0]] = value }
            }
            return out
        }
    }

    /// A trait's value as text from its JSON: a string's own characters, `true`/`false`, an
    /// integer as such, any other number as ``JSONValue/format(_:)`` writes it, an object or array
    /// as its JSON; nil for `null`.
    static func traitText(json text: String) -> String? {
        switch text.utf8.first {
        // SQLite wrote the text from valid JSON: a string always parses.
        case UInt8(ascii: "\""): return (try? JSONTextParser.parse(text))?.stringValue ?? text
        case UInt8(ascii: "{"), UInt8(ascii: "["): return text
        case UInt8(ascii: "n"): return nil
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return text
        default:
            if let n = Int64(text) { return String(n) }
            return JSONValue.format(Double(text) ?? 0)
        }
    }

    /// A `LIKE` pattern for "starts with `prefix`" (use with `ESCAPE '\\'`): `%`, `_` and `\\` match themselves.
    static func likePrefix(_ prefix: String) -> String {
        var like = ""
        for c in prefix {
            if c == "\\" || c == "%" || c == "_" { like.append("\\") }
            like.append(c)
        }
        return like + "%"
    }

    /// A JSON path for SQLite's JSON functions, from a dotted trait path; each key is quoted so
    /// that any name is data, never syntax.
    static func jsonPath(_ dotted: String) -> String {
        "$" + dotted.split(separator: ".", omittingEmptySubsequences: false).map { key in
            var s = ""
            JSONValue.writeString(String(key), to: &s)
            return "." + s
        }.joined()
    }

    /// Creates the profile when missing; widens its first/last seen. Returns true when created.
    @discardableResult
    func ensureProfile(_ db: Database, id: String, seen: Timestamp?) throws -> Bool {
        let t = seen?.milliseconds
        try db.cachedStatement(sql: "INSERT INTO profiles (id, first_seen, last_seen, created_at) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO NOTHING")
            .execute(arguments: [id, t, t, clock.now.milliseconds])
        if db.changesCount > 0 { return true }
        if let t {
            try db.cachedStatement(sql: "UPDATE profiles SET first_seen = min(coalesce(first_seen, ?1), ?1), last_seen = max(coalesce(last_seen, ?1), ?1) WHERE id = ?2")
                .execute(arguments: [t, id])
        }
        return false
    }

    /// Merges traits into a profile: deeply, per leaf path, the value with the newest time wins (``TraitMerge``).
    func mergeTraits(_ db: Database, profile: String, traits: [String: JSONValue], at time: Timestamp) throws {
        guard !traits.isEmpty else { return }
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT traits, trait_times FROM profiles WHERE id = ?"), arguments: [profile]) else { return }
        var current = try Self.decodeObject(row[0])
        var times = try Self.decodeObject(row[1])
        // Deeply, per leaf, newest wins; dotted keys are paths; null removes (TraitMerge).
        let changed = TraitMerge.merge(traits, at: Double(time.milliseconds), into: &current, times: &times)
        if changed {
            try db.cachedStatement(sql: "UPDATE profiles SET traits = ?, trait_times = ? WHERE id = ?").execute(arguments: [JSONValue.object(current).jsonText, JSONValue.object(times).jsonText, profile])
        }
    }

    /// An account's traits (from `group` messages), or nil for an unknown account.
    public func accountTraits(_ id: String) throws(SegmentaError) -> [String: JSONValue]? {
        try read { db in
            guard let text = try String.fetchOne(db, sql: "SELECT traits FROM accounts WHERE id = ?", arguments: [id.normalizedID]) else { return nil }
            return try Self.decodeObject(text)
        }
    }

    static func decodeObject(_ text: String?) throws -> [String: JSONValue] {
        guard let text, !text.isEmpty else { return [:] }
        return try JSONTextParser.parseObject(text)
    }
}
