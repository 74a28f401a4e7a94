public import SegmentaCore
public import SegmentaStore

/// What a support agent needs about one person when a ticket arrives (`GET
/// /api/v1/support/lookup`): who they are (ids, accounts, traits), the segments they are in — since
/// when, and what their data says now — their scores (lifecycle, RFM segment, CLV, churn risk),
/// marketing consent, when they were last seen, their latest tickets and their last CSAT. Read
/// from that one person's rows; found by email or by any of their ids.
public struct SupportLookup: Sendable {
    /// The track event of a new ticket (a helpdesk's webhook or an import sends it).
    public static let ticketEvent = "Ticket Created"
    /// The track event of a satisfaction survey answer, with a numeric `csat` property.
    public static let surveyEvent = "Survey Answered"
    /// The computed traits shown, in this order.
    public static let scores = ["lifecycle", "rfm_segment", "clv", "churn_risk", "churn_risk_decile", "persona"]

    /// The person as the profile API shows them.
    public var detail: ProfileDetail
    /// The segments their data puts them in now.
    public var live: LiveMembership?
    /// Their latest tickets, newest first (at most 5).
    public var tickets: [ProfileFacts.Event]
    /// Their latest survey answer with a CSAT score, and when.
    public var lastCSAT: (score: Double, at: Timestamp)?

    /// Looks up the one person with `email` (case aside), or known by `id` (a user, anonymous or
    /// profile id).
    /// - Throws: `invalidInput` unless exactly one of them is given; `notFound` when nobody
    ///   matches; `conflict` when several people have the email (look them up by id then).
    public static func find(email: String?, id: String?, in db: some ProfileStore & SegmentStore, now: Timestamp) async throws(SegmentaError) -> SupportLookup {
        let email = email.map { String($0.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()).lowercased() }
        guard (email?.isEmpty == false) != (id?.isEmpty == false) else {
            throw SegmentaError(.invalidInput, "look up one person by email=ADDRESS or by user_id=ID (a user id, anonymous id or profile id), one of the two")
        }
        var profile = id ?? ""
        if let email, !email.isEmpty {
            let found = try await db.searchProfiles(email, traits: ["email"], limit: 10).filter { $0.exact && $0.traits["email"]?.lowercased() == email }
            guard let first = found.first else { throw SegmentaError(.notFound, "nobody has the email \"\(email)\"") }
            guard found.count == 1 else {
                throw SegmentaError(.conflict, "\(found.count) people have the email \"\(email)\" (\(found.map(\.id).prefix(5).joined(separator: ", "))); look one up by user_id")
            }
            profile = first.id
        }
        guard let detail = try await db.profileDetail(profile), let facts = try await db.profileFacts(detail.id) else {
            throw SegmentaError(.notFound, "nobody is known by \"\(profile)\" (a user id, anonymous id or profile id)")
        }
        let tickets = facts.events.filter { $0.name == ticketEvent }.suffix(5).reversed()
        let survey = facts.events.last { $0.name == surveyEvent && $0.properties["csat"]?.numberValue != nil }
        let live = LiveMembership.of(detail, facts: facts, definitions: try await db.segmentDefinitions(), now: now)
        return SupportLookup(detail: detail, live: live, tickets: Array(tickets),
                             lastCSAT: survey.flatMap { s in s.properties["csat"]?.numberValue.map { ($0, s.timestamp) } })
    }

    /// The person's marketing consent trait as stored (nil when absent).
    public var marketingConsent: JSONValue? { detail.traits.value(atPath: ConsentRule.marketingTrait) }
    /// Whether the consent rule keeps the person out of marketing (``ConsentRule``).
    public var marketingDenied: Bool { ConsentRule.deniesMarketing(marketingConsent.map { $0.stringValue ?? $0.jsonText }) }

    /// The API's answer.
    public var json: JSONValue {
        func time(_ t: Timestamp?) -> JSONValue { t.map { .string($0.iso8601) } ?? .null }
        return .object([
            "profile": .string(detail.id),
            "ids": .array(detail.identities.map { .object(["id": .string($0.id), "kind": .string($0.kind)]) }),
            "accounts": .array(detail.accounts.map { .object(["id": .string($0.id), "traits": $0.traits]) }),
            "traits": detail.traits,
            "segments": .array(detail.memberships.map { .object(["segment": .string($0.segment), "since": .string($0.since.iso8601)]) }),
            "live": live?.json ?? .null,
            "scores": .object(Dictionary(Self.scores.map { ($0, detail.computedTraits[$0] ?? .null) }, uniquingKeysWith: { a, _ in a })),
            "marketing_consent": .object(["value": marketingConsent ?? .null, "denied": .bool(marketingDenied)]),
            "first_seen": time(detail.firstSeen), "last_seen": time(detail.lastSeen),
            "orders": .object(["count": .number(Double(detail.orderCount)), "revenue": .number(detail.revenue)]),
            "recent_tickets": .array(tickets.map { .object(["at": .string($0.timestamp.iso8601), "properties": .object($0.properties)]) }),
            "last_csat": lastCSAT.map { .object(["score": .number($0.score), "at": .string($0.at.iso8601)]) } ?? .null,
        ])
    }
}
