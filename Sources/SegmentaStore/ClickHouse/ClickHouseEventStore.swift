public import SegmentaCore
import Synchronization

/// Events in ClickHouse, sharded over a cluster or on one server: what `--events clickhouse://…`
/// points at, beside the primary store (SQLite or PostgreSQL) that keeps profiles, segments and
/// everything else.
///
/// Events are written with the ids they arrived with; `identities` maps each id to its profile
/// (versioned, so a merge is new rows, never an update of events). Event conditions run inside
/// ClickHouse and return member ids only (``ClickHouseBehaviourSQL``); the primary store combines
/// them with the rest of a segment's condition (``EventLeaves``).
public struct ClickHouseEventStore: Sendable {
    let client: ClickHouseClient
    let schema: ClickHouseSchema

    /// Connects (lazily: the first statement opens the connection) to the URL's hosts.
    public init(url: ClickHouseURL) {
        client = ClickHouseClient(url)
        schema = ClickHouseSchema(client: client)
    }

    /// Where it connects, for messages (hosts, database, cluster; never the password).
    public var location: String { client.url.location }

    /// Creates the database and tables where missing (safe to run again).
    public func migrate() async throws(SegmentaError) { try await schema.migrate() }

    /// Checks that the events tables exist (reading only), with what to do when they do not.
    public func requireTables() async throws(SegmentaError) {
        let db = ClickHouseSQL.quote(client.url.database)
        let present = try await client.column("SELECT count() FROM system.tables WHERE database = \(db) AND name IN ('events_local', 'identities_local')", database: false)
        guard present.first == "2" else {
            throw SegmentaError(.notFound, "ClickHouse at \(location) holds no Segmenta events yet; copy them there first: segmenta store copy --from STORE --events-to 'clickhouse://\(location)'")
        }
    }

    /// Writes the track, page and screen messages among `messages` (others carry no event).
    /// Returns once every shard holds its rows. A message written twice (an SDK retry) is
    /// counted once by every query, so a retry after a failure is always safe.
    @discardableResult
    public func insert(_ messages: [Message], source: String, arrival: Timestamp) async throws(SegmentaError) -> Int {
        var text = ""
        var n = 0
        for m in messages {
            guard let row = ClickHouseEventRow(m, source: source, arrival: arrival) else { continue }
            row.writeJSONLine(to: &text)
            n += 1
        }
        try await client.insert(into: "\(client.url.database).\(schema.events)", jsonEachRow: text)
        return n
    }

    /// Sends event rows already written as `JSONEachRow` lines.
    func insertRows(_ lines: String) async throws(SegmentaError) {
        try await client.insert(into: "\(client.url.database).\(schema.events)", jsonEachRow: lines)
    }

    /// Event rows stored (over every shard; an SDK retry stored twice counts twice here).
    public func storedEvents() async throws(SegmentaError) -> Int {
        Int(try await client.column("SELECT count() FROM \(client.url.database).\(schema.events)").first ?? "") ?? 0
    }

    /// A version for identity rows written now: microseconds since 1970, so that a later write
    /// supersedes an earlier one (from this process or another whose clock agrees).
    public static func newVersion() -> UInt64 {
        let last = lastVersion.withLock { v -> UInt64 in
            v = max(v + 1, UInt64(max(0, Timestamp.now.milliseconds)) * 1000)
            return v
        }
        return last
    }

    private static let lastVersion = Mutex<UInt64>(0)

    /// One id an event may carry, resolved: its profile and that profile's signup instant.
    public typealias Identity = ProfileIdentity

    /// Records how ids resolve, superseding earlier rows for the same ids (`version` must grow:
    /// a later call with a smaller version loses). An empty profile marks an id whose person was
    /// deleted: its events count for nobody.
    public func record(_ identities: [Identity], version: UInt64) async throws(SegmentaError) {
        guard !identities.isEmpty else { return }
        try await client.insert(into: "\(client.url.database).\(schema.identities)", jsonEachRow: Self.identityRows(identities, version: version))
    }

    /// Identity rows as `JSONEachRow` data.
    static func identityRows(_ identities: [Identity], version: UInt64) -> String {
        var text = ""
        for i in identities {
            text += "{\"distinct_id\":"
            JSONValue.writeString(i.id.normalizedID, to: &text)
            text += ",\"profile\":"
            JSONValue.writeString(i.profile, to: &text)
            text += ",\"signup\":\(i.signup?.milliseconds ?? 0),\"has_signup\":\(i.signup == nil ? 0 : 1),\"version\":\(version)}\n"
        }
        return text
    }

    /// The members (or non-members) of one event condition as of a time.
    public func evaluate(_ b: BehaviourCondition, asOf: Timestamp) async throws(SegmentaError) -> EventLeaves.Leaf {
        let q = try ClickHouseBehaviourSQL(at: asOf, database: client.url.database, eventsTable: schema.events).query(b)
        let ids = try await client.column(q.sql)
        return EventLeaves.Leaf(condition: b, ids: ids, complement: q.complement)
    }

    /// Several event conditions as of a time, in one scan of the events (one query).
    public func evaluate(_ conditions: [BehaviourCondition], asOf: Timestamp) async throws(SegmentaError) -> EventLeaves {
        guard !conditions.isEmpty else { return EventLeaves() }
        let batch = try ClickHouseBehaviourSQL(at: asOf, database: client.url.database, eventsTable: schema.events).batch(conditions)
        var ids = Array(repeating: [String](), count: conditions.count)
        for row in try await client.rows(batch.sql) {
            guard let profile = row.first else { continue }
            for (i, flag) in row.dropFirst().prefix(conditions.count).enumerated() where flag == "1" { ids[i].append(profile) }
        }
        return EventLeaves(leaves: conditions.indices.map { EventLeaves.Leaf(condition: conditions[$0], ids: ids[$0], complement: batch.complements[$0]) })
    }

    /// Evaluates every event condition in `condition` (segment references included, resolved with
    /// `definitions`), each once, all in one scan.
    public func leaves(of condition: Condition, definitions: [String: SegmentDefinition], asOf: Timestamp) async throws(SegmentaError) -> EventLeaves {
        try await evaluate(EventLeaves.eventConditions(in: condition, definitions: definitions), asOf: asOf)
    }

    /// The event conditions of a segment of `primary` (through its references), evaluated here:
    /// what `primary.refresh(name, …, eventLeaves:)` needs. A static segment has none.
    public func leaves(forSegment name: String, of primary: any SegmentStore, asOf: Timestamp) async throws(SegmentaError) -> EventLeaves {
        let definitions = try await primary.segmentDefinitions()
        guard let definition = definitions[name] else { throw SegmentaError(.notFound, "no segment named \"\(name)\"; `segmenta segments list` shows them") }
        guard let condition = definition.condition else { return EventLeaves() }
        return try await leaves(of: condition, definitions: definitions, asOf: asOf)
    }

    /// The migrations applied on each host.
    public func appliedVersions() async throws(SegmentaError) -> [String: [Int]] { try await schema.appliedVersions() }

    /// The hosts of the cluster that do not answer `/ping` within 2 s (empty when all do), for
    /// `/health`: with a shard down, its events can be neither written nor read.
    public func hostsDown() async -> [String] {
        var down: [String] = []
        for host in client.url.hosts where !(await client.ping(host)) { down.append(host.description) }
        return down
    }

    /// Stored event rows per host's local table (for checks that data is spread over the shards).
    public func rowsPerHost() async throws(SegmentaError) -> [String: Int] {
        var out: [String: Int] = [:]
        for host in client.url.hosts {
            out[host.description] = Int(try await client.column("SELECT count() FROM \(client.url.database).events_local", on: host).first ?? "") ?? 0
        }
        return out
    }
}
