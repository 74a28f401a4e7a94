public import SegmentaCore
import PostgresNIO

/// Drift alerts on PostgreSQL: the same rows and webhook deliveries as on SQLite.
extension PostgresBackend {
    /// ``SegmentStore/recordAlerts`` on PostgreSQL.
    public func recordAlerts(_ findings: [DriftDetector.Finding], segment: String, snapshot: SegmentSnapshot) async throws(SegmentaError) -> [SegmentAlert] {
        guard !findings.isEmpty else { return [] }
        return try await write { pg in
            let now = clock.now
            var stored: [SegmentAlert] = []
            for f in findings {
                guard let id = try await pg.value("""
                    INSERT INTO segment_alerts (segment, snapshot_id, kind, trait, message, details, created_at)
                    VALUES (\(segment), \(snapshot.id), \(f.kind.rawValue), \(f.trait), \(f.message), \(f.details.jsonText)::jsonb, \(now.milliseconds)) RETURNING id
                    """, as: Int64.self) else { throw SegmentaError(.storage, "the alert was not stored") }
                stored.append(SegmentAlert(id: id, segment: segment, snapshot: snapshot.id, kind: f.kind.rawValue, trait: f.trait,
                                           message: f.message, details: f.details, createdAt: now))
            }
            let body = WebhookPages.alertBody(stored, snapshot: snapshot, segment: segment)
            for hook in try await pg.column("SELECT id FROM webhooks WHERE segment = \(segment) ORDER BY id", as: Int64.self) {
                try await pg.execute("""
                    INSERT INTO webhook_deliveries (webhook_id, snapshot_id, page, body, status, next_attempt_at, created_at)
                    VALUES (\(hook), \(snapshot.id), 0, \(body), 'pending', \(now.milliseconds), \(now.milliseconds))
                    """)
            }
            return stored
        }
    }

}
