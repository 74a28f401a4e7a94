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

    /// Queues a refresh's changes (pages of `pageSize` ids per list, consent denials left out) for
    /// every webhook of its segment, inside the refresh's own transaction: the snapshot and its
    /// deliveries commit together, whoever refreshed (CLI, API, dashboard, scheduler).
    @discardableResult
    static func queueDeliveries(_ db: Database, _ refresh: RefreshResult, pageSize requested: Int, now time: Timestamp) throws -> Int {
        let hooks = try Int64.fetchAll(db, sql: "SELECT id FROM webhooks WHERE segment = ?", arguments: [refresh.segment])
        guard !hooks.isEmpty, !(refresh.entered.isEmpty && refresh.exited.isEmpty) else { return 0 }
        let denied = try Self.consentDenied(db, among: refresh.entered + refresh.exited)
        let bodies = WebhookPages.bodies(refresh, denied: denied, pageSize: requested)
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
            try db.execute(sql: """
                UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, response_status = ?, last_error = ?,
                  next_attempt_at = coalesce(?, next_attempt_at), delivered_at = CASE WHEN ? THEN ? END WHERE id = ?
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
