public import SegmentaCore
import PostgresNIO

/// API keys, webhooks and their outbox, and health, on PostgreSQL.
extension PostgresBackend {
    /// ``AccessStore/insertKey`` on PostgreSQL.
    public func insertKey(_ key: APIKey, hash: String) async throws(SegmentaError) {
        try await write { pg in
            try await pg.execute("""
                INSERT INTO api_keys (id, kind, name, hash, prefix, created_at, origins)
                VALUES (\(key.id), \(key.kind.rawValue), \(key.name), \(hash), \(key.prefix), \(key.createdAt.milliseconds), \(key.originsText))
                """)
        }
    }

    /// ``AccessStore/keys`` on PostgreSQL.
    public func keys() async throws(SegmentaError) -> [APIKey] {
        try await read { pg in try await pg.rows("SELECT id, kind, name, prefix, created_at, revoked_at, origins FROM api_keys ORDER BY created_at, id").map(Self.key) }
    }

    /// ``AccessStore/activeKey`` on PostgreSQL.
    public func activeKey(hash: String) async throws(SegmentaError) -> APIKey? {
        try await read { pg in
            try await pg.rows("SELECT id, kind, name, prefix, created_at, revoked_at, origins FROM api_keys WHERE hash = \(hash) AND revoked_at IS NULL").first.map(Self.key)
        }
    }

    /// ``AccessStore/key`` on PostgreSQL.
    public func key(id: String) async throws(SegmentaError) -> APIKey? {
        try await read { pg in try await pg.rows("SELECT id, kind, name, prefix, created_at, revoked_at, origins FROM api_keys WHERE id = \(id)").first.map(Self.key) }
    }

    /// ``AccessStore/revokeKey`` on PostgreSQL.
    public func revokeKey(id: String) async throws(SegmentaError) {
        try await write { pg in
            guard try await pg.exists("UPDATE api_keys SET revoked_at = \(clock.now.milliseconds) WHERE id = \(id) AND revoked_at IS NULL RETURNING 1") else {
                let exists = try await pg.exists("SELECT 1 FROM api_keys WHERE id = \(id)")
                throw SegmentaError(exists ? .conflict : .notFound, exists ? "key \(id) is already revoked" : "no key with id \(id); `segmenta keys list` shows them")
            }
        }
    }

    private static func key(_ row: PostgresRow) throws -> APIKey {
        let (id, kind, name, prefix, created, revoked, origins) = try row.decode((String, String, String, String, Int64, Int64?, String?).self)
        return APIKey(id: id, kind: APIKey.Kind(rawValue: kind) ?? .read, name: name, prefix: prefix,
                      createdAt: Timestamp(milliseconds: created), revokedAt: revoked.map(Timestamp.init(milliseconds:)), origins: APIKey.origins(fromText: origins))
    }

    // MARK: - sessions

    /// ``AccessStore/createSession`` on PostgreSQL.
    public func createSession(_ session: DashboardSession, now: Timestamp) async throws(SegmentaError) {
        try await write { pg in
            try await pg.execute("DELETE FROM dashboard_sessions WHERE expires_at <= \(now.milliseconds)")
            try await pg.execute("""
                INSERT INTO dashboard_sessions (id_hash, key_id, kind, csrf, expires_at)
                VALUES (\(IDHash.hex(session.id)), \(session.keyID), \(session.kind.rawValue), \(session.csrf), \(session.expires.milliseconds))
                """)
        }
    }

    /// ``AccessStore/session`` on PostgreSQL.
    public func session(id: String, now: Timestamp) async throws(SegmentaError) -> DashboardSession? {
        try await read { pg in
            guard let row = try await pg.rows("""
                SELECT key_id, kind, csrf, expires_at FROM dashboard_sessions WHERE id_hash = \(IDHash.hex(id)) AND expires_at > \(now.milliseconds)
                """).first else { return nil }
            let (key, kind, csrf, expires) = try row.decode((String, String, String, Int64).self)
            return DashboardSession(id: id, keyID: key, kind: APIKey.Kind(rawValue: kind) ?? .read, csrf: csrf, expires: Timestamp(milliseconds: expires))
        }
    }

    /// ``AccessStore/deleteSession`` on PostgreSQL.
    public func deleteSession(id: String) async throws(SegmentaError) {
        try await write { pg in try await pg.execute("DELETE FROM dashboard_sessions WHERE id_hash = \(IDHash.hex(id))") }
    }

    // MARK: - webhooks

    /// ``WebhookStore/createWebhook`` on PostgreSQL.
    public func createWebhook(segment: String, url: String, secret: String) async throws(SegmentaError) -> Webhook {
        let now = clock.now
        return try await write { pg in
            guard try await pg.exists("SELECT 1 FROM segments WHERE name = \(segment)") else { throw SegmentaError(.notFound, "no segment named \"\(segment)\"") }
            guard let id = try await pg.value("""
                INSERT INTO webhooks (segment, url, secret, created_at) VALUES (\(segment), \(url), \(secret), \(now.milliseconds)) RETURNING id
                """, as: Int64.self) else { throw SegmentaError(.storage, "the webhook was not stored") }
            return Webhook(id: id, segment: segment, url: url, secret: secret, createdAt: now)
        }
    }

    /// ``WebhookStore/webhooks`` on PostgreSQL.
    public func webhooks(of segment: String) async throws(SegmentaError) -> [Webhook] {
        try await read { pg in
            try await pg.rows("SELECT id, segment, url, secret, created_at FROM webhooks WHERE segment = \(segment) ORDER BY id").map { r in
                let (id, segment, url, secret, created) = try r.decode((Int64, String, String, String, Int64).self)
                return Webhook(id: id, segment: segment, url: url, secret: secret, createdAt: Timestamp(milliseconds: created))
            }
        }
    }

    /// ``WebhookStore/deleteWebhook`` on PostgreSQL.
    public func deleteWebhook(id: Int64, segment: String) async throws(SegmentaError) {
        try await write { pg in
            guard try await pg.exists("DELETE FROM webhooks WHERE id = \(id) AND segment = \(segment) RETURNING 1") else {
                throw SegmentaError(.notFound, "segment \"\(segment)\" has no webhook \(id)")
            }
        }
    }

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

    /// ``WebhookStore/dueWebhookDeliveries`` on PostgreSQL.
    public func dueWebhookDeliveries(now: Timestamp, limit: Int) async throws(SegmentaError) -> [WebhookDelivery] {
        try await read { pg in
            try await pg.rows("""
                \(unescaped: Self.deliverySelect) WHERE d.status = 'pending' AND d.next_attempt_at <= \(now.milliseconds) ORDER BY d.next_attempt_at, d.id LIMIT \(limit)
                """).map(Self.delivery)
        }
    }

    /// ``WebhookStore/webhookDeliveries`` on PostgreSQL.
    public func webhookDeliveries(segment: String, limit: Int) async throws(SegmentaError) -> [WebhookDelivery] {
        try await read { pg in
            try await pg.rows("\(unescaped: Self.deliverySelect) WHERE w.segment = \(segment) ORDER BY d.id DESC LIMIT \(limit)").map(Self.delivery)
        }
    }

    /// ``WebhookStore/recordDeliveryAttempt`` on PostgreSQL.
    public func recordDeliveryAttempt(id: Int64, delivered: Bool, responseStatus: Int?, error: String?, retryAt: Timestamp?) async throws(SegmentaError) {
        let now = clock.now.milliseconds
        let status = delivered ? "delivered" : (retryAt == nil ? "failed" : "pending")
        try await write { pg in
            // An erased person's id stays in the departure that tells the receiver only until it ends.
            try await pg.execute("""
                UPDATE webhook_deliveries SET status = \(status), attempts = attempts + 1, response_status = \(responseStatus), last_error = \(error),
                  next_attempt_at = COALESCE(\(retryAt?.milliseconds), next_attempt_at), delivered_at = CASE WHEN \(delivered) THEN \(now) END,
                  body = CASE WHEN \(status) <> 'pending' AND body::jsonb ->> 'reason' = 'erased' THEN jsonb_set(body::jsonb, '{exited}', '[]'::jsonb)::text ELSE body END
                WHERE id = \(id)
                """)
        }
    }

    private static let deliverySelect = """
        SELECT d.id, d.webhook_id, w.url, w.secret, d.snapshot_id, d.page, d.body, d.status, d.attempts, d.next_attempt_at,
               d.response_status, d.last_error, d.created_at, d.delivered_at
        FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
        """

    private static func delivery(_ r: PostgresRow) throws -> WebhookDelivery {
        let c = try r.decode((Int64, Int64, String, String, Int64, Int, String, String, Int, Int64, Int?, String?, Int64, Int64?).self)
        return WebhookDelivery(id: c.0, webhookID: c.1, url: c.2, secret: c.3, snapshotID: c.4, page: c.5, body: c.6,
                               status: WebhookDelivery.Status(rawValue: c.7) ?? .failed, attempts: c.8, nextAttemptAt: Timestamp(milliseconds: c.9),
                               responseStatus: c.10, lastError: c.11, createdAt: Timestamp(milliseconds: c.12), deliveredAt: c.13.map(Timestamp.init(milliseconds:)))
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
