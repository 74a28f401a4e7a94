/// Resolves a ``SupportPolicy`` for everyone at once, from segment membership and account
/// membership: each person's own rule is the first rule whose segment they are in; an account's
/// rule is the best (earliest) own rule among its people; a person in accounts gets an account's
/// rule when it comes earlier than their own (with several accounts, the earliest of them: the
/// highest tier across them). A tie keeps the person's own rule, then the account whose id sorts
/// first. People no rule reaches have no policy.
public struct SupportPolicyResolver: Sendable {
    /// One person's resolved rule.
    public struct Resolution: Sendable, Equatable {
        /// The rule's position in the policy (0-based).
        public var rule: Int
        /// The account the rule came through (nil: the person's own membership).
        public var account: String?

        /// A resolution.
        public init(rule: Int, account: String? = nil) {
            self.rule = rule
            self.account = account
        }
    }

    /// Each person's rule (only people a rule reaches).
    public private(set) var profiles: [String: Resolution] = [:]
    /// Each account's rule: the best own rule among its people (only accounts a rule reaches).
    public private(set) var accounts: [String: Int] = [:]

    /// Resolves `policy` given the members of each segment it names (`members[segment]`, a segment
    /// missing from it has no members) and the (account, person) pairs of account membership.
    public init(_ policy: SupportPolicy, members: [String: Set<String>], accountMembers: [(account: String, profile: String)]) {
        var own: [String: Int] = [:]
        for (i, rule) in policy.rules.enumerated() {
            for p in members[rule.segment] ?? [] where own[p] == nil { own[p] = i }
        }
        profiles = own.mapValues { Resolution(rule: $0) }
        guard policy.inheritFromAccounts else { return }
        for (a, p) in accountMembers {
            guard let i = own[p] else { continue }
            if let current = accounts[a], current <= i { continue }
            accounts[a] = i
        }
        for (a, p) in accountMembers.sorted(by: { ($0.profile, $0.account) < ($1.profile, $1.account) }) {
            guard let i = accounts[a] else { continue }
            if let current = profiles[p], current.rule <= i { continue }
            profiles[p] = Resolution(rule: i, account: a)
        }
    }

    /// How many people each rule reaches, in rule order.
    public func counts(rules: Int) -> [Int] {
        var out = [Int](repeating: 0, count: max(0, rules))
        for r in profiles.values where r.rule >= 0 && r.rule < out.count { out[r.rule] += 1 }
        return out
    }

    /// One person's rule from what is known about them alone: their own rule from the segments they
    /// are in now (`segments`), against the rule their accounts gave at the last resolution
    /// (`accountRule`, through `account`) — the better of the two.
    public static func resolve(_ policy: SupportPolicy, segments: Set<String>, accountRule: Int?, account: String?) -> Resolution? {
        let own = policy.rules.firstIndex { segments.contains($0.segment) }
        guard policy.inheritFromAccounts, let accountRule, accountRule >= 0, accountRule < policy.rules.count, let account else {
            return own.map { Resolution(rule: $0) }
        }
        if let own, own <= accountRule { return Resolution(rule: own) }
        return Resolution(rule: accountRule, account: account)
    }
}
