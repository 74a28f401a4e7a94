public import SegmentaCore

/// API keys and dashboard sessions, written once for every SQL backend (``SQLExecutor``): only
/// the hash of a token or of a session id is stored.
extension AccessStore where Self: SQLExecutor {
    /// Stores a new key under the hash of its token.
    public func insertKey(_ key: APIKey, hash: String) async throws(SegmentaError) {
        try await execute(AccessStatements.insertKey(key, hash: hash))
    }

    /// Every key, revoked ones included, oldest first.
    public func keys() async throws(SegmentaError) -> [APIKey] {
        try await rows("SELECT id, kind, name, prefix, created_at, revoked_at, origins FROM api_keys ORDER BY created_at, id").map(Self.apiKey)
    }

    /// The active (not revoked) key whose token hashes to `hash`.
    public func activeKey(hash: String) async throws(SegmentaError) -> APIKey? {
        let found = try await rows("SELECT id, kind, name, prefix, created_at, revoked_at, origins FROM api_keys WHERE hash = \(hash) AND revoked_at IS NULL")
        guard let row = found.first else { return nil }
        return try Self.apiKey(row)
    }

    /// A key by id (nil when unknown), for sessions that must stop when their key is revoked.
    public func key(id: String) async throws(SegmentaError) -> APIKey? {
        guard let row = try await rows("SELECT id, kind, name, prefix, created_at, revoked_at, origins FROM api_keys WHERE id = \(id)").first else { return nil }
        return try Self.apiKey(row)
    }

    /// Revokes a key: its token stops working at once.
    public func revokeKey(id: String) async throws(SegmentaError) {
        let now = clock.now.milliseconds
        try await transaction { s throws(SegmentaError) in
            guard try await s.rows("UPDATE api_keys SET revoked_at = \(now) WHERE id = \(id) AND revoked_at IS NULL RETURNING 1").isEmpty else { return }
            let found = try await s.rows("SELECT 1 FROM api_keys WHERE id = \(id)")
            let exists = !found.isEmpty
            throw SegmentaError(exists ? .conflict : .notFound, exists ? "key \(id) is already revoked" : "no key with id \(id); `segmenta keys list` shows them")
        }
    }

    /// Starts a dashboard session (and forgets the expired ones).
    public func createSession(_ session: DashboardSession, now: Timestamp) async throws(SegmentaError) {
        try await transaction { s throws(SegmentaError) in
            try await s.execute("DELETE FROM dashboard_sessions WHERE expires_at <= \(now.milliseconds)")
            try await s.execute("""
                INSERT INTO dashboard_sessions (id_hash, key_id, kind, csrf, expires_at)
                VALUES (\(IDHash.hex(session.id)), \(session.keyID), \(session.kind.rawValue), \(session.csrf), \(session.expires.milliseconds))
                """)
        }
    }

    /// The session with this id, unless it expired.
    public func session(id: String, now: Timestamp) async throws(SegmentaError) -> DashboardSession? {
        guard let row = try await rows("""
            SELECT key_id, kind, csrf, expires_at FROM dashboard_sessions WHERE id_hash = \(IDHash.hex(id)) AND expires_at > \(now.milliseconds)
            """).first else { return nil }
        return DashboardSession(id: id, keyID: try row.text(0), kind: APIKey.Kind(rawValue: try row.text(1)) ?? .read, csrf: try row.text(2),
                                expires: Timestamp(milliseconds: try row.integer(3)))
    }

    /// Ends a session.
    public func deleteSession(id: String) async throws(SegmentaError) {
        try await execute("DELETE FROM dashboard_sessions WHERE id_hash = \(IDHash.hex(id))")
    }

    /// A key from its row (id, kind, name, prefix, created_at, revoked_at, origins).
    static func apiKey(_ row: SQLRow) throws(SegmentaError) -> APIKey {
        APIKey(id: try row.text(0), kind: APIKey.Kind(rawValue: try row.text(1)) ?? .read, name: try row.text(2), prefix: try row.text(3),
               createdAt: Timestamp(milliseconds: try row.integer(4)), revokedAt: try row.optionalInteger(5).map(Timestamp.init(milliseconds:)),
               origins: APIKey.origins(fromText: try row.optionalText(6)))
    }
}

/// Statements of the access rules that a synchronous caller also runs (``SQLiteStore/insertKey(_:hash:)``).
enum AccessStatements {
    /// Stores a key under the hash of its token.
    static func insertKey(_ key: APIKey, hash: String) -> SQLStatement {
        """
        INSERT INTO api_keys (id, kind, name, hash, prefix, created_at, origins)
        VALUES (\(key.id), \(key.kind.rawValue), \(key.name), \(hash), \(key.prefix), \(key.createdAt.milliseconds), \(key.originsText))
        """
    }
}
