public import SegmentaCore

/// Webhooks and their delivery log, written once for every SQL backend (``SQLExecutor``). What a
/// refresh queues is written in the refresh's own transaction by each backend.
extension WebhookStore where Self: SQLExecutor {
    /// Subscribes `url` to a segment's changes.
    public func createWebhook(segment: String, url: String, secret: String) async throws(SegmentaError) -> Webhook {
        let now = clock.now
        return try await transaction { s throws(SegmentaError) in
            guard try await !s.rows("SELECT 1 FROM segments WHERE name = \(segment)").isEmpty else {
                throw SegmentaError(.notFound, "no segment named \"\(segment)\"")
            }
            let inserted = try await s.rows("INSERT INTO webhooks (segment, url, secret, created_at) VALUES (\(segment), \(url), \(secret), \(now.milliseconds)) RETURNING id")
            guard let row = inserted.first else { throw SegmentaError(.storage, "the webhook was not stored") }
            return Webhook(id: try row.integer(0), segment: segment, url: url, secret: secret, createdAt: now)
        }
    }

    /// A segment's webhooks.
    public func webhooks(of segment: String) async throws(SegmentaError) -> [Webhook] {
        try await rows("SELECT id, segment, url, secret, created_at FROM webhooks WHERE segment = \(segment) ORDER BY id").map { r throws(SegmentaError) in
            Webhook(id: try r.integer(0), segment: try r.text(1), url: try r.text(2), secret: try r.text(3), createdAt: Timestamp(milliseconds: try r.integer(4)))
        }
    }

    /// Removes a webhook (and its delivery log).
    public func deleteWebhook(id: Int64, segment: String) async throws(SegmentaError) {
        try await transaction { s throws(SegmentaError) in
            guard try await s.rows("DELETE FROM webhooks WHERE id = \(id) AND segment = \(segment) RETURNING 1").isEmpty else { return }
            throw SegmentaError(.notFound, "segment \"\(segment)\" has no webhook \(id)")
        }
    }

    /// Pending deliveries due at `now`, oldest first.
    public func dueWebhookDeliveries(now: Timestamp, limit: Int) async throws(SegmentaError) -> [WebhookDelivery] {
        try await rows("\(literal: Self.deliveries) WHERE d.status = 'pending' AND d.next_attempt_at <= \(now.milliseconds) ORDER BY d.next_attempt_at, d.id LIMIT \(limit)")
            .map(Self.delivery)
    }

    /// The delivery log of a segment's webhooks, newest first.
    public func webhookDeliveries(segment: String, limit: Int) async throws(SegmentaError) -> [WebhookDelivery] {
        try await rows("\(literal: Self.deliveries) WHERE w.segment = \(segment) ORDER BY d.id DESC LIMIT \(limit)").map(Self.delivery)
    }

    /// Records one delivery attempt: delivered, retried at `retryAt`, or (without `retryAt`) given up.
    /// An erased person's id stays in the departure that tells the receiver only until that
    /// delivery ends (delivered or given up).
    public func recordDeliveryAttempt(id: Int64, delivered: Bool, responseStatus: Int?, error: String?, retryAt: Timestamp?) async throws(SegmentaError) {
        let now = clock.now.milliseconds
        let status = delivered ? "delivered" : (retryAt == nil ? "failed" : "pending")
        let erased: StaticString = dialect == .sqlite ? "json_extract(body, '$.reason') = 'erased'" : "body::jsonb ->> 'reason' = 'erased'"
        let scrubbed: StaticString = dialect == .sqlite ? "json_set(body, '$.exited', json('[]'))" : "jsonb_set(body::jsonb, '{exited}', '[]'::jsonb)::text"
        try await execute("""
            UPDATE webhook_deliveries SET status = \(status), attempts = attempts + 1, response_status = \(responseStatus), last_error = \(error),
              next_attempt_at = COALESCE(\(retryAt?.milliseconds), next_attempt_at), delivered_at = CASE WHEN \(delivered ? 1 : 0) = 1 THEN \(now) END,
              body = CASE WHEN \(status) <> 'pending' AND \(literal: erased) THEN \(literal: scrubbed) ELSE body END
            WHERE id = \(id)
            """)
    }

    /// The deliveries with their webhook's address and secret, the columns ``delivery(_:)`` reads.
    static var deliveries: StaticString {
        """
        SELECT d.id, d.webhook_id, w.url, w.secret, d.snapshot_id, d.page, d.body, d.status, d.attempts, d.next_attempt_at,
               d.response_status, d.last_error, d.created_at, d.delivered_at
        FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
        """
    }

    /// A delivery from its row (the columns of ``deliveries``).
    static func delivery(_ r: SQLRow) throws(SegmentaError) -> WebhookDelivery {
        WebhookDelivery(id: try r.integer(0), webhookID: try r.integer(1), url: try r.text(2), secret: try r.text(3), snapshotID: try r.integer(4),
                        page: Int(try r.integer(5)), body: try r.text(6), status: WebhookDelivery.Status(rawValue: try r.text(7)) ?? .failed,
                        attempts: Int(try r.integer(8)), nextAttemptAt: Timestamp(milliseconds: try r.integer(9)),
                        responseStatus: try r.optionalInteger(10).map { Int($0) }, lastError: try r.optionalText(11),
                        createdAt: Timestamp(milliseconds: try r.integer(12)), deliveredAt: try r.optionalInteger(13).map(Timestamp.init(milliseconds:)))
    }
}
