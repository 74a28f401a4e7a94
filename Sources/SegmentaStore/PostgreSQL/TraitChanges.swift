public import SegmentaCore
import PostgresNIO

/// The trait merges of one batch (identify on profiles, group on accounts), applied together: the
/// rows touched are read once (locked), each message merged in order in Swift with ``TraitMerge``
/// (deeply, per leaf, newest wins), and the rows that changed written back in one statement per
/// table — the same result as one message at a time, in a few round trips.
struct TraitChanges {
    enum Target { case profile, account }

    private var changes: [(target: Target, id: String, traits: [String: JSONValue], time: Timestamp)] = []
    private var newAccounts: [String] = []

    /// Adds a merge; `create` makes the row first when missing (accounts from `group`).
    mutating func add(_ target: Target, _ id: String, _ traits: [String: JSONValue], at time: Timestamp, create: Bool = false) {
        if create { newAccounts.append(id) }
        if !traits.isEmpty { changes.append((target, id, traits, time)) }
    }

    func apply(_ pg: PG, now: Int64) async throws {
        if !newAccounts.isEmpty {
            try await pg.execute("""
                INSERT INTO accounts (id, traits, created_at, updated_at) SELECT DISTINCT u.id, '{}'::jsonb, \(now), \(now) FROM unnest(\(newAccounts)::text[]) AS u(id)
                ON CONFLICT (id) DO NOTHING
                """)
        }
        for (target, table) in [(Target.profile, "profiles"), (.account, "accounts")] {
            let mine = changes.filter { $0.target == target }
            guard !mine.isEmpty else { continue }
            let ids = Array(Set(mine.map(\.id))).sorted()
            var current: [String: (traits: [String: JSONValue], times: [String: JSONValue])] = [:]
            var binds = PostgresBindings()
            binds.append(ids)
            for row in try await pg.rows(PostgresQuery(unsafeSQL: "SELECT id, traits::text, trait_times::text FROM \(table) WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE", binds: binds)) {
                let (id, traits, times) = try row.decode((String, String, String).self)
                current[id] = (try JSONTextParser.parseObject(traits), try JSONTextParser.parseObject(times))
            }
            var changed = Set<String>()
            for change in mine {
                guard var entry = current[change.id] else { continue }
                if TraitMerge.merge(change.traits, at: Double(change.time.milliseconds), into: &entry.traits, times: &entry.times) {
                    current[change.id] = entry
                    changed.insert(change.id)
                }
            }
            guard !changed.isEmpty else { continue }
            let rows = changed.sorted()
            var update = PostgresBindings()
            update.append(rows)
            update.append(rows.map { PostgresBackend.withoutNUL(JSONValue.object(current[$0]?.traits ?? [:]).jsonText) })
            update.append(rows.map { PostgresBackend.withoutNUL(JSONValue.object(current[$0]?.times ?? [:]).jsonText) })
            let touch = target == .account ? ", updated_at = \(now)" : ""
            try await pg.execute(PostgresQuery(unsafeSQL: """
                UPDATE \(table) t SET traits = u.tr::jsonb, trait_times = u.ti::jsonb\(touch)
                FROM unnest($1::text[], $2::text[], $3::text[]) AS u(id, tr, ti) WHERE t.id = u.id
                """, binds: update))
        }
    }
}
