import SegmentaCore
import Testing

/// The support policy's rules (issue 38, item 1): the document read with errors that name the rule
/// and field, and resolution — first rule wins, accounts lend their best rule, no match is no
/// policy — checked against outcomes worked out by hand.
@Suite("Support policy: parsing and resolution")
struct SupportPolicyTests {
    static let policy = SupportPolicy(rules: [
        .init(segment: "enterprise", tier: "enterprise", priority: .urgent, firstResponseHours: 1, resolutionHours: 8, team: "key-accounts", channels: [.phone, .chat, .email]),
        .init(segment: "vip-list", tier: "priority", priority: .high, firstResponseHours: 4, resolutionHours: 24),
        .init(segment: "pro", tier: "standard", priority: .normal, firstResponseHours: 24, resolutionHours: 72, channels: [.email, .chat]),
        .init(segment: "free", tier: "self-service", priority: .low, channels: [.selfService, .email]),
    ])
    // u1 enterprise; u2 pro; u3 free and on the VIP list; u4, u5 free; u6 in no segment.
    static let members: [String: Set<String>] = ["enterprise": ["u1"], "vip-list": ["u3"], "pro": ["u2"], "free": ["u3", "u4", "u5"]]
    // acme: u1, u4, u5; beta: u2, u5.
    static let accounts: [(account: String, profile: String)] = [("acme", "u1"), ("acme", "u4"), ("acme", "u5"), ("beta", "u2"), ("beta", "u5")]

    @Test func theFirstRuleWinsAndAccountsLendTheirBest() {
        let r = SupportPolicyResolver(Self.policy, members: Self.members, accountMembers: Self.accounts)
        typealias R = SupportPolicyResolver.Resolution
        #expect(r.profiles == ["u1": R(rule: 0), "u2": R(rule: 2), "u3": R(rule: 1),
                               "u4": R(rule: 0, account: "acme"),          // free alone, enterprise through acme
                               "u5": R(rule: 0, account: "acme")])         // in acme (rule 1) and beta (rule 3): the highest
        #expect(r.accounts == ["acme": 0, "beta": 2])
        #expect(r.counts(rules: 4) == [3, 1, 1, 0])
        #expect(r.profiles["u6"] == nil)                                   // no segment, no account: no policy
    }

    @Test func withoutInheritanceEachPersonHasTheirOwn() {
        var policy = Self.policy
        policy.inheritFromAccounts = false
        let r = SupportPolicyResolver(policy, members: Self.members, accountMembers: Self.accounts)
        #expect(r.profiles.mapValues(\.rule) == ["u1": 0, "u2": 2, "u3": 1, "u4": 3, "u5": 3])
        #expect(r.accounts.isEmpty && r.counts(rules: 4) == [1, 1, 1, 2])
    }

    @Test func aTieKeepsTheOwnRuleThenTheFirstAccount() {
        // u7 is in pro itself and in an account whose best is pro too: their own.
        let r = SupportPolicyResolver(Self.policy, members: ["pro": ["u7", "u8"], "free": ["u9"]],
                                      accountMembers: [("zeta", "u9"), ("zeta", "u8"), ("alpha", "u9"), ("alpha", "u7")])
        #expect(r.profiles["u7"] == .init(rule: 2) && r.profiles["u8"] == .init(rule: 2))
        #expect(r.profiles["u9"] == .init(rule: 2, account: "alpha"))     // alpha and zeta both give rule 3: alpha sorts first
    }

    @Test func onePersonFromTheirSegmentsAndTheirAccountsLastRule() {
        let p = Self.policy
        #expect(SupportPolicyResolver.resolve(p, segments: ["free", "pro"], accountRule: nil, account: nil) == .init(rule: 2))
        #expect(SupportPolicyResolver.resolve(p, segments: ["free"], accountRule: 0, account: "acme") == .init(rule: 0, account: "acme"))
        #expect(SupportPolicyResolver.resolve(p, segments: ["enterprise"], accountRule: 0, account: "acme") == .init(rule: 0))
        #expect(SupportPolicyResolver.resolve(p, segments: [], accountRule: 9, account: "acme") == nil)   // a rule the policy no longer has
        #expect(SupportPolicyResolver.resolve(p, segments: ["other"], accountRule: nil, account: nil) == nil)
    }

    @Test func theDocumentRoundTrips() throws {
        let parsed = try SupportPolicy.parse(Self.policy.json)
        #expect(parsed == Self.policy)
        let small = try SupportPolicy.parse(["rules": [["segment": " pro ", "tier": "standard", "priority": "HIGH", "channels": ["chat", "chat", "self_service"]]],
                                             "inherit_from_accounts": false])
        #expect(small.rules == [.init(segment: "pro", tier: "standard", priority: .high, channels: [.chat, .selfService])])
        #expect(!small.inheritFromAccounts && small.rules[0].team == nil && small.rules[0].firstResponseHours == nil)
        #expect(try SupportPolicy.parse(["rules": []]).rules.isEmpty)
        // The default: the service of people no rule reaches.
        let withDefault = try SupportPolicy.parse(["rules": [], "default": ["tier": "standard", "channels": ["email"]]])
        #expect(withDefault.fallback == .init(segment: "", tier: "standard") && withDefault.json["default"]?["segment"] == nil)
        #expect(try SupportPolicy.parse(withDefault.json) == withDefault)
        #expect(withDefault.service(nil)?.tier == "standard" && Self.policy.service(nil) == nil)
        #expect(Self.policy.service(.init(rule: 1))?.tier == "priority" && Self.policy.service(.init(rule: 7)) == nil)
    }

    @Test(arguments: [
        (JSONValue.array([]), "a support policy is a JSON object"),
        (["rules": [["segment": "pro", "tier": "a"]], "tiers": []], "unknown field \"tiers\""),
        (["inherit_from_accounts": true], "needs \"rules\""),
        (["rules": [["tier": "a"]]], "rule 1 needs \"segment\""),
        (["rules": [["segment": "pro", "tier": "a"], ["segment": "free"]]], "rule 2 needs \"tier\""),
        (["rules": [["segment": "pro", "tier": "a", "priority": "asap"]]], "priority \"asap\" is not one of low, normal, high, urgent"),
        (["rules": [["segment": "pro", "tier": "a", "first_response_hours": 0]]], "first_response_hours\" is a number of hours above 0"),
        (["rules": [["segment": "pro", "tier": "a", "first_response_hours": 8, "resolution_hours": 2]]], "resolution_hours (2) is shorter than first_response_hours (8)"),
        (["rules": [["segment": "pro", "tier": "a", "channels": ["fax"]]]], "channel \"fax\" is not one of phone, chat, email, self_service"),
        (["rules": [["segment": "pro", "tier": "a", "channels": []]]], "channels is a non-empty list"),
        (["rules": [["segment": "pro", "tier": "a"], ["segment": "pro", "tier": "b"]]], "rule 2 names the segment \"pro\" again"),
        (["rules": [["segment": "pro", "tier": "a", "sla": 3]]], "rule 1: unknown field \"sla\""),
        (["rules": [["segment": "pro", "tier": "  "]]], "\"tier\" is a non-empty text"),
        (["rules": [], "default": ["segment": "pro", "tier": "a"]], "the default serves people no rule reaches: it names no segment"),
        (["rules": [], "default": ["tier": "a", "priority": "soon"]], "the default: priority \"soon\" is not one of"),
        (["rules": [], "default": "standard"], "default is an object"),
        (["rules": .array(Array(repeating: ["segment": "pro", "tier": "a"], count: 101))], "at most 100 rules"),
    ] as [(JSONValue, String)])
    func mistakesNameTheRuleAndField(_ document: JSONValue, _ words: String) {
        #expect {
            _ = try SupportPolicy.parse(document)
        } throws: { error in
            guard let e = error as? SegmentaError else { return false }
            return e.code == .invalidInput && e.message.contains(words)
        }
    }
}
