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

    /// ``SegmentStore/alerts`` on SQLite.
    public func alerts(segment: String?, limit: Int) throws(SegmentaError) -> [SegmentAlert] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, segment, snapshot_id, kind, trait, message, details, created_at FROM segment_alerts
                WHERE ?1 IS NULL OR segment = ?1 ORDER BY id DESC LIMIT ?2
                """, arguments: [segment, max(0, limit)]).map { r in
                SegmentAlert(id: r[0], segment: r[1], snapshot: r[2], kind: r[3], trait: r[4], message: r[5],
                             details: try JSONTextParser.parse(r[6] as String), createdAt: Timestamp(milliseconds: r[7]))
            }
        }
    }
}
