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

/// A significant change of a segment found at a refresh (``DriftDetector``): kept, listed by the
/// API and the dashboard, and sent to the segment's webhooks.
public struct SegmentAlert: Sendable, Equatable {
    public var id: Int64
    public var segment: String
    /// The snapshot (refresh) that showed the change.
    public var snapshot: Int64
    /// `size` or `mix`.
    public var kind: String
    /// The trait whose mix moved (nil for size).
    public var trait: String?
    /// What changed, in words.
    public var message: String
    public var details: JSONValue
    public var createdAt: Timestamp

    public init(id: Int64, segment: String, snapshot: Int64, kind: String, trait: String?, message: String, details: JSONValue, createdAt: Timestamp) {
        self.id = id
        self.segment = segment
        self.snapshot = snapshot
        self.kind = kind
        self.trait = trait
        self.message = message
        self.details = details
        self.createdAt = createdAt
    }

    /// As the API and webhooks send it.
    public var json: JSONValue {
        .object(["id": .number(Double(id)), "segment": .string(segment), "snapshot": .number(Double(snapshot)), "kind": .string(kind),
                 "trait": trait.map(JSONValue.string) ?? .null, "message": .string(message), "details": details, "created_at": .string(createdAt.iso8601)])
    }
}
