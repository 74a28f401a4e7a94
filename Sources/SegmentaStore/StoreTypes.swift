public import SegmentaCore

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
    /// Profiles stored.
    public var profiles: Int
    /// Messages stored (events, and identify, group, alias).
    public var events: Int
    /// Orders stored.
    public var orders: Int
    /// Accounts (groups) stored.
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
    /// Nothing done yet.
    public init() {}
}

/// What a profiles import did.
public struct ProfileImportResult: Sendable, Equatable {
    /// Profiles created.
    public var created = 0
    /// Existing profiles whose traits were merged.
    public var updated = 0
    /// Nothing done yet.
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
    /// Nothing done yet.
    public init() {}

    /// Adds another batch's counts to these.
    public mutating func add(_ other: MessageImportResult) {
        accepted += other.accepted
        duplicates += other.duplicates
        byKind.merge(other.byKind, uniquingKeysWith: +)
        profilesCreated += other.profilesCreated
        profilesMerged += other.profilesMerged
        ordersCreated += other.ordersCreated
        erased += other.erased
        mergesRefused += other.mergesRefused
    }
}
