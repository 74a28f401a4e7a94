public import SegmentaCore

/// Segments, their refreshes (snapshots) and members.
public protocol SegmentStore: Sendable {
    /// Creates a segment from its JSON definition (validated: closed node set, references, known computed traits).
    func createSegment(_ document: JSONValue, allowUnknownComputed: Bool) async throws(SegmentaError) -> SegmentInfo
    /// Saves a new version of a segment's definition.
    func updateSegment(_ document: JSONValue, allowUnknownComputed: Bool) async throws(SegmentaError) -> SegmentInfo
    /// Deletes a segment with its versions, snapshots and webhooks.
    func deleteSegment(_ name: String) async throws(SegmentaError)
    /// Every version of a segment's definition, oldest first.
    func versions(of name: String) async throws(SegmentaError) -> [SegmentVersion]
    /// A segment's snapshots, oldest first.
    func history(of name: String) async throws(SegmentaError) -> [SegmentSnapshot]
    /// Current members after `after` (by id), `limit` at a time, with the values of `traits`; consent-denied left out unless asked.
    func exportableMembers(of segment: String, after: String?, limit: Int, traits: [String], includeNoConsent: Bool) async throws(SegmentaError) -> [(id: String, values: [JSONValue])]
    /// How many profiles a condition matches as of a time (nothing stored).
    func previewSize(_ condition: Condition, asOf: Timestamp) async throws(SegmentaError) -> Int
    /// A page of current members whose id or one of `traits` starts with `prefix`, with traits and computed traits.
    func memberPage(of segment: String, prefix: String, matching traits: [String], offset: Int, limit: Int) async throws(SegmentaError) -> (total: Int, rows: [(id: String, traits: JSONValue, computed: [String: JSONValue])])
    /// How current members split over the values of a computed trait.
    func memberMix(of segment: String, computed name: String) async throws(SegmentaError) -> [(value: String, count: Int)]
    /// Every segment, by name.
    func segments() async throws(SegmentaError) -> [SegmentInfo]
    /// One segment, nil when unknown.
    func segment(named name: String) async throws(SegmentaError) -> SegmentInfo?
    /// Members of a segment at its latest snapshot (or a given one).
    func members(of name: String, snapshot: Int64?) async throws(SegmentaError) -> [String]
    /// Ids of the profiles a condition matches as of a time, in customer order (nothing stored).
    func matchingProfiles(_ condition: Condition, asOf: Timestamp) async throws(SegmentaError) -> [String]
    /// Each current member's value of a trait (a dotted path) or, with `computed`, of a computed
    /// trait, as text — as ``ProfileStore/traitValues(_:)`` and
    /// ``AnalysisStore/computedTraitValues(_:)`` give them; members without one are absent.
    func memberValues(of segment: String, trait name: String, computed: Bool) async throws(SegmentaError) -> [String: String]
    /// Creates a static segment from a list of known profile ids (its one snapshot is now).
    func importStatic(_ name: String, ids: [String], description: String) async throws(SegmentaError) -> RefreshResult
    /// Evaluates a segment as of a time and stores a snapshot with entries and exits (with its
    /// webhook deliveries), or, as of a time before its latest snapshot, a backtest stored nowhere.
    func refresh(_ name: String, asOf: Timestamp, webhookPageSize: Int) async throws(SegmentaError) -> RefreshResult
    /// Keeps the drift alerts a snapshot raised and queues one `alert` delivery to each of the
    /// segment's webhooks, in one transaction; returns them as stored.
    func recordAlerts(_ findings: [DriftDetector.Finding], segment: String, snapshot: SegmentSnapshot) async throws(SegmentaError) -> [SegmentAlert]
    /// Alerts, newest first: of one segment, or of all.
    func alerts(segment: String?, limit: Int) async throws(SegmentaError) -> [SegmentAlert]
}
