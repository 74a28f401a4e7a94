public import SegmentaCore
import GRDB

/// Reads for dashboard pages: each one an index lookup or a bounded aggregate over stored
/// snapshots and analyses — never a scan of all events per page view.
extension SQLiteStore {
    /// Store figures for the overview (row counts kept by triggers, the event id high-water mark).
    public func overview() throws(SegmentaError) -> StoreOverview {
        try read { db in
            // Kept by triggers (``RowCounts``): three rows read instead of millions counted.
            let kept = try db.cachedStatement(sql: "SELECT n FROM row_counts WHERE name = ?")
            func count(_ table: String) throws -> Int { try Int.fetchOne(kept, arguments: [table]) ?? 0 }
            return StoreOverview(profiles: try count("profiles"), accounts: try count("accounts"), orders: try count("orders"),
                                 events: try Int.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM events") ?? 0,
                                 lastEventAt: try Int64.fetchOne(db, sql: "SELECT received_at FROM events ORDER BY id DESC LIMIT 1").map(Timestamp.init(milliseconds:)))
        }
    }

    /// ``ProfileStore/dataVersion`` on SQLite: `PRAGMA data_version` on the store's watching
    /// connection, which changes at every commit by any connection or process; an in-memory store
    /// (one connection) counts the rows it changed instead.
    public func dataVersion() throws(SegmentaError) -> Int64? {
        do {
            if let watcher = try watcher() { return try watcher.inDatabase { db in try Int64.fetchOne(db, sql: "PRAGMA data_version") } }
            return try writer.read { db in try Int64.fetchOne(db, sql: "SELECT total_changes()") }
        } catch {
            throw SegmentaError(.storage, "cannot read the store's data version: \(error)", underlying: error)
        }
    }

    /// How a segment's current members split over the values of a computed trait (e.g. `rfm_segment`, `lifecycle`).
    public func memberMix(of segment: String, computed name: String) throws(SegmentaError) -> [(value: String, count: Int)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT coalesce(CAST(json_extract(c.traits, ?1) AS TEXT), '(none)') AS v, COUNT(*) FROM segment_membership m
                LEFT JOIN computed_values c ON c.grp = ?2 AND c.profile_id = m.profile_id
                WHERE m.segment = ?3 AND m.exited_snapshot IS NULL GROUP BY v ORDER BY 2 DESC
                """, arguments: [ComputedTraitLayout.path(of: name), ComputedTraitLayout.group(of: name), segment]).map { ($0[0], $0[1]) }
        }
    }

    /// A page of a segment's current members whose id starts with `prefix` (ASCII case aside), or
    /// one of whose `traits` (e.g. email, name) holds it, case and accents aside (``SearchFold``), in
    /// id order, with their traits and computed traits.
    public func memberPage(of segment: String, prefix: String, matching traits: [String], offset: Int, limit: Int) throws(SegmentaError) -> (total: Int, rows: [(id: String, traits: JSONValue, computed: [String: JSONValue])]) {
        try read { db in
            let like = Self.likePrefix(prefix)
            // The id or any searchable trait; trait paths are bound, never spliced.
            var test = "m.profile_id LIKE ?1 ESCAPE '\\'"
            var arguments: [any DatabaseValueConvertible] = [like, segment]
            if !traits.isEmpty { arguments.append(SearchFold.fold(prefix.normalizedID)) }   // ?3
            for t in traits {
                arguments.append(Self.jsonPath(t))
                test += " OR (json_type(p.traits, ?\(arguments.count)) = 'text' AND instr(seg_fold(json_extract(p.traits, ?\(arguments.count))), ?3) > 0)"
            }
            // Without a search the total is the latest snapshot's size (no count over the members).
            let total = prefix.isEmpty
                ? try Int.fetchOne(db, sql: "SELECT size FROM segment_snapshots WHERE segment = ? ORDER BY id DESC LIMIT 1", arguments: [segment]) ?? 0
                : try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM segment_membership m JOIN profiles p ON p.id = m.profile_id WHERE m.segment = ?2 AND m.exited_snapshot IS NULL AND (\(test))",
                                   arguments: StatementArguments(arguments)) ?? 0
            let page = arguments + [limit, offset]
            let rows = try Row.fetchAll(db, sql: """
                SELECT m.profile_id, p.traits FROM segment_membership m JOIN profiles p ON p.id = m.profile_id
                WHERE m.segment = ?2 AND m.exited_snapshot IS NULL AND (\(test)) ORDER BY m.profile_id LIMIT ?\(page.count - 1) OFFSET ?\(page.count)
                """, arguments: StatementArguments(page))
            return (total, try rows.map { r in
                (r[0], try JSONTextParser.parse(r[1] as String), try ComputedTraitLayout.traits(db, profile: r[0]))
            })
        }
    }

    /// Profiles moving between an analysis's values from its run as of `from` to its run as of
    /// `to` (the latest run at each date), counted per (from, to) in SQL.
    public func transitions(kind: String, from: Timestamp, to: Timestamp) throws(SegmentaError) -> [(from: String, to: String, count: Int)] {
        try read { db in
            func run(_ t: Timestamp) throws -> Int64? {
                try Int64.fetchOne(db, sql: "SELECT id FROM analysis_runs WHERE kind = ? AND as_of = ? ORDER BY id DESC LIMIT 1", arguments: [kind, t.milliseconds])
            }
            guard let a = try run(from), let b = try run(to) else { return [] }
            return Transitions.count(from: try Self.runValues(db, run: a), to: try Self.runValues(db, run: b))
        }
    }

    /// Stores a new key synchronously, for set-ups that cannot await (tests); the same statement
    /// as ``AccessStore/insertKey(_:hash:)``.
    public func insertKey(_ key: APIKey, hash: String) throws(SegmentaError) {
        try write { db in try SQLiteBackend.execute(db, AccessStatements.insertKey(key, hash: hash)) }
    }
}
