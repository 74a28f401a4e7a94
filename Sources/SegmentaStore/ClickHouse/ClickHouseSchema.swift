public import SegmentaCore
import Foundation

/// Segmenta's tables in ClickHouse, created by numbered migrations that are safe to run again.
///
/// On every host of the URL (ClickHouse without ZooKeeper has no `ON CLUSTER`), each migration
/// creates, with `IF NOT EXISTS`:
/// - `events_local`: a `MergeTree` of events, partitioned by month, ordered by
///   `(event, distinct_id, timestamp)` — a condition reads one event name, and within it each
///   person's rows are contiguous;
/// - `identities_local`: a `ReplacingMergeTree(version)` that maps every id an event may carry
///   (`distinct_id`: the user id, else the anonymous id) to its profile and that profile's signup
///   instant. A merge or a new signup writes new rows with a higher version; queries read
///   `argMax(…, version)`, so they are right before ClickHouse merges the old rows away;
/// - with a cluster, `events` and `identities`, `Distributed` tables over them, both sharded by
///   `sipHash64(distinct_id)`: an event and the row that resolves its id live on the same shard,
///   so the join that resolves identities runs on each shard without moving data.
///
/// A host records what it has applied in `segmenta_migrations`.
package struct ClickHouseSchema: Sendable {
    let client: ClickHouseClient

    /// The table conditions and inserts read and write: the `Distributed` one with a cluster.
    var events: String { client.url.cluster == nil ? "events_local" : "events" }
    var identities: String { client.url.cluster == nil ? "identities_local" : "identities" }

    /// The migrations, in order: (version, statements). Statements name `{db}` and `{cluster}`.
    static let migrations: [(version: Int, statements: [String])] = [
        (1, [
            """
            CREATE TABLE IF NOT EXISTS {db}.events_local (
              source String, message_id String, distinct_id String, user_id String, anonymous_id String,
              type String, event String, timestamp Int64, received_at Int64,
              prop_keys Array(String), prop_kinds Array(UInt8), prop_numbers Array(Float64), prop_strings Array(String), prop_times Array(Int64),
              elem_keys Array(String), elem_kinds Array(UInt8), elem_numbers Array(Float64), elem_strings Array(String),
              properties String
            ) ENGINE = MergeTree
            PARTITION BY toYYYYMM(toDateTime(intDiv(timestamp, 1000)))
            ORDER BY (event, distinct_id, timestamp, message_id)
            """,
            """
            CREATE TABLE IF NOT EXISTS {db}.identities_local (
              distinct_id String, profile String, signup Int64, has_signup UInt8, version UInt64
            ) ENGINE = ReplacingMergeTree(version)
            ORDER BY distinct_id
            """,
            "CLUSTER: CREATE TABLE IF NOT EXISTS {db}.events AS {db}.events_local ENGINE = Distributed({cluster}, {db}, events_local, sipHash64(distinct_id))",
            "CLUSTER: CREATE TABLE IF NOT EXISTS {db}.identities AS {db}.identities_local ENGINE = Distributed({cluster}, {db}, identities_local, sipHash64(distinct_id))",
        ]),
        // 1 for an event dated more than a day after its arrival (``FutureDated``), stored at its arrival.
        (2, [
            "ADD COLUMN: events_local future_dated UInt8 DEFAULT 0",
            "CLUSTER: ADD COLUMN: events future_dated UInt8 DEFAULT 0",
        ]),
    ]

    /// Creates the database and applies the migrations not yet applied, on every host; checks
    /// first that a named cluster exists and that its hosts are the ones listed.
    package func migrate() async throws(SegmentaError) {
        let db = client.url.database
        if let cluster = client.url.cluster {
            let shards = try await client.rows("SELECT shard_num, host_address, port FROM system.clusters WHERE cluster = \(ClickHouseSQL.quote(cluster))", database: false)
            guard !shards.isEmpty else {
                throw SegmentaError(.invalidInput, "ClickHouse at \(client.primary) knows no cluster \"\(cluster)\"; name one of its remote_servers (SELECT DISTINCT cluster FROM system.clusters), or leave out ?cluster= for one server")
            }
            guard shards.count == client.url.hosts.count else {
                throw SegmentaError(.invalidInput, "cluster \"\(cluster)\" has \(shards.count) servers but the URL lists \(client.url.hosts.count); list the HTTP address of each (clickhouse://H1:8123,H2:8123/\(db)?cluster=\(cluster)) so that Segmenta can create its tables on all of them")
            }
        }
        for host in client.url.hosts {
            try await client.execute("CREATE DATABASE IF NOT EXISTS \(db)", on: host, database: false)
            try await client.execute("CREATE TABLE IF NOT EXISTS \(db).segmenta_migrations (version UInt32, applied_at DateTime) ENGINE = MergeTree ORDER BY version", on: host)
            let applied = Set(try await client.column("SELECT version FROM \(db).segmenta_migrations", on: host).compactMap(Int.init))
            for migration in Self.migrations where !applied.contains(migration.version) {
                for statement in migration.statements {
                    guard let sql = Self.sql(statement, database: db, cluster: client.url.cluster) else { continue }
                    // 18.16 has no `ADD COLUMN IF NOT EXISTS`: the column is looked for first (a
                    // migration stopped halfway runs again).
                    if let (table, column) = Self.addedColumn(statement) {
                        let present = try await client.column("""
                            SELECT count() FROM system.columns WHERE database = \(ClickHouseSQL.quote(db)) AND table = \(ClickHouseSQL.quote(table)) AND name = \(ClickHouseSQL.quote(column))
                            """, on: host)
                        if present.first != "0" { continue }
                    }
                    try await client.execute(sql, on: host)
                }
                try await client.execute("INSERT INTO \(db).segmenta_migrations VALUES (\(migration.version), now())", on: host)
            }
        }
    }

    /// A migration statement for a database (and cluster); nil for a cluster-only statement without
    /// one. `ADD COLUMN: TABLE NAME TYPE…` is `ALTER TABLE {db}.TABLE ADD COLUMN NAME TYPE…`.
    static func sql(_ statement: String, database: String, cluster: String?) -> String? {
        var sql = statement
        if sql.hasPrefix("CLUSTER: ") {
            guard let cluster else { return nil }
            sql = String(sql.dropFirst("CLUSTER: ".count)).replacingOccurrences(of: "{cluster}", with: cluster)
        }
        if sql.hasPrefix("ADD COLUMN: ") {
            let parts = sql.dropFirst("ADD COLUMN: ".count).split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            sql = "ALTER TABLE {db}.\(parts[0]) ADD COLUMN \(parts[1])"
        }
        return sql.replacingOccurrences(of: "{db}", with: database)
    }

    /// The table and column an `ADD COLUMN:` statement adds.
    static func addedColumn(_ statement: String) -> (table: String, column: String)? {
        let s = statement.hasPrefix("CLUSTER: ") ? String(statement.dropFirst("CLUSTER: ".count)) : statement
        guard s.hasPrefix("ADD COLUMN: ") else { return nil }
        let words = s.dropFirst("ADD COLUMN: ".count).split(separator: " ")
        guard words.count >= 2 else { return nil }
        return (String(words[0]), String(words[1]))
    }

    /// The migrations applied on each host.
    package func appliedVersions() async throws(SegmentaError) -> [String: [Int]] {
        var out: [String: [Int]] = [:]
        for host in client.url.hosts {
            out[host.description] = try await client.column("SELECT version FROM \(client.url.database).segmenta_migrations ORDER BY version", on: host).compactMap(Int.init)
        }
        return out
    }
}
