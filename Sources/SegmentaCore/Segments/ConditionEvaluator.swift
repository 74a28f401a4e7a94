/// The reference semantics of segment conditions, evaluated in memory on one profile.
///
/// The SQL compiler is tested against this evaluator on random definitions and data; when the
/// two disagree, this one is right. Rules (see `docs/SEGMENTS.md`):
/// - A missing (or null) value makes every test false except `exists: false`.
/// - Numbers compare numerically; strings by bytes; booleans with eq/neq; an operand that is a
///   date compares dates chronologically (values that are not dates never match).
/// - Nothing after the evaluation time counts; `last_days: N` covers [t − N×24 h, t].
public struct ConditionEvaluator: Sendable {
    /// The evaluation time.
    public var at: Timestamp
    /// Conditions of the dynamic segments that may be referenced.
    public var segments: [String: Condition]
    /// Members of static segments that may be referenced.
    public var staticMembers: [String: Set<String>]

    /// An evaluator as of `at`, with the conditions of dynamic segments and the members of static ones that references may name.
    public init(at: Timestamp, segments: [String: Condition] = [:], staticMembers: [String: Set<String>] = [:]) {
        self.at = at
        self.segments = segments
        self.staticMembers = staticMembers
    }

    /// Whether the profile matches.
    public func matches(_ c: Condition, _ p: ProfileFacts) -> Bool {
        switch c {
        case .all(let cs): return cs.allSatisfy { matches($0, p) }
        case .any(let cs): return cs.contains { matches($0, p) }
        case .not(let c): return !matches(c, p)
        case .segment(let name):
            if let members = staticMembers[name] { return members.contains(p.id) }
            guard let c = segments[name] else { return false }
            return matches(c, p)
        case .trait(let t):
            switch t.source {
            case .trait: return test(JSONValue.object(p.traits).value(atPath: t.path), t.predicate)
            case .computed: return test(p.computed[t.path], t.predicate)
            case .accountTrait: return p.accounts.contains { test(JSONValue.object($0).value(atPath: t.path), t.predicate) }
            }
        case .behaviour(let b):
            return compareNumber(aggregate(b, p), b.op, b.value)
        case .account(let c):
            // One account satisfies all of it: its traits stand in for the profile's.
            return p.accounts.contains { matches(c, ProfileFacts(id: p.id, traits: $0)) }
        }
    }

    /// The aggregate of a behaviour condition for one profile (nil when avg/min/max have no value).
    public func aggregate(_ b: BehaviourCondition, _ p: ProfileFacts) -> Double? {
        var times: [Timestamp] = []
        var values: [Double] = []
        func consider(_ t: Timestamp, _ properties: [String: JSONValue]) {
            guard t <= at, inWindow(t, b.window, p) else { return }
            for f in b.filters where !test(JSONValue.object(properties).value(atPath: f.property), f.predicate) { return }
            times.append(t)
            if let prop = b.property, let v = JSONValue.object(properties).value(atPath: prop)?.numberValue { values.append(v) }
        }
        switch b.source {
        case .event(let name):
            for e in p.events.sorted(by: { $0.timestamp < $1.timestamp }) where e.name == name { consider(e.timestamp, e.properties) }
        case .orders:
            for o in p.orders.sorted(by: { $0.timestamp < $1.timestamp }) {
                var props: [String: JSONValue] = ["amount": .number(o.amount)]
                if let c = o.currency { props["currency"] = .string(c) }
                consider(o.timestamp, props)
            }
        }
        switch b.aggregate {
        case .count: return Double(times.count)
        case .distinctDays: return Double(Set(times.map(\.epochDay)).count)
        case .sum: return values.reduce(0, +)
        case .avg: return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
        case .min: return values.min()
        case .max: return values.max()
        }
    }

    func inWindow(_ t: Timestamp, _ w: Window?, _ p: ProfileFacts) -> Bool {
        switch w {
        case nil: return true
        case .lastDays(let n): return t >= at.adding(days: -n)
        case .between(let from, let to): return t >= from && t < to.adding(days: 1)
        case .sinceSignupDays(let n):
            guard let s = p.signup else { return false }
            return t >= s && t < s.adding(days: n)
        }
    }

    /// Tests one value against a predicate.
    public func test(_ value: JSONValue?, _ predicate: Predicate) -> Bool {
        let v: JSONValue? = (value?.isNull ?? true) ? nil : value
        switch predicate {
        case .withinLastDays(let n):
            guard let t = Self.date(v) else { return false }
            return t >= at.adding(days: -n) && t <= at
        case .before(let d):
            guard let t = Self.date(v) else { return false }
            return t < d
        case .after(let d):
            guard let t = Self.date(v) else { return false }
            return t > d
        case .compare(let op, let operand):
            if op == .exists { return (v != nil) == (operand == .bool(true)) }
            guard let v else { return false }
            switch op {
            case .eq: return Self.equal(v, operand)
            case .neq: return !Self.equal(v, operand)
            case .in: return operand.arrayValues.contains { Self.equal(v, $0) }
            case .notIn: return !operand.arrayValues.contains { Self.equal(v, $0) }
            case .gt, .gte, .lt, .lte:
                guard let c = Self.order(v, operand) else { return false }
                switch op {
                case .gt: return c > 0
                case .gte: return c >= 0
                case .lt: return c < 0
                default: return c <= 0
                }
            case .between:
                let b = operand.arrayValues
                guard let lo = Self.order(v, b[0]), let hi = Self.order(v, b[1]) else { return false }
                return lo >= 0 && hi <= 0
            case .contains:
                switch (v, operand) {
                case (.string(let s), .string(let sub)): return sub.isEmpty || Array(s.utf8).containsSubsequence(Array(sub.utf8))
                case (.array(let items), _): return items.contains { Self.equal($0, operand) }
                default: return false
                }
            case .startsWith:
                guard case .string(let s) = v, case .string(let prefix) = operand else { return false }
                return s.utf8.starts(with: prefix.utf8)
            case .exists: return false
            }
        }
    }

    func compareNumber(_ x: Double?, _ op: ComparisonOperator, _ operand: JSONValue) -> Bool {
        guard let x else { return false }
        return test(.number(x), .compare(op, operand))
    }

    /// Equality of scalars of the same type.
    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x.utf8.elementsEqual(y.utf8)
        case (.bool(let x), .bool(let y)): return x == y
        default: return false
        }
    }

    /// Three-way order of a value against an operand: numbers numerically, dates chronologically
    /// (when the operand is a date), other strings by bytes; nil when they do not compare.
    static func order(_ v: JSONValue, _ operand: JSONValue) -> Int? {
        switch (v, operand) {
        case (.number(let x), .number(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.string(let s), .string(let o)):
            if let od = try? Timestamp.parse(o) {
                guard let sd = try? Timestamp.parse(s) else { return nil }
                return sd < od ? -1 : (sd > od ? 1 : 0)
            }
            return s.utf8.lexicographicallyPrecedes(o.utf8) ? -1 : (s.utf8.elementsEqual(o.utf8) ? 0 : 1)
        default: return nil
        }
    }

    static func date(_ v: JSONValue?) -> Timestamp? {
        guard let s = v?.stringValue else { return nil }
        return try? Timestamp.parse(s)
    }
}

extension Array where Element == UInt8 {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard needle.count <= count else { return false }
        for i in 0...(count - needle.count) where self[i..<(i + needle.count)].elementsEqual(needle) { return true }
        return false
    }
}
