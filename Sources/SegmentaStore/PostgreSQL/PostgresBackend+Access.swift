public import SegmentaCore
import PostgresNIO

/// What a refresh, a merge or an erasure queues for webhooks, consent and health, on PostgreSQL
/// (keys, sessions and the rest of the webhook rules: AccessStore+SQL, WebhookStore+SQL).
extension PostgresBackend {
    // MARK: - webhooks

    /// Queues what a refresh tells the receivers for every webhook of its segment, in the
    /// refresh's transaction (the pages of ``SQLiteStore``'s outbox).
    static func queueDeliveries(_ pg: PG, _ refresh: RefreshResult, told: DownstreamChange, pageSize requested: Int, now time: Timestamp) async throws {
        let hooks = try await pg.column("SELECT id FROM webhooks WHERE segment = \(refresh.segment) ORDER BY id", as: Int64.self)
        guard !hooks.isEmpty, !told.isEmpty else { return }
        let now = time.milliseconds
        for hook in hooks {
            for (page, body) in WebhookPages.bodies(refresh, told: told, pageSize: requested).enumerated() {
                try await pg.execute("""
                    INSERT INTO webhook_deliveries (webhook_id, snapshot_id, page, body, status, next_attempt_at, created_at)
                    VALUES (\(hook), \(refresh.snapshot.id), \(page + 1), \(body), 'pending', \(now), \(now))
                    """)
            }
        }
    }

    /// Counts that `profile` leaves its segments without a refresh (the rule of ``SQLiteStore``'s
    /// `countDepartures`); returns the stays its webhooks had been told about.
    static func countDepartures(_ pg: PG, profile: String, reason: WebhookPages.Departure) async throws -> [WebhookPages.Departed] {
        var told: [WebhookPages.Departed] = []
        for r in try await pg.rows("""
            SELECT m.segment, m.withheld, (SELECT max(id) FROM segment_snapshots s WHERE s.segment = m.segment)
            FROM segment_membership m WHERE m.profile_id = \(profile) AND m.exited_snapshot IS NULL ORDER BY m.segment
            """) {
            let (segment, withheld, snapshot) = try r.decode((String, Bool, Int64?).self)
            try await pg.execute("""
                INSERT INTO segment_departures (segment, reason, n) VALUES (\(segment), \(reason.rawValue), 1)
                ON CONFLICT (segment, reason) DO UPDATE SET n = segment_departures.n + 1
                """)
            if !withheld, let snapshot { told.append(WebhookPages.Departed(segment: segment, snapshot: snapshot, profile: profile)) }
        }
        return told
    }

    /// Tells each webhook of the segments in `departed` that the member left (``SQLiteStore``'s `queueDepartures`).
    static func queueDepartures(_ pg: PG, _ departed: [WebhookPages.Departed], reason: WebhookPages.Departure, now time: Timestamp) async throws {
        for d in departed {
            let body = WebhookPages.departureBody(segment: d.segment, snapshot: d.snapshot, reason: reason, id: d.profile, at: time)
            try await pg.execute("""
                INSERT INTO webhook_deliveries (webhook_id, snapshot_id, page, body, status, next_attempt_at, created_at)
                SELECT id, \(d.snapshot), 0, \(body), 'pending', \(time.milliseconds), \(time.milliseconds) FROM webhooks WHERE segment = \(d.segment)
                """)
        }
    }

    // MARK: - consent

    /// ``PrivacyStore/consentDenied`` on PostgreSQL.
    public func consentDenied(among ids: [String]) async throws(SegmentaError) -> Set<String> {
        try await read { pg in try await Self.consentDenied(pg, among: ids) }
    }

    static func consentDenied(_ pg: PG, among ids: [String]) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return Set(try await pg.column("SELECT p.id FROM profiles p WHERE p.id = ANY(\(ids)::text[]) AND \(unescaped: ConsentRule.deniedMarketing("p", .postgres))", as: String.self))
    }

    // MARK: - health and coordination

    /// Runs `body` while holding a PostgreSQL advisory lock named by `job` on a connection of its
    /// own: another instance that asks meanwhile gets nil at once; when this process dies, its
    /// connection closes and the lock is free again.
    public func exclusively<T: Sendable>(_ job: String, _ body: () async throws -> T) async throws -> T? {
        do {
            return try await client.withConnection { connection in
                let pg = PG(connection: connection, logger: logger)
                guard try await pg.value("SELECT pg_try_advisory_lock(7215002, hashtext(\(job)))", as: Bool.self) == true else { return nil }
                do {
                    let result = try await body()
                    try await pg.execute("SELECT pg_advisory_unlock(7215002, hashtext(\(job)))")
                    return result
                } catch {
                    try? await pg.execute("SELECT pg_advisory_unlock(7215002, hashtext(\(job)))")
                    throw error
                }
            }
        } catch let error as PSQLError {
            throw mapped(error, doing: "lock")
        }
    }

    /// ``ProfileStore/counts`` on PostgreSQL.
    public func counts() async throws(SegmentaError) -> StoreCounts {
        try await read { pg in
            let row = try await pg.rows("SELECT (SELECT count(*) FROM profiles), (SELECT count(*) FROM events), (SELECT count(*) FROM orders), (SELECT count(*) FROM accounts)").first
            let (profiles, events, orders, accounts) = try row?.decode((Int, Int, Int, Int).self) ?? (0, 0, 0, 0)
            return StoreCounts(profiles: profiles, events: events, orders: orders, accounts: accounts)
        }
    }

    /// ``HealthStore/databaseKind``.
    public var databaseKind: String { "postgresql" }

    /// ``HealthStore/health`` on PostgreSQL.
    public func health() async throws(SegmentaError) -> [String: String] {
        let version = try await read { pg in try await pg.value("SHOW server_version", as: String.self) ?? "" }
        return ["database": databaseKind, "server_version": version]
    }
}
