/// One Segment-spec message (identify, track, page, screen, group, alias), validated.
///
/// See `shared/INGESTION.md`: unset fields may arrive as `null`; every message needs a `userId`
/// or an `anonymousId`; `track` needs `event`, `group` needs `groupId`, `alias` needs
/// `previousId` and `userId`; RudderStack puts identify traits in `context.traits`.
public struct Message: Sendable, Equatable {
    /// The message types of the Segment spec.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case identify, track, page, screen, group, alias
    }

    /// The kinds that are events (what behavioural conditions count): the others change who a
    /// person is (identify, alias) or what they belong to (group).
    public static let eventKinds: Set<Kind> = [.track, .page, .screen]

    /// identify, track, page, screen, group or alias.
    public var kind: Kind
    /// The sender's id for deduplication; nil when the sender gave none.
    public var messageID: String?
    /// The sender's id for a known person (`userId`; PostHog's `distinct_id`).
    public var userID: String?
    /// The device or browser id of a visitor not known yet (`anonymousId`).
    public var anonymousID: String?
    /// `track`: the event name; `page`/`screen`: the page name.
    public var event: String?
    /// `track`, `page` and `screen` properties.
    public var properties: [String: JSONValue]
    /// `identify` and `group` traits.
    public var traits: [String: JSONValue]
    /// `group`: the account's id.
    public var groupID: String?
    /// `alias`: the id being merged into `userID`.
    public var previousID: String?
    /// Client time of the event (`timestamp`, the spec's originalTimestamp).
    public var timestamp: Timestamp?
    /// When the SDK sent the batch (`sentAt`), for clock-skew correction.
    public var sentAt: Timestamp?
    /// When a relay received it (`receivedAt`); the server's arrival time when absent.
    public var receivedAt: Timestamp?
    /// The SDK's context object (library, page, device…), kept as sent.
    public var context: [String: JSONValue]

    /// Creates a message.
    public init(kind: Kind, messageID: String? = nil, userID: String? = nil, anonymousID: String? = nil, event: String? = nil,
                properties: [String: JSONValue] = [:], traits: [String: JSONValue] = [:], groupID: String? = nil,
                previousID: String? = nil, timestamp: Timestamp? = nil, sentAt: Timestamp? = nil, receivedAt: Timestamp? = nil,
                context: [String: JSONValue] = [:]) {
        self.kind = kind
        self.messageID = messageID
        self.userID = userID
        self.anonymousID = anonymousID
        self.event = event
        self.properties = properties
        self.traits = traits
        self.groupID = groupID
        self.previousID = previousID
        self.timestamp = timestamp
        self.sentAt = sentAt
        self.receivedAt = receivedAt
        self.context = context
    }

    /// Why a message was refused.
    public struct Invalid: Error, Sendable, Equatable {
        /// A short machine-readable reason (`missing_user_id`, `bad_timestamp`, …), used in metrics.
        public var code: String
        /// A sentence saying what is wrong.
        public var reason: String
    }

    /// Validates and decodes a message object.
    /// - Parameters:
    ///   - object: the decoded JSON object.
    ///   - kind: the type implied by the route (`/v1/track`), used when the body has no `type`.
    public static func decode(_ object: [String: JSONValue], kind implied: Kind? = nil) throws(Invalid) -> Message {
        func text(_ key: String) -> String? {
            guard let v = object[key] else { return nil }
            return v.idString
        }
        func time(_ key: String) throws(Invalid) -> Timestamp? {
            guard let v = object[key], !v.isNull else { return nil }
            guard let s = v.stringValue else { throw Invalid(code: "bad_\(key)", reason: "\(key) must be an ISO-8601 string") }
            do throws(Timestamp.ParseFailure) { return try Timestamp.parse(s) } catch {
                throw Invalid(code: "bad_\(key)", reason: "\(key) \"\(s)\" is not an ISO-8601 timestamp: \(error.reason)")
            }
        }
        let kind: Kind
        if let t = object["type"], !t.isNull {
            guard let s = t.stringValue, let k = Kind(rawValue: s.lowercased()) else {
                throw Invalid(code: "bad_type", reason: "type must be one of identify, track, page, screen, group, alias")
            }
            kind = k
        } else if let implied {
            kind = implied
        } else {
            throw Invalid(code: "missing_type", reason: "type is missing; expected identify, track, page, screen, group or alias")
        }
        let context = object["context"]?.objectValue ?? [:]
        var clientTime = try time("timestamp")
        if clientTime == nil { clientTime = try time("originalTimestamp") }
        var message = Message(kind: kind, messageID: text("messageId"), userID: text("userId"), anonymousID: text("anonymousId"),
                              properties: object["properties"]?.objectValue ?? [:], traits: object["traits"]?.objectValue ?? [:],
                              groupID: text("groupId"), previousID: text("previousId"),
                              timestamp: clientTime, sentAt: try time("sentAt"),
                              receivedAt: try time("receivedAt"), context: context)
        // RudderStack's JS SDK sends `"userId": ""` for visitors not identified yet: absent, as null is.
        if let v = object["userId"], !v.isNull, v != .string(""), message.userID == nil {
            throw Invalid(code: "bad_user_id", reason: "userId must be a non-empty string")
        }
        if message.userID == nil && message.anonymousID == nil {
            throw Invalid(code: "missing_user_id", reason: "every message needs a userId or an anonymousId")
        }
        for id in [message.messageID, message.userID, message.anonymousID, message.groupID, message.previousID, object["event"]?.stringValue] {
            if let id, id.unicodeScalars.contains("\u{0}") {
                throw Invalid(code: "bad_id", reason: "ids and event names cannot hold the NUL character (\\u0000); send them without it")
            }
        }
        switch kind {
        case .identify:
            if message.traits.isEmpty, let t = context["traits"]?.objectValue { message.traits = t }
        case .track:
            guard let e = object["event"]?.stringValue, !e.isEmpty else {
                throw Invalid(code: "missing_event", reason: "a track message needs an event name")
            }
            message.event = e
        case .page, .screen:
            message.event = object["name"]?.stringValue ?? message.properties["name"]?.stringValue
            if let c = object["category"]?.stringValue { message.properties["category"] = .string(c) }
        case .group:
            guard message.groupID != nil else { throw Invalid(code: "missing_group_id", reason: "a group message needs a groupId") }
        case .alias:
            guard message.previousID != nil, message.userID != nil else {
                throw Invalid(code: "missing_previous_id", reason: "an alias message needs both previousId and userId")
            }
        }
        return message
    }

    /// How far ahead of its arrival an event may be dated: a day, for clocks in other time zones
    /// (PostHog replaces times more than 23 hours ahead).
    public static let maxAhead: Int64 = 86_400_000

    /// The event time Segment's spec stores: `receivedAt − (sentAt − timestamp)`, correcting the
    /// client's clock; the timestamp as is without `sentAt`; `receivedAt` without a timestamp.
    /// A time more than ``maxAhead`` past `arrival` (a phone with a wrong clock and no `sentAt`)
    /// is replaced by `arrival`: one such event would otherwise move everyone's "as of" into the
    /// future, and freeze the traits it set. The client's own time stays in `timestamp`.
    /// - Parameter arrival: the server's time of arrival, used when the message has no `receivedAt`.
    public func eventTime(arrival: Timestamp) -> Timestamp {
        let corrected = correctedTime(arrival: arrival)
        return isFutureDated(corrected, arrival: arrival) ? arrival : corrected
    }

    /// True when the message's time, corrected by `sentAt`, is more than ``maxAhead`` after `arrival`.
    public func isFutureDated(arrival: Timestamp) -> Bool {
        isFutureDated(correctedTime(arrival: arrival), arrival: arrival)
    }

    func isFutureDated(_ time: Timestamp, arrival: Timestamp) -> Bool {
        let limit = arrival.milliseconds.addingReportingOverflow(Self.maxAhead)
        return !limit.overflow && time.milliseconds > limit.partialValue
    }

    func correctedTime(arrival: Timestamp) -> Timestamp {
        let received = receivedAt ?? arrival
        guard let timestamp else { return received }
        guard let sentAt else { return timestamp }
        let skew = sentAt.milliseconds.subtractingReportingOverflow(timestamp.milliseconds)
        let corrected = skew.overflow ? nil : received.milliseconds.subtractingReportingOverflow(skew.partialValue)
        guard let corrected, !corrected.overflow else { return received }
        return Timestamp(milliseconds: corrected.partialValue)
    }
}

extension Message {
    /// The JSON an event is stored with: the traits of identify and group, else the properties.
    public static func storedPayload(_ m: Message) -> String {
        JSONValue.object(m.kind == .identify || m.kind == .group ? m.traits : m.properties).jsonText
    }
}
