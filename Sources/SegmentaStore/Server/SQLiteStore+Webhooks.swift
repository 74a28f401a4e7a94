public import SegmentaCore
import GRDB

/// What a refresh, a merge or an erasure queues for webhooks, in its own transaction on SQLite
/// (the rest of the webhook rules: WebhookStore+SQL).
extension SQLiteStore {
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
}
