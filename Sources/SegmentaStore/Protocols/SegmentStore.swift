public import SegmentaCore

/// Segments, their refreshes (snapshots) and members.
public protocol SegmentStore: Sendable {
    /// Creates a segment from its JSON definition (validated: closed node set, references, known computed traits).
    func createSegment(_ document: JSONValue, allowUnknownComputed: Bool) async throws(SegmentaError) -> SegmentInfo
    /// Every segment, by name.
    func segments() async throws(SegmentaError) -> [SegmentInfo]
    /// One segment, nil when unknown.
    func segment(named name: String) async throws(SegmentaError) -> SegmentInfo?
    /// Members of a segment at its latest snapshot (or a given one).
    func members(of name: String, snapshot: Int64?) async throws(SegmentaError) -> [String]
    /// Ids of the profiles a condition matches as of a time, in customer order (nothing stored).
    func matchingProfiles(_ condition: Condition, asOf: Timestamp) async throws(SegmentaError) -> [String]
    /// Evaluates a segment as of a time and stores a snapshot with entries and exits (with its
    /// webhook deliveries), or, as of a time before its latest snapshot, a backtest stored nowhere.
    func refresh(_ name: String, asOf: Timestamp, webhookPageSize: Int) async throws(SegmentaError) -> RefreshResult
}
