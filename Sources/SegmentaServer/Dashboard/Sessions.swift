import Foundation
public import SegmentaCore
public import SegmentaStore

/// Dashboard sign-in sessions: a read or admin key exchanged for a random session id with its own
/// CSRF token, kept in the store (only the id's hash): a restart, or another instance on the same
/// database, keeps the person signed in. Sessions last 12 hours and end at once when their key is
/// revoked (checked on every request).
public struct Sessions: Sendable {
    /// A signed-in session.
    public typealias Session = DashboardSession
    let store: any AccessStore
    let clock: any WallClock
    /// The cookie that holds the session id.
    public static let cookie = "segmenta_session"
    static let lifetime: TimeInterval = 12 * 3600

    /// Sessions kept in `store`, timed by `clock`.
    public init(store: any AccessStore, clock: any WallClock = SystemClock()) {
        self.store = store
        self.clock = clock
    }

    /// A new session for `key`; returns its id (the cookie value).
    public func create(for key: APIKey) async throws(SegmentaError) -> String {
        let id = Self.random()
        let now = clock.now
        try await store.createSession(DashboardSession(id: id, keyID: key.id, kind: key.kind, csrf: Self.random(),
                                                       expires: Timestamp(milliseconds: now.milliseconds &+ Int64(Self.lifetime * 1000))), now: now)
        return id
    }

    /// The unexpired session with this id.
    public func session(_ id: String) async throws(SegmentaError) -> Session? {
        try await store.session(id: id, now: clock.now)
    }

    /// Signs out.
    public func end(_ id: String) async throws(SegmentaError) { try await store.deleteSession(id: id) }

    static func random() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<24).map { _ in String(format2: UInt8.random(in: 0...255, using: &g)) }.joined()
    }
}
