public import SegmentaCore
public import SegmentaStore

/// What a support agent needs about one person when a ticket arrives (`GET
/// /api/v1/support/lookup`): who they are (ids, accounts, traits), the segments they are in — since
/// when, and what their data says now — their scores (lifecycle, RFM segment, CLV, churn risk),
/// marketing consent, when they were last seen, their latest tickets and their last CSAT, and the
/// support policy's rule that serves them now (tier, priority, SLA, team, channels) and why. Read
/// from that one person's rows; found by email or by any of their ids.
public struct SupportLookup: Sendable {
    /// The track event of a new ticket (a helpdesk's webhook or an import sends it).
    public static let ticketEvent = "Ticket Created"
    /// The names a new ticket's event is recognised by (the demo's, and others', say "Support Ticket Created").
    public static let ticketEvents: Set<String> = [ticketEvent, "Support Ticket Created"]
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
    /// The support policy in force (nil: none saved).
    public var policy: SupportPolicyRun.Version?
    /// The rule that serves them now (nil: no rule reaches them).
    public var resolution: SupportPolicyResolver.Resolution?
    /// Why that rule, or why none, in words: the segment and its condition, or the account.
    public var why = ""
    /// Where the person is in onboarding (nil when their signup is unknown).
    public var onboarding: Onboarding?

    /// Onboarding at ticket time: the first ``Onboarding/days`` days after signup, and whether
    /// anyone from support has been in touch since (a ticket, or an `Onboarding Check-in` event).
    public struct Onboarding: Sendable, Equatable {
        /// How long onboarding lasts, in days after signup.
        public static let days = 30
        /// The track event a check-in is recorded as.
        public static let checkInEvent = "Onboarding Check-in"
        /// The signup (the `signed_up_at` trait, else first seen).
        public var signup: Timestamp
        /// Whole days since then.
        public var daysSinceSignup: Int
        /// Within the first ``days`` days.
        public var inOnboarding: Bool
        /// In onboarding with no ticket and no check-in since the signup: reach out.
        public var checkInDue: Bool

        /// From a person's signup and events, as of `now` (nil without a signup).
        public static func of(_ facts: ProfileFacts, now: Timestamp) -> Onboarding? {
            guard let signup = facts.signup else { return nil }
            let days = Int((now.milliseconds - signup.milliseconds) / Timestamp.millisecondsPerDay)
            let inOnboarding = days >= 0 && days < Self.days
            let touched = facts.events.contains { ($0.name == checkInEvent || SupportLookup.ticketEvents.contains($0.name)) && $0.timestamp >= signup }
            return Onboarding(signup: signup, daysSinceSignup: days, inOnboarding: inOnboarding, checkInDue: inOnboarding && !touched)
        }

        /// In words, for an agent.
        public var words: String {
            let since = "signed up \(daysSinceSignup) day\(daysSinceSignup == 1 ? "" : "s") ago"
            if checkInDue { return since + ", no ticket or check-in yet: a check-in is due" }
            return inOnboarding ? since + ", in touch since" : since + " (onboarding is the first \(Self.days) days)"
        }
    }

    /// Looks up the one person with `email` (ASCII case and spaces aside), with `phone` (its
    /// digits), or known by `id` (a user, anonymous or profile id). Email and phone are read
    /// through the stores' contact index (``ContactKey``).
    /// - Throws: `invalidInput` unless exactly one of them is given, or when the email or phone is
    ///   not one; `notFound` when nobody matches; `conflict` when several people have the email or
    ///   phone (look them up by id then).
    public static func find(email: String? = nil, phone: String? = nil, id: String?, in db: some ProfileStore & SegmentStore & AnalysisStore, now: Timestamp) async throws(SegmentaError) -> SupportLookup {
        func given(_ s: String?) -> String? { s.flatMap { $0.trimmedSpaces.isEmpty ? nil : $0 } }
        guard [given(email), given(phone), given(id)].compactMap({ $0 }).count == 1 else {
            throw SegmentaError(.invalidInput, "look up one person by email=ADDRESS, phone=NUMBER or user_id=ID (a user id, anonymous id or profile id), one of the three")
        }
        var profile = given(id) ?? ""
        if given(id) == nil {
            let key = if let e = given(email) { try ContactKey.email(typed: e) } else { try ContactKey.phone(typed: phone ?? "") }
            let found = try await db.profileIDs(withContact: key, limit: 6)
            guard let first = found.first else { throw SegmentaError(.notFound, "nobody has the \(key.trait) \"\(key.value)\"") }
            guard found.count == 1 else {
                throw SegmentaError(.conflict, "\(found.count > 5 ? "more than 5" : String(found.count)) people have the \(key.trait) \"\(key.value)\" (\(found.prefix(5).joined(separator: ", "))); look one up by user_id")
            }
            profile = first
        }
        guard let detail = try await db.profileDetail(profile), let facts = try await db.profileFacts(detail.id) else {
            throw SegmentaError(.notFound, "nobody is known by \"\(profile)\" (a user id, anonymous id or profile id)")
        }
        let tickets = facts.events.filter { ticketEvents.contains($0.name) }.suffix(5).reversed()
        let survey = facts.events.last { $0.name == surveyEvent && $0.properties["csat"]?.numberValue != nil }
        let definitions = try await db.segmentDefinitions()
        let live = LiveMembership.of(detail, facts: facts, definitions: definitions, now: now)
        var lookup = SupportLookup(detail: detail, live: live, tickets: Array(tickets),
                                   lastCSAT: survey.flatMap { s in s.properties["csat"]?.numberValue.map { ($0, s.timestamp) } })
        lookup.onboarding = Onboarding.of(facts, now: now)
        if let version = try await SupportPolicyRun.current(db) {
            lookup.policy = version
            (lookup.resolution, lookup.why) = policy(version.policy, detail: detail, live: live, definitions: definitions)
        }
        return lookup
    }

    /// The rule that serves the person now: their own from the segments their data puts them in
    /// now (static ones as listed), against the one their accounts gave at the last resolution.
    static func policy(_ policy: SupportPolicy, detail: ProfileDetail, live: LiveMembership,
                       definitions: [String: SegmentDefinition]) -> (SupportPolicyResolver.Resolution?, String) {
        let listedStatic = detail.segments.filter { definitions[$0] != nil && definitions[$0]?.condition == nil }
        let now = Set(live.holdsNow).union(listedStatic)
        let account = detail.computedTraits["support_account"]?.stringValue
        let accountRule = account == nil ? nil : detail.computedTraits["support_rule"]?.numberValue.flatMap { Int(exactly: $0) }.map { $0 - 1 }
        guard let r = SupportPolicyResolver.resolve(policy, segments: now, accountRule: accountRule, account: account) else {
            let none = policy.rules.isEmpty ? "the support policy has no rule" : "no rule reaches them: they are in none of " + policy.segments.joined(separator: ", ")
            return (nil, none + (policy.fallback == nil ? "" : "; the default service"))
        }
        let rule = policy.rules[r.rule]
        if let through = r.account {
            return (r, "rule \(r.rule + 1): someone in their account \(through) is in \(rule.segment) (as of the last resolution)")
        }
        let words = definitions[rule.segment].map { $0.condition.map(ConditionSentence.text) ?? "listed by hand: a static segment" } ?? "a segment that no longer exists"
        return (r, "rule \(r.rule + 1): they are in \(rule.segment) (\(words))")
    }

    /// The service they get, in one line: tier, priority, SLA targets, team and channels (nil: no
    /// rule reaches them).
    public var service: String? {
        guard let rule = policy?.policy.service(resolution) else { return nil }
        func hours(_ h: Double) -> String { JSONValue.format(h) + " h" }
        var parts = ["tier \(rule.tier)", "priority \(rule.priority.rawValue)"]
        if let f = rule.firstResponseHours { parts.append("first response within " + hours(f)) }
        if let r = rule.resolutionHours { parts.append("resolved within " + hours(r)) }
        if let team = rule.team { parts.append("team \(team)") }
        parts.append(rule.channels.map { $0 == .selfService ? "self-service" : $0.rawValue }.joined(separator: ", "))
        return parts.joined(separator: " · ")
    }

    /// The policy part of the answer (null without a policy).
    var policyJSON: JSONValue {
        guard let policy else { return .null }
        var o: [String: JSONValue] = ["version": .number(Double(policy.number)), "why": .string(why), "rule": .null, "through_account": .null, "default": .bool(resolution == nil)]
        if case .object(let rule)? = policy.policy.service(resolution)?.json {
            o.merge(rule) { a, _ in a }
            o["segment"] = resolution == nil ? .null : rule["segment"]
            o["rule"] = resolution.map { .number(Double($0.rule + 1)) } ?? .null
            o["through_account"] = resolution?.account.map(JSONValue.string) ?? .null
        }
        return .object(o)
    }

    /// A score as an agent reads it: CLV in whole units, churn risk as a percentage, the others as
    /// they are ("–" when not computed).
    public func scoreText(_ key: String) -> String {
        guard let v = detail.computedTraits[key] else { return "–" }
        switch key {
        case "clv": return v.numberValue.map { NumberText.fixed($0, 0) } ?? "–"
        case "churn_risk": return v.numberValue.map { NumberText.percent($0, 1) } ?? "–"
        default: return v.stringValue ?? v.jsonText
        }
    }

    /// A ticket in a few words: its subject, else its theme, else its event's name.
    public static func title(_ ticket: ProfileFacts.Event) -> String {
        ticket.properties["subject"]?.stringValue ?? ticket.properties["theme"]?.stringValue.map { ticket.name + ": " + $0 } ?? ticket.name
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
            "policy": policyJSON,
            "onboarding": onboarding.map { o in
                .object(["signup": .string(o.signup.iso8601), "days_since_signup": .number(Double(o.daysSinceSignup)), "in_onboarding": .bool(o.inOnboarding),
                         "check_in_due": .bool(o.checkInDue), "words": .string(o.words)])
            } ?? .null,
            "scores": .object(Dictionary(Self.scores.map { ($0, detail.computedTraits[$0] ?? .null) }, uniquingKeysWith: { a, _ in a })),
            "marketing_consent": .object(["value": marketingConsent ?? .null, "denied": .bool(marketingDenied)]),
            "first_seen": time(detail.firstSeen), "last_seen": time(detail.lastSeen),
            "orders": .object(["count": .number(Double(detail.orderCount)), "revenue": .number(detail.revenue)]),
            "recent_tickets": .array(tickets.map { .object(["at": .string($0.timestamp.iso8601), "properties": .object($0.properties)]) }),
            "last_csat": lastCSAT.map { .object(["score": .number($0.score), "at": .string($0.at.iso8601)]) } ?? .null,
        ])
    }
}
