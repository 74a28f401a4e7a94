public import SegmentaCore

/// The storage boundary: what the analytics, the CLI and (later) the server need from a backend.
///
/// The SQLite backend (``SQLiteStore``) is the embedded default; other backends (PostgreSQL, an
/// analytical engine) implement the same protocol and pass the same contract tests.
public protocol Store: Sendable {
    /// Adds orders; profiles are created for unknown customers. All or nothing.
    func importOrders(_ orders: [Order], source: String) throws(SegmentaError) -> OrderImportResult
    /// Merges traits into profiles (creating them). All or nothing.
    func importProfiles(_ rows: [ProfileFileReader.Row], at time: Timestamp) throws(SegmentaError) -> ProfileImportResult
    /// Applies Segment-spec messages: events, identities, traits, groups, orders. All or nothing.
    func apply(_ messages: [Message], source: String, arrival: Timestamp) throws(SegmentaError) -> MessageImportResult
    /// Per-customer order totals, for orders before `cutoff`, in customer order.
    func customerTotals(before cutoff: Timestamp?, refunds: RefundPolicy) throws(SegmentaError) -> CustomerTotals
    /// All orders before `cutoff`.
    func orders(before cutoff: Timestamp?) throws(SegmentaError) -> [Order]
    /// Every profile id.
    func profileIDs() throws(SegmentaError) -> [String]
    /// Activity for cohorts: orders, all events, or one event name.
    func activity(_ source: ActivitySource) throws(SegmentaError) -> [CohortRetention.Activity]
    /// Each profile's value of a trait (dotted path), as text; profiles without it are absent.
    func traitValues(_ path: String) throws(SegmentaError) -> [String: String]
    /// Replaces the computed traits named in `rows.names` with new values, for every profile.
    func replaceComputedTraits(_ rows: ComputedTraitRows, computedAt: Timestamp) throws(SegmentaError)
    /// Records that an analysis ran, with its parameters, summary and per-profile values.
    func recordAnalysis(kind: String, asOf: Timestamp, parameters: JSONValue, summary: JSONValue, values: [(profile: String, value: String)], at time: Timestamp) throws(SegmentaError)
    /// Row counts of the main tables.
    func counts() throws(SegmentaError) -> StoreCounts
}

/// What counts as activity in cohort retention.
public enum ActivitySource: Sendable, Equatable {
    /// Orders.
    case orders
    /// Any track, page or screen event.
    case events
    /// Track events of one name.
    case event(String)

    /// Parses `orders`, `events`, or an event name.
    public init(_ text: String) {
        switch text {
        case "orders": self = .orders
        case "events": self = .events
        default: self = .event(text)
        }
    }
}

/// Row counts of the main tables.
public struct StoreCounts: Sendable, Equatable, Codable {
    public var profiles: Int
    public var events: Int
    public var orders: Int
    public var accounts: Int
}

/// What an orders import did.
public struct OrderImportResult: Sendable, Equatable {
    /// Orders added.
    public var inserted = 0
    /// Orders already stored (same order id), left as they were.
    public var duplicates = 0
    /// Profiles created for customers seen for the first time.
    public var profilesCreated = 0
    public init() {}
}

/// What a profiles import did.
public struct ProfileImportResult: Sendable, Equatable {
    public var created = 0
    public var updated = 0
    public init() {}
}

/// What applying messages did.
public struct MessageImportResult: Sendable, Equatable {
    /// Messages stored.
    public var accepted = 0
    /// Messages already stored (same source and messageId), ignored.
    public var duplicates = 0
    /// Per type, messages stored.
    public var byKind: [Message.Kind: Int] = [:]
    /// Profiles created.
    public var profilesCreated = 0
    /// Profiles merged into others (alias, identify with both ids).
    public var profilesMerged = 0
    /// Orders created from `Order Completed` events.
    public var ordersCreated = 0
    /// Messages dropped because one of their ids belongs to a person deleted (or suppressed) by a
    /// privacy request after the message arrived: a queued message never brings a deleted person back.
    public var erased = 0
    /// `identify` messages that would have merged two identified profiles (two user ids) and did
    /// not: the anonymous id moved to the newest user instead.
    public var mergesRefused = 0
    public init() {}
}
