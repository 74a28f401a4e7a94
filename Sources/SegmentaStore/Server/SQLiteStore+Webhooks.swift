public import SegmentaCore
import GRDB

extension SQLiteStore {
    /// Subscribes `url` to a segment's changes.
    public func createWebhook(segment: String, url: String, secret: String) throws(SegmentaError) -> Webhook {
        let now = clock.now
        return try write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM segments WHERE name = ?", arguments: [segment]) == true else {
                throw SegmentaError(.notFound, "no segment named \"\(segment)\"")
            }
            try db.execute(sql: "INSERT INTO webhooks (segment, url, secret, created_at) VALUES (?, ?, ?, ?)", arguments: [segment, url, secret, now.milliseconds])
            return Webhook(id: db.lastInsertedRowID, segment: segment, url: url, secret: secret, createdAt: now)
        }
    }

    /// A segment's webhooks.
    public func webhooks(of segment: String) throws(SegmentaError) -> [Webhook] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, segment, url, secret, created_at FROM webhooks WHERE segment = ? ORDER BY id", arguments: [segment])
                .map { Webhook(id: $0[0], segment: $0[1], url: $0[2], secret: $0[3], createdAt: Timestamp(milliseconds: $0[4])) }
        }
    }

    /// Removes a webhook (and its delivery log).
    public func deleteWebhook(id: Int64, segment: String) throws(SegmentaError) {
        try write { db in
            try db.execute(sql: "DELETE FROM webhooks WHERE id = ? AND segment = ?", arguments: [id, segment])
            guard db.changesCount > 0 else { throw SegmentaError(.notFound, "segment \"\(segment)\" has no webhook \(id)") }
        }
    }

    /// Queues what a refresh tells the receivers (pages of `pageSize` ids per list) for every
    /// webhook of its segment, inside the refresh's own transaction: the snapshot and its
    /// deliveries commit together, whoever refreshed (CLI, API, dashboard, scheduler).
    @discardableResult
    static func queueDeliveries(_ db: Database, _ refresh: RefreshResult, told: DownstreamChange, pageSize requested: Int, now time: Timestamp) throws -> Int {
        let hooks = try Int64.fetchAll(db, sql: "SELECT id FROM webhooks WHERE segment = ?", arguments: [refresh.segment])
        guard !hooks.isEmpty, !told.isEmpty else { return 0 }
        let bodies = WebhookPages.bodies(refresh, told: told, pageSize: requested)
        let now = time.milliseconds
        var queued = 0
        for hook in hooks {
            for (page, body) in bodies.enumerated() {
                try db.execute(sql: """
                    INSERT INTO webhook_deliveries (webhook_id, snapshot_id, page, body, status, next_attempt_at, created_at)
                    VALUES (?, ?, ?, ?, 'pending', ?, ?)
                    """, arguments: [hook, refresh.snapshot.id, page + 1, body, now, now])
                queued += 1
            }
        }
        return queued
    }

    /// Counts that `profile` leaves every segment it is in without a refresh (merged into another
    /// profile, or erased), just before it is deleted: each segment counts one more departure for
    /// its next snapshot. Returns the stays its webhooks had been told about, for `queueDepartures`.
    static func countDepartures(_ db: Database, profile: String, reason: WebhookPages.Departure) throws -> [WebhookPages.Departed] {
        let stays = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT m.segment, m.withheld, (SELECT max(id) FROM segment_snapshots s WHERE s.segment = m.segment)
            FROM segment_membership m WHERE m.profile_id = ? AND m.exited_snapshot IS NULL
            """), arguments: [profile])
        var told: [WebhookPages.Departed] = []
        for stay in stays {
            let segment: String = stay[0]
            try db.cachedStatement(sql: """
                INSERT INTO segment_departures (segment, reason, n) VALUES (?, ?, 1) ON CONFLICT(segment, reason) DO UPDATE SET n = n + 1
                """).execute(arguments: [segment, reason.rawValue])
            if !(stay[1] as Bool), let snapshot = stay[2] as Int64? { told.append(WebhookPages.Departed(segment: segment, snapshot: snapshot, profile: profile)) }
        }
        return told
    }

    /// Tells each webhook of the segments in `departed` that the member left
    /// (`WebhookPages.departureBody`), in the caller's transaction.
    static func queueDepartures(_ db: Database, _ departed: [WebhookPages.Departed], reason: WebhookPages.Departure, now time: Timestamp) throws {
        for d in departed {
            let body = WebhookPages.departureBody(segment: d.segment, snapshot: d.snapshot, reason: reason, id: d.profile, at: time)
            try db.cachedStatement(sql: """
                INSERT INTO webhook_deliveries (webhook_id, snapshot_id, page, body, status, next_attempt_at, created_at)
                SELECT id, ?, 0, ?, 'pending', ?, ? FROM webhooks WHERE segment = ?
                """).execute(arguments: [d.snapshot, body, time.milliseconds, time.milliseconds, d.segment])
        }
    }

    /// Pending deliveries due at `now`, oldest first.
    public func dueWebhookDeliveries(now: Timestamp, limit: Int = 50) throws(SegmentaError) -> [WebhookDelivery] {
        try read { db in
            try Row.fetchAll(db, sql: Self.deliverySelect + " WHERE d.status = 'pending' AND d.next_attempt_at <= ? ORDER BY d.next_attempt_at, d.id LIMIT ?",
                             arguments: [now.milliseconds, limit]).map(Self.delivery)
        }
    }

    /// The delivery log of a segment's webhooks, newest first.
    public func webhookDeliveries(segment: String, limit: Int = 100) throws(SegmentaError) -> [WebhookDelivery] {
        try read { db in
            try Row.fetchAll(db, sql: Self.deliverySelect + " WHERE w.segment = ? ORDER BY d.id DESC LIMIT ?", arguments: [segment, limit]).map(Self.delivery)
        }
    }

    /// Records one delivery attempt: delivered, retried at `retryAt`, or (without `retryAt`) given up.
    public func recordDeliveryAttempt(id: Int64, delivered: Bool, responseStatus: Int?, error: String?, retryAt: Timestamp?) throws(SegmentaError) {
        let now = clock.now.milliseconds
        try write { db in
            let status = delivered ? "delivered" : (retryAt == nil ? "failed" : "pending")
            // An erased person's id stays in the departure that tells the receiver only until that
            // delivery ends (delivered or given up).
            try db.execute(sql: """
                UPDATE webhook_deliveries SET status = ?1, attempts = attempts + 1, response_status = ?2, last_error = ?3,
                  next_attempt_at = coalesce(?4, next_attempt_at), delivered_at = CASE WHEN ?5 THEN ?6 END,
                  body = CASE WHEN ?1 != 'pending' AND json_extract(body, '$.reason') = 'erased' THEN json_set(body, '$.exited', json('[]')) ELSE body END
                WHERE id = ?7
                """, arguments: [status, responseStatus, error, retryAt?.milliseconds, delivered, now, id])
        }
    }

    private static let deliverySelect = """
        SELECT d.id, d.webhook_id, w.url, w.secret, d.snapshot_id, d.page, d.body, d.status, d.attempts, d.next_attempt_at,
               d.response_status, d.last_error, d.created_at, d.delivered_at
        FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
        """

    private static func delivery(_ r: Row) -> WebhookDelivery {
        WebhookDelivery(id: r[0], webhookID: r[1], url: r[2], secret: r[3], snapshotID: r[4], page: r[5], body: r[6],
                        status: WebhookDelivery.Status(rawValue: r[7]) ?? .failed, attempts: r[8], nextAttemptAt: Timestamp(milliseconds: r[9]),
                        responseStatus: r[10], lastError: r[11], createdAt: Timestamp(milliseconds: r[12]),
                        deliveredAt: (r[13] as Int64?).map(Timestamp.init(milliseconds:)))
    }
}
