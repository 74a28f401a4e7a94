public import SegmentaCore

/// API keys (only their hashes are stored).
public protocol AccessStore: Sendable {
    /// Stores a new key under the hash of its token.
    func insertKey(_ key: APIKey, hash: String) async throws(SegmentaError)
    /// Every key, revoked ones included.
    func keys() async throws(SegmentaError) -> [APIKey]
    /// The unrevoked key with this token hash, nil when none.
    func activeKey(hash: String) async throws(SegmentaError) -> APIKey?
    /// A key by id, nil when unknown.
    func key(id: String) async throws(SegmentaError) -> APIKey?
    /// Revokes a key: from now on it authenticates nothing.
    func revokeKey(id: String) async throws(SegmentaError)
    /// Stores a dashboard sign-in session (kept in the store, so that a restart or another
    /// instance keeps the person signed in); expired sessions are removed on the way.
    func createSession(_ session: DashboardSession, now: Timestamp) async throws(SegmentaError)
    /// The unexpired session with this id, nil when none.
    func session(id: String, now: Timestamp) async throws(SegmentaError) -> DashboardSession?
    /// Ends a session.
    func deleteSession(id: String) async throws(SegmentaError)
}

/// A dashboard sign-in: a random id (the cookie) for a read or admin key, with its CSRF token.
public struct DashboardSession: Sendable, Equatable {
    /// The session id (the cookie's value; only its hash is stored).
    public var id: String
    /// The API key the person signed in with.
    public var keyID: String
    /// That key's kind: read or admin.
    public var kind: APIKey.Kind
    /// Echoed by every form (hidden field) and by the builder's requests (`X-CSRF-Token`).
    public var csrf: String
    /// When the session ends.
    public var expires: Timestamp

    /// A session.
    public init(id: String, keyID: String, kind: APIKey.Kind, csrf: String, expires: Timestamp) {
        self.id = id
        self.keyID = keyID
        self.kind = kind
        self.csrf = csrf
        self.expires = expires
    }
}
