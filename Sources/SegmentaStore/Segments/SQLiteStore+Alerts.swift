public import SegmentaCore
import GRDB

extension SQLiteStore {
    /// ``SegmentStore/recordAlerts`` on SQLite.
    public func recordAlerts(_ findings: [DriftDetector.Finding], segment: String, snapshot: SegmentSnapshot) throws(SegmentaError) -> [SegmentAlert] {
        guard !findings.isEmpty else { return [] }
        return try write { db in
            let now = clock.now
            var stored: [SegmentAlert] = []
            for f in findings {
                try db.execute(sql: "INSERT INTO segment_alerts (segment, snapshot_id, kind, trait, message, details, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                               arguments: [segment, snapshot.id, f.kind.rawValue, f.trait, f.message, f.details.jsonText, now.milliseconds])
                stored.append(SegmentAlert(id: db.lastInsertedRowID, segment: segment, snapshot: snapshot.id, kind: f.kind.rawValue, trait: f.trait,
                                           message: f.message, details: f.details, createdAt: now))
            }
            let body = WebhookPages.alertBody(stored, snapshot: snapshot, segment: segment)
            for hook in try Int64.fetchAll(db, sql: "SELECT id FROM webhooks WHERE segment = ? ORDER BY id", arguments: [segment]) {
                // Page 0: an alert, beside the snapshot's membership pages (1…n).
                try db.execute(sql: """
                    INSERT INTO webhook_deliveries (webhook_id, snapshot_id, page, body, status, next_attempt_at, created_at)
                    VALUES (?, ?, 0, ?, 'pending', ?, ?)
                    """, arguments: [hook, snapshot.id, body, now.milliseconds, now.milliseconds])
            }
            return stored
        }
    }

}
