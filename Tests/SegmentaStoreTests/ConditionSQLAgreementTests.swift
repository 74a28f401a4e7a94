import Testing
@testable import SegmentaCore
@testable import SegmentaStore

/// Property test: on random data and random definitions, the compiled SQL selects exactly the
/// profiles the reference evaluator accepts.
@Suite struct ConditionSQLAgreementTests {
    static let at = try! Timestamp.parse("2026-06-15T12:00:00Z")
    /// When the fixture's messages arrive: after the last of them (some are dated up to 5 days
    /// past `at`), since a message dated more than a day past its arrival is stored at its arrival.
    static let received = Timestamp(milliseconds: at.milliseconds + 10 * 86_400_000)
    static let strings: [JSONValue] = ["pro", "free", "enterprise", "", "Pro", "o'brien\"; DROP TABLE profiles; --", "2026-06-01", "2026-06-10T08:00:00+02:00", "é", "ab"]
    static let numbers: [JSONValue] = [0, 1, 2.5, 3, -1, 10, 250, 1000]
    static let dates: [JSONValue] = ["2026-05-01", "2026-06-14", "2026-06-15T12:00:00Z", "2026-06-16", "2025-12-31T23:59:59Z"]

    struct Fixture: Sendable {
        let inputs: Inputs
        let facts: [ProfileFacts]
        let evaluator: ConditionEvaluator
    }

    /// What the random store holds, to load into any backend.
    struct Inputs: Sendable {
        var messages: [Message]
        var orders: [Order]
        var computed: [String: [String: JSONValue]]

        func load(into store: any Storage) async throws {
            _ = try await store.apply(messages, source: "t", arrival: received)
            _ = try await store.importOrders(orders, source: "t")
            try await store.replaceComputedTraits(ComputedTraitRows(computed), computedAt: at)
            _ = try await store.createSegment(["name": "ref", "condition": ["trait": "plan", "op": "eq", "value": "pro"]], allowUnknownComputed: false)
            _ = try await store.importStatic("vip", ids: ["u1", "u2", "u3"], description: "")
        }
    }

    static func fixture(seed: UInt64) async throws -> Fixture {
        var rng = SplitMix64(seed: seed)
        let store = try SQLiteStore()
        var messages: [Message] = []
        var computed: [String: [String: JSONValue]] = ["rfm_segment": [:], "score": [:]]
        var orders: [Order] = []
        var n = 0
        func t(_ days: Double) -> Timestamp { Timestamp(milliseconds: at.milliseconds + Int64(days * 86_400_000)) }
        for i in 0..<60 {
            let id = "u\(i)"
            var traits: [String: JSONValue] = [:]
            if rng.chance(0.8) { traits["plan"] = rng.pick(strings) }
            if rng.chance(0.7) { traits["seats"] = rng.pick(numbers) }
            if rng.chance(0.5) { traits["active"] = .bool(rng.chance(0.5)) }
            if rng.chance(0.6) { traits["signed_up_at"] = rng.chance(0.8) ? rng.pick(dates) : rng.pick(strings) }
            if rng.chance(0.5) { traits["tags"] = .array((0..<Int(rng.uniform() * 3)).map { _ in rng.chance(0.5) ? rng.pick(strings) : rng.pick(numbers) }) }
            if rng.chance(0.5) { traits["company"] = ["size": rng.pick(numbers), "name": rng.pick(strings)] }
            if rng.chance(0.1) { traits["seats"] = .null }
            messages.append(Message(kind: .identify, messageID: "m\(n)", userID: id, traits: traits, timestamp: t(-90 + rng.uniform() * 10))); n += 1
            if rng.chance(0.5) {
                messages.append(Message(kind: .group, messageID: "m\(n)", userID: id,
                                        traits: ["industry": rng.pick(["fintech", "retail"]), "employees": rng.pick(numbers)],
                                        groupID: "acct\(Int(rng.uniform() * 8))", timestamp: t(-80))); n += 1
            }
            for _ in 0..<Int(rng.uniform() * 12) {
                var props: [String: JSONValue] = [:]
                if rng.chance(0.8) { props["amount"] = rng.pick(numbers) }
                if rng.chance(0.5) { props["kind"] = rng.pick(strings) }
                messages.append(Message(kind: .track, messageID: "m\(n)", userID: id, event: rng.pick(["A", "B", "Logged In"]), properties: props,
                                        timestamp: t(-70 + rng.uniform() * 75))); n += 1
            }
            for _ in 0..<Int(rng.uniform() * 4) {
                orders.append(Order(customerID: id, timestamp: t(-100 + rng.uniform() * 105), amount: rng.pick(numbers).numberValue!,
                                    currency: rng.chance(0.5) ? rng.pick(["EUR", "USD"]) : nil))
            }
            if rng.chance(0.7) { computed["rfm_segment"]![id] = .string(rng.pick(RFMSegment.allCases).rawValue) }
            if rng.chance(0.7) { computed["score"]![id] = rng.pick(numbers) }
        }
        let inputs = Inputs(messages: messages, orders: orders, computed: computed)
        try await inputs.load(into: store.backend)
        let evaluator = ConditionEvaluator(at: at, segments: ["ref": .trait(TraitCondition(source: .trait, path: "plan", predicate: .compare(.eq, "pro")))],
                                           staticMembers: ["vip": ["u1", "u2", "u3"]])
        return Fixture(inputs: inputs, facts: try store.profileFacts(), evaluator: evaluator)
    }

    static func randomPredicate(_ rng: inout SplitMix64, numeric: Bool = false) -> Predicate {
        let op = rng.pick(ComparisonOperator.allCases)
        let pool = numeric ? numbers : (rng.chance(0.4) ? numbers : (rng.chance(0.5) ? strings : dates))
        if !numeric && rng.chance(0.12) {
            switch Int(rng.uniform() * 3) {
            case 0: return .withinLastDays(Int(rng.uniform() * 60) + 1)
            case 1: return .before(try! Timestamp.parse(rng.pick(dates).stringValue!))
            default: return .after(try! Timestamp.parse(rng.pick(dates).stringValue!))
            }
        }
        switch op {
        case .exists: return .compare(.exists, .bool(rng.chance(0.5)))
        case .in, .notIn: return .compare(op, .array((0..<(Int(rng.uniform() * 3) + 1)).map { _ in rng.chance(0.8) ? rng.pick(pool) : .bool(rng.chance(0.5)) }))
        case .between:
            if pool[0].numberValue != nil || numeric {
                let a = rng.pick(numbers).numberValue!, b = rng.pick(numbers).numberValue!
                return .compare(.between, [.number(min(a, b)), .number(max(a, b))])
            }
            let a = try! Timestamp.parse(rng.pick(dates).stringValue!), b = try! Timestamp.parse(rng.pick(dates).stringValue!)
            return .compare(.between, [.string(min(a, b).iso8601), .string(max(a, b).iso8601)])
        case .eq, .neq: return .compare(op, rng.chance(0.15) ? .bool(rng.chance(0.5)) : rng.pick(pool))
        case .contains: return .compare(op, rng.pick(pool))
        case .startsWith: return .compare(op, rng.pick(strings))
        default: return .compare(op, rng.pick(pool))
        }
    }

    static func randomCondition(_ rng: inout SplitMix64, depth: Int) -> Condition {
        let roll = rng.uniform()
        if depth < 3 && roll < 0.25 {
            let children = (0..<(Int(rng.uniform() * 3) + 1)).map { _ in randomCondition(&rng, depth: depth + 1) }
            return rng.chance(0.5) ? .all(children) : .any(children)
        }
        if depth < 3 && roll < 0.32 { return .not(randomCondition(&rng, depth: depth + 1)) }
        if roll < 0.36 { return .segment(rng.pick(["ref", "vip"])) }
        if roll < 0.62 {
            let path = rng.pick(["plan", "seats", "active", "signed_up_at", "tags", "company.size", "company.name", "missing"])
            return .trait(TraitCondition(source: .trait, path: path, predicate: randomPredicate(&rng)))
        }
        if roll < 0.70 {
            return .trait(TraitCondition(source: .computed, path: rng.pick(["rfm_segment", "score"]), predicate: randomPredicate(&rng)))
        }
        if roll < 0.76 {
            return .trait(TraitCondition(source: .accountTrait, path: rng.pick(["industry", "employees"]), predicate: randomPredicate(&rng)))
        }
        let isOrders = rng.chance(0.3)
        let aggregate = rng.pick(Aggregate.allCases)
        let property: String? = [.sum, .avg, .min, .max].contains(aggregate) ? (isOrders ? "amount" : rng.pick(["amount", "kind"])) : nil
        var filters: [PropertyFilter] = []
        if rng.chance(0.3) {
            filters.append(PropertyFilter(property: isOrders ? rng.pick(["amount", "currency"]) : rng.pick(["amount", "kind"]), predicate: randomPredicate(&rng)))
        }
        let window: Window?
        switch Int(rng.uniform() * 4) {
        case 0: window = nil
        case 1: window = .lastDays(Int(rng.uniform() * 40) + 1)
        case 2:
            let a = at.adding(days: -Int(rng.uniform() * 60)).startOfDay
            window = .between(from: a, to: a.adding(days: Int(rng.uniform() * 30)))
        default: window = .sinceSignupDays(Int(rng.uniform() * 30) + 1)
        }
        let op = rng.pick([ComparisonOperator.eq, .neq, .gt, .gte, .lt, .lte, .between, .in, .notIn])
        let value: JSONValue
        switch op {
        case .between: value = [.number(Double(Int(rng.uniform() * 3))), .number(Double(Int(rng.uniform() * 3) + 2))]
        case .in, .notIn: value = [.number(Double(Int(rng.uniform() * 4))), .number(2.5)]
        default: value = .number(rng.chance(0.3) ? 2.5 : Double(Int(rng.uniform() * 5)))
        }
        return .behaviour(BehaviourCondition(source: isOrders ? .orders : .event(rng.pick(["A", "B", "Logged In"])), aggregate: aggregate,
                                             property: property, filters: filters, window: window, op: op, value: value))
    }

    @Test(arguments: ContractBackend.available, [1, 2, 3] as [UInt64])
    func compiledSQLAgreesWithTheEvaluatorOnRandomDefinitions(backend: ContractBackend, seed: UInt64) async throws {
        let f = try await Self.fixture(seed: seed)
        try await backend.with { store in
            try await f.inputs.load(into: store)
            var rng = SplitMix64(seed: seed &* 7919)
            var disagreements: [String] = []
            var informative = 0
            for _ in 0..<250 {
                let c = Self.randomCondition(&rng, depth: 0)
                let sql = Set(try await store.matchingProfiles(c, asOf: Self.at))
                let reference = Set(f.facts.filter { f.evaluator.matches(c, $0) }.map(\.id))
                if !reference.isEmpty && reference.count < f.facts.count { informative += 1 }
                if sql != reference && disagreements.count < 3 {
                    disagreements.append("\(ConditionRenderer.text(c)): SQL-only \(sql.subtracting(reference).sorted()), evaluator-only \(reference.subtracting(sql).sorted())")
                }
            }
            #expect(disagreements.isEmpty, "\(disagreements)")
            // The generator must produce conditions that split the profiles, not only all-or-nothing ones.
            #expect(informative >= 100)
        }
    }
}
