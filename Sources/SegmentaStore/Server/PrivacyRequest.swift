public import SegmentaCore

/// A request to delete (and optionally suppress) people, kept as its own record of what was done.
public struct PrivacyRequest: Sendable, Equatable {
    /// Pending, completed or failed.
    public enum Status: String, Sendable { case pending, completed, failed }
    /// The request's id.
    public var id: String
    /// Hex SHA-256 of each user id (or anonymous id) named in the request: the ids themselves are not kept.
    public var subjectHashes: [String]
    /// Whether future messages from these ids are refused at ingestion.
    public var suppress: Bool
    /// Where it stands.
    public var status: Status
    /// What was removed: counts per kind of data.
    public var result: JSONValue
    /// When it was made.
    public var createdAt: Timestamp
    /// When it completed.
    public var completedAt: Timestamp?
}
