public import SegmentaCore
import GRDB

/// Dashboard sessions in the store: only the hash of a session id is kept (like API keys).
extension SQLiteStore {
    /// ``AccessStore/createSession`` on SQLite.
    public func createSession(_ session: DashboardSession, now: Timestamp) throws(SegmentaError) {
        try write { db in
            try db.execute(sql: "DELETE FROM dashboard_sessions WHERE expires_at <= ?", arguments: [now.milliseconds])
            try db.execute(sql: "INSERT INTO dashboard_sessions (id_hash, key_id, kind, csrf, expires_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [IDHash.hex(session.id), session.keyID, session.kind.rawValue, session.csrf, session.expires.milliseconds])
        }
    }

    /// ``AccessStore/session`` on SQLite.
    public func session(id: String, now: Timestamp) throws(SegmentaError) -> DashboardSession? {
        try read { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT key_id, kind, csrf, expires_at FROM dashboard_sessions WHERE id_hash = ? AND expires_at > ?"),
                                             arguments: [IDHash.hex(id), now.milliseconds]) else { return nil }
            return DashboardSession(id: id, keyID: row[0], kind: APIKey.Kind(rawValue: row[1]) ?? .read, csrf: row[2], expires: Timestamp(milliseconds: row[3]))
        }
    }

    /// ``AccessStore/deleteSession`` on SQLite.
    public func deleteSession(id: String) throws(SegmentaError) {
        try write { db in try db.execute(sql: "DELETE FROM dashboard_sessions WHERE id_hash = ?", arguments: [IDHash.hex(id)]) }
    }
}
