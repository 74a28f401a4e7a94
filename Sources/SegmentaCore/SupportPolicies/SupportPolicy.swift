/// How a support team serves each segment: an ordered list of rules, segment → tier, priority,
/// SLA targets, team and the channels offered. Rules are in order of precedence: a person gets the
/// first rule whose segment they are in (so the highest tier comes first), and — unless
/// `inheritFromAccounts` is off — a person in accounts gets the best rule of anyone in those
/// accounts when it comes earlier than their own (``SupportPolicyResolver``). People no rule
/// reaches get the `fallback` service when there is one (the document's `default`), else none.
public struct SupportPolicy: Sendable, Equatable {
    /// A ticket priority, as helpdesks name them (Zendesk's four).
    public enum Priority: String, Sendable, CaseIterable {
        case low, normal, high, urgent
    }

    /// A channel a tier is offered.
    public enum Channel: String, Sendable, CaseIterable {
        case phone, chat, email, selfService = "self_service"
    }

    /// One rule: the members of `segment` get this service.
    public struct Rule: Sendable, Equatable {
        /// The segment (static or dynamic) whose members the rule is for.
        public var segment: String
        /// The support tier's name (for instance `enterprise`, `priority`, `standard`).
        public var tier: String
        /// The priority their tickets open with.
        public var priority: Priority
        /// Target time to a first response, in hours (nil: none).
        public var firstResponseHours: Double?
        /// Target time to resolution, in hours (nil: none).
        public var resolutionHours: Double?
        /// The team or skill their tickets are routed to (nil: the default queue).
        public var team: String?
        /// The channels offered, in the order given.
        public var channels: [Channel]

        /// A rule.
        public init(segment: String, tier: String, priority: Priority = .normal, firstResponseHours: Double? = nil, resolutionHours: Double? = nil,
                    team: String? = nil, channels: [Channel] = [.email]) {
            self.segment = segment
            self.tier = tier
            self.priority = priority
            self.firstResponseHours = firstResponseHours
            self.resolutionHours = resolutionHours
            self.team = team
            self.channels = channels
        }
    }

    /// The rules, highest precedence first.
    public var rules: [Rule]
    /// The service of people no rule reaches (its `segment` is empty); nil: they have none.
    public var fallback: Rule?
    /// Whether a person gets the best rule among the people of their accounts.
    public var inheritFromAccounts: Bool

    /// A policy.
    public init(rules: [Rule], fallback: Rule? = nil, inheritFromAccounts: Bool = true) {
        self.rules = rules
        self.fallback = fallback
        self.inheritFromAccounts = inheritFromAccounts
    }

    /// The service of a resolution: its rule, or the fallback for nobody's rule (nil: none).
    public func service(_ resolution: SupportPolicyResolver.Resolution?) -> Rule? {
        guard let resolution else { return fallback }
        return resolution.rule >= 0 && resolution.rule < rules.count ? rules[resolution.rule] : nil
    }

    /// The segments the rules name, in rule order, without repeats.
    public var segments: [String] {
        var seen = Set<String>()
        return rules.map(\.segment).filter { seen.insert($0).inserted }
    }

    /// The most rules a policy holds.
    public static let maxRules = 100

    /// Reads a policy document: `{"rules": [{"segment", "tier", "priority", "first_response_hours",
    /// "resolution_hours", "team", "channels"}], "default": {the same without "segment"},
    /// "inherit_from_accounts": true}`.
    /// - Throws: `invalidInput` naming the rule and field that is wrong, and what is allowed.
    public static func parse(_ document: JSONValue) throws(SegmentaError) -> SupportPolicy {
        guard let object = document.objectValue else {
            throw SegmentaError(.invalidInput, "a support policy is a JSON object: {\"rules\": [{\"segment\": \"vip\", \"tier\": \"priority\", …}]}")
        }
        let known: Set<String> = ["rules", "default", "inherit_from_accounts"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw SegmentaError(.invalidInput, "unknown field \"\(unknown)\" in the support policy; its fields are rules, default and inherit_from_accounts")
        }
        guard case .array(let list)? = object["rules"] else {
            throw SegmentaError(.invalidInput, "the support policy needs \"rules\": a list of {\"segment\", \"tier\", …}, highest precedence first (it may be empty)")
        }
        guard list.count <= maxRules else { throw SegmentaError(.invalidInput, "a support policy holds at most \(maxRules) rules (this one has \(list.count))") }
        var inherit = true
        if let value = object["inherit_from_accounts"] {
            guard case .bool(let b) = value else { throw SegmentaError(.invalidInput, "inherit_from_accounts is true or false") }
            inherit = b
        }
        var rules: [Rule] = []
        for (i, item) in list.enumerated() {
            rules.append(try Rule.parse(item, number: i + 1))
        }
        var seen = Set<String>()
        for (i, rule) in rules.enumerated() where !seen.insert(rule.segment).inserted {
            throw SegmentaError(.invalidInput, "rule \(i + 1) names the segment \"\(rule.segment)\" again: an earlier rule already serves its members (one rule per segment)")
        }
        var fallback: Rule?
        if let value = object["default"], value != .null {
            if case .object(let o) = value, o["segment"] != nil {
                throw SegmentaError(.invalidInput, "the default serves people no rule reaches: it names no segment (remove \"segment\" from it)")
            }
            guard case .object(var o) = value else { throw SegmentaError(.invalidInput, "default is an object: {\"tier\": \"standard\", …}, or null") }
            o["segment"] = .string("*")
            var rule = try Rule.parse(.object(o), number: 0, name: "the default")
            rule.segment = ""
            fallback = rule
        }
        return SupportPolicy(rules: rules, fallback: fallback, inheritFromAccounts: inherit)
    }

    /// The policy as a document (what ``parse(_:)`` reads).
    public var json: JSONValue {
        var fallbackJSON = JSONValue.null
        if case .object(var o)? = fallback?.json {
            o.removeValue(forKey: "segment")
            fallbackJSON = .object(o)
        }
        return .object(["rules": .array(rules.map(\.json)), "default": fallbackJSON, "inherit_from_accounts": .bool(inheritFromAccounts)])
    }
}

extension SupportPolicy.Rule {
    /// Reads rule number `number` (1-based), called `name` in errors (default: "rule N").
    static func parse(_ item: JSONValue, number: Int, name: String? = nil) throws(SegmentaError) -> SupportPolicy.Rule {
        let at = name ?? "rule \(number)"
        guard let o = item.objectValue else { throw SegmentaError(.invalidInput, "\(at) is not an object: {\"segment\": \"vip\", \"tier\": \"priority\"}") }
        let known: Set<String> = ["segment", "tier", "priority", "first_response_hours", "resolution_hours", "team", "channels"]
        if let unknown = o.keys.sorted().first(where: { !known.contains($0) }) {
            throw SegmentaError(.invalidInput, "\(at): unknown field \"\(unknown)\"; a rule's fields are \(known.sorted().joined(separator: ", "))")
        }
        func text(_ key: String, required: Bool) throws(SegmentaError) -> String? {
            guard let v = o[key], v != .null else {
                if required { throw SegmentaError(.invalidInput, "\(at) needs \"\(key)\"") }
                return nil
            }
            guard let s = v.stringValue?.trimmedSpaces, !s.isEmpty, s.count <= 100 else {
                throw SegmentaError(.invalidInput, "\(at): \"\(key)\" is a non-empty text of at most 100 characters")
            }
            return s
        }
        func hours(_ key: String) throws(SegmentaError) -> Double? {
            guard let v = o[key], v != .null else { return nil }
            guard let h = v.numberValue, h.isFinite, h > 0, h <= 24 * 365 else {
                throw SegmentaError(.invalidInput, "\(at): \"\(key)\" is a number of hours above 0 and at most a year (8760), or null")
            }
            return h
        }
        var rule = SupportPolicy.Rule(segment: try text("segment", required: true) ?? "", tier: try text("tier", required: true) ?? "")
        if let p = try text("priority", required: false) {
            guard let priority = SupportPolicy.Priority(rawValue: p.lowercased()) else {
                throw SegmentaError(.invalidInput, "\(at): priority \"\(p)\" is not one of \(SupportPolicy.Priority.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            rule.priority = priority
        }
        rule.firstResponseHours = try hours("first_response_hours")
        rule.resolutionHours = try hours("resolution_hours")
        if let f = rule.firstResponseHours, let r = rule.resolutionHours, r < f {
            throw SegmentaError(.invalidInput, "\(at): resolution_hours (\(JSONValue.format(r))) is shorter than first_response_hours (\(JSONValue.format(f)))")
        }
        rule.team = try text("team", required: false)
        if let value = o["channels"], value != .null {
            guard case .array(let list) = value, !list.isEmpty else {
                throw SegmentaError(.invalidInput, "\(at): channels is a non-empty list of \(SupportPolicy.Channel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var channels: [SupportPolicy.Channel] = []
            for c in list {
                guard let name = c.stringValue, let channel = SupportPolicy.Channel(rawValue: name.lowercased()) else {
                    throw SegmentaError(.invalidInput, "\(at): channel \(c.jsonText) is not one of \(SupportPolicy.Channel.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                if !channels.contains(channel) { channels.append(channel) }
            }
            rule.channels = channels
        }
        return rule
    }

    /// The rule as a document.
    public var json: JSONValue {
        .object(["segment": .string(segment), "tier": .string(tier), "priority": .string(priority.rawValue),
                 "first_response_hours": firstResponseHours.map(JSONValue.number) ?? .null,
                 "resolution_hours": resolutionHours.map(JSONValue.number) ?? .null,
                 "team": team.map(JSONValue.string) ?? .null,
                 "channels": .array(channels.map { .string($0.rawValue) })])
    }
}
