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
}
