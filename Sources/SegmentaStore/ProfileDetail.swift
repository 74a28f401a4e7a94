public import SegmentaCore

/// One person as the API and the profile page show them: a backend reads the rows, and the answer
/// is written from this type in one place (``json``), whatever the backend.
public struct ProfileDetail: Sendable, Equatable {
    /// An id the person is known by.
    public struct Identity: Sendable, Equatable {
        /// The id as sent (a user id or an anonymous id).
        public var id: String
        /// `user_id` or `anonymous_id`.
        public var kind: String
    }

    /// An account (group) the person belongs to.
    public struct Account: Sendable, Equatable {
        /// The account's id.
        public var id: String
        /// Its traits.
        public var traits: JSONValue
    }

    /// A segment the person is in now, and since when.
    public struct Membership: Sendable, Equatable {
        /// The segment.
        public var segment: String
        /// The time the refresh that added them was evaluated at (their stay's start).
        public var since: Timestamp
    }

    /// What the person sent, counted by message type and by track event name.
    public struct EventCounts: Sendable, Equatable {
        /// Messages by type (`track`, `page`, `identify`, …).
        public var byType: [String: Int] = [:]
        /// Track events by name.
        public var byEvent: [String: Int] = [:]
        /// Messages dated more than a day after their arrival, by type (``FutureDated``).
        public var futureDatedByType: [String: Int] = [:]
        /// Every message counted.
        public var total: Int { byType.values.reduce(0, &+) }
        /// Every future-dated message.
        public var futureDated: Int { futureDatedByType.values.reduce(0, &+) }

        /// No message yet.
        public init() {}

        /// Counts `n` messages of `type` (and of the event `name` when a track).
        public mutating func add(type: String, name: String?, count n: Int) {
            byType[type, default: 0] &+= n
            if type == "track", let name { byEvent[name, default: 0] &+= n }
        }
    }

    /// The profile's id.
    public var id: String
    /// Its traits.
    public var traits: JSONValue
    /// Its computed traits, by name.
    public var computedTraits: [String: JSONValue]
    /// The segments it is in now, by name.
    public var memberships: [Membership]
    /// The ids it is known by (user ids first).
    public var identities: [Identity]
    /// The accounts it belongs to, by id.
    public var accounts: [Account]
    /// First and last message time; when the profile was created.
    public var firstSeen: Timestamp?, lastSeen: Timestamp?, createdAt: Timestamp?
    /// Its messages counted.
    public var eventCounts = EventCounts()
    /// Its orders and their total.
    public var orderCount = 0, revenue = 0.0

    /// A profile as read from its row; the rest is filled by the backend.
    public init(id: String, traits: JSONValue, computedTraits: [String: JSONValue], memberships: [Membership], identities: [Identity], accounts: [Account],
                firstSeen: Timestamp?, lastSeen: Timestamp?, createdAt: Timestamp?) {
        self.id = id
        self.traits = traits
        self.computedTraits = computedTraits
        self.memberships = memberships
        self.identities = identities
        self.accounts = accounts
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.createdAt = createdAt
    }

    /// The segments it is in now, by name.
    public var segments: [String] { memberships.map(\.segment) }

    /// Every id of the person: the profile's own, then its identities (each once).
    public var ids: [String] {
        var out = [id]
        for i in identities where !out.contains(i.id) { out.append(i.id) }
        return out
    }

    /// The API's answer (`GET /api/v1/profiles/{id}`).
    public var json: JSONValue {
        func time(_ t: Timestamp?) -> JSONValue { t.map { .string($0.iso8601) } ?? .null }
        func counts(_ d: [String: Int]) -> JSONValue { .object(d.mapValues { .number(Double($0)) }) }
        return .object([
            "id": .string(id), "traits": traits, "computed_traits": .object(computedTraits),
            "segments": .array(segments.map(JSONValue.string)),
            "memberships": .array(memberships.map { .object(["segment": .string($0.segment), "since": .string($0.since.iso8601)]) }),
            "identities": .array(identities.map { .object(["id": .string($0.id), "kind": .string($0.kind)]) }),
            "accounts": .array(accounts.map { .object(["id": .string($0.id), "traits": $0.traits]) }),
            "first_seen": time(firstSeen), "last_seen": time(lastSeen), "created_at": time(createdAt),
            "event_counts": .object(["total": .number(Double(eventCounts.total)), "by_type": counts(eventCounts.byType), "by_event": counts(eventCounts.byEvent),
                                     "future_dated": .number(Double(eventCounts.futureDated)), "future_dated_by_type": counts(eventCounts.futureDatedByType)]),
            "orders": .object(["count": .number(Double(orderCount)), "revenue": .number(revenue)]),
        ])
    }
}
