public import SegmentaCore

/// A stored segment: its current definition and state.
public struct SegmentInfo: Sendable, Equatable {
    /// Dynamic (a condition, refreshed) or static (a list of ids).
    public enum Kind: String, Sendable { case dynamic, `static` }
    /// The segment's name.
    public var name: String
    /// Dynamic or static.
    public var kind: Kind
    /// The current definition's version (1, 2, …).
    public var version: Int
    /// The current definition, parsed once where it is read (a static segment's has no condition).
    public var definition: SegmentDefinition
    /// The current definition document, as stored (what the API and `--format json` show).
    public var document: JSONValue
    /// When the segment was created.
    public var createdAt: Timestamp
    /// When its definition last changed.
    public var updatedAt: Timestamp
    /// When it was last refreshed (nil: never).
    public var lastRefreshAt: Timestamp?
    /// Why the last refresh failed (nil when it succeeded).
    public var lastError: String?
    /// Size at the last snapshot (nil before the first refresh).
    public var size: Int?
}

extension SegmentInfo {
    /// A stored segment read back: its document is parsed here, once (``SegmentRules/stored(_:name:)``).
    init(name: String, kind: Kind, version: Int, document: JSONValue, createdAt: Timestamp, updatedAt: Timestamp,
         lastRefreshAt: Timestamp?, lastError: String?, size: Int?) throws(SegmentaError) {
        self.init(name: name, kind: kind, version: version, definition: try SegmentRules.stored(document, name: name), document: document,
                  createdAt: createdAt, updatedAt: updatedAt, lastRefreshAt: lastRefreshAt, lastError: lastError, size: size)
    }
}

/// One refresh of a segment.
public struct SegmentSnapshot: Sendable, Equatable {
    /// The snapshot's id.
    public var id: Int64
    /// The definition version it was computed with.
    public var version: Int
    /// The time membership was evaluated at.
    public var asOf: Timestamp
    /// Members at that time.
    public var size: Int
    /// Members who were not in the previous snapshot.
    public var entered: Int
    /// Members of the previous snapshot who are not in this one.
    public var exited: Int
    /// Members of the previous snapshot merged into another profile since (an alias).
    public var merged: Int = 0
    /// Members of the previous snapshot deleted through the privacy API since.
    public var erased: Int = 0
}

/// What a refresh did.
public struct RefreshResult: Sendable, Equatable {
    /// The segment refreshed.
    public var segment: String
    /// The snapshot stored (or, for a backtest, compared with).
    public var snapshot: SegmentSnapshot
    /// Who entered and who left, in customer order.
    public var entered: [String]
    /// Who left, in customer order.
    public var exited: [String]
    /// How long the refresh took.
    public var seconds: Double
    /// True for a backtest: `asOf` was before the segment's latest snapshot, so the result was
    /// compared with the snapshot at or before `asOf` and **not stored** (the current membership,
    /// history and webhooks are untouched; `snapshot.id` is that earlier snapshot's, or 0).
    public var backtest = false
    /// Event conditions evaluated where the events are kept (ClickHouse), and how long that took
    /// (part of ``seconds``); 0 when the store keeps its events.
    public var eventConditionsElsewhere = 0, eventConditionsSeconds = 0.0
}

/// A stored definition version.
public struct SegmentVersion: Sendable, Equatable {
    /// The version number.
    public var version: Int
    /// That version's definition, parsed once where it is read.
    public var definition: SegmentDefinition
    /// That version's definition document, as stored.
    public var document: JSONValue
    /// When that version was saved.
    public var createdAt: Timestamp

    /// A stored version read back: its document is parsed here, once.
    init(_ version: Int, document: JSONValue, of name: String, createdAt: Timestamp) throws(SegmentaError) {
        self.version = version
        self.definition = try SegmentRules.stored(document, name: name)
        self.document = document
        self.createdAt = createdAt
    }
}

/// A significant change of a segment found at a refresh (``DriftDetector``): kept, listed by the
/// API and the dashboard, and sent to the segment's webhooks.
public struct SegmentAlert: Sendable, Equatable {
    /// The alert's id.
    public var id: Int64
    /// The segment that changed.
    public var segment: String
    /// The snapshot (refresh) that showed the change.
    public var snapshot: Int64
    /// `size` or `mix`.
    public var kind: String
    /// The trait whose mix moved (nil for size).
    public var trait: String?
    /// What changed, in words.
    public var message: String
    /// The numbers behind it (``DriftDetector/Finding/details``).
    public var details: JSONValue
    /// When it was raised.
    public var createdAt: Timestamp

    /// An alert as stored.
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
