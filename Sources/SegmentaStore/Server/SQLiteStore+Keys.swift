public import SegmentaCore
import GRDB

extension SQLiteStore {
    /// Stores a new key under the hash of its token.
    public func insertKey(_ key: APIKey, hash: String) throws(SegmentaError) {
        try write { db in
            try db.execute(sql: "INSERT INTO api_keys (id, kind, name, hash, prefix, created_at, origins) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [key.id, key.kind.rawValue, key.name, hash, key.prefix, key.createdAt.milliseconds, key.originsText])
        }
    }

    /// The active (not revoked) key whose token hashes to `hash`.
    public func activeKey(hash: String) throws(SegmentaError) -> APIKey? {
        try read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT id, kind, name, prefix, created_at, revoked_at, origins FROM api_keys WHERE hash = ? AND revoked_at IS NULL"),
                             arguments: [hash]).map(Self.key)
        }
    }

    /// Every key, revoked ones included, oldest first.
    public func keys() throws(SegmentaError) -> [APIKey] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, kind, name, prefix, created_at, revoked_at, origins FROM api_keys ORDER BY created_at, id").map(Self.key)
        }
    }

    /// Revokes a key: its token stops working at once.
    public func revokeKey(id: String) throws(SegmentaError) {
        try write { db in
            try db.execute(sql: "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [clock.now.milliseconds, id])
            guard db.changesCount > 0 else {
                let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM api_keys WHERE id = ?", arguments: [id]) == true
                throw SegmentaError(exists ? .conflict : .notFound,
                                    exists ? "key \(id) is already revoked" : "no key with id \(id); `segmenta keys list` shows them")
            }
        }
    }

    private static func key(_ row: Row) -> APIKey {
        APIKey(id: row[0], kind: APIKey.Kind(rawValue: row[1]) ?? .read, name: row[2], prefix: row[3],
               createdAt: Timestamp(milliseconds: row[4]), revokedAt: (row[5] as Int64?).map(Timestamp.init(milliseconds:)),
               origins: APIKey.origins(fromText: row[6]))
    }
}
