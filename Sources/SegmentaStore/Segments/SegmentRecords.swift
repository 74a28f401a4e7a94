public import SegmentaCore

/// A stored segment: its current definition and state.
public struct SegmentInfo: Sendable, Equatable {
    public enum Kind: String, Sendable { case dynamic, `static` }
    public var name: String
    public var kind: Kind
    public var version: Int
    /// The current definition document, as stored.
    public var definition: JSONValue
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    public var lastRefreshAt: Timestamp?
    public var lastError: String?
    /// Size at the last snapshot (nil before the first refresh).
    public var size: Int?
}

/// One refresh of a segment.
public struct SegmentSnapshot: Sendable, Equatable {
    public var id: Int64
    public var version: Int
    public var asOf: Timestamp
    public var size: Int
    public var entered: Int
    public var exited: Int
}

/// What a refresh did.
public struct RefreshResult: Sendable, Equatable {
    public var segment: String
    public var snapshot: SegmentSnapshot
    /// Who entered and who left, in customer order.
    public var entered: [String]
    public var exited: [String]
    public var seconds: Double
    /// True for a backtest: `asOf` was before the segment's latest snapshot, so the result was
    /// compared with the snapshot at or before `asOf` and **not stored** (the current membership,
    /// history and webhooks are untouched; `snapshot.id` is that earlier snapshot's, or 0).
    public var backtest = false
}

/// A stored definition version.
public struct SegmentVersion: Sendable, Equatable {
    public var version: Int
    public var definition: JSONValue
    public var createdAt: Timestamp
}
