import Foundation
public import SegmentaStore

/// Dashboard sign-in sessions: a read or admin key exchanged for a random session id (kept in
/// memory; a restart signs everyone out) with its own CSRF token. Sessions last 12 hours and end
/// at once when their key is revoked (checked on every request).
public actor Sessions {
    public struct Session: Sendable {
        public var keyID: String
        public var kind: APIKey.Kind
        /// Echoed by every form (hidden field) and by the builder's requests (`X-CSRF-Token`).
        public var csrf: String
        var expires: Date
    }

    private var sessions: [String: Session] = [:]
    public static let cookie = "segmenta_session"
    static let lifetime: TimeInterval = 12 * 3600

    public init() {}

    /// A new session for `key`; returns its id (the cookie value).
    public func create(for key: APIKey) -> String {
        sessions = sessions.filter { $0.value.expires > Date() }
        let id = Self.random()
        sessions[id] = Session(keyID: key.id, kind: key.kind, csrf: Self.random(), expires: Date().addingTimeInterval(Self.lifetime))
        return id
    }

    public func session(_ id: String) -> Session? {
        guard let s = sessions[id], s.expires > Date() else { sessions[id] = nil; return nil }
        return s
    }

    public func end(_ id: String) { sessions[id] = nil }

    static func random() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<24).map { _ in String(format2: UInt8.random(in: 0...255, using: &g)) }.joined()
    }
}
