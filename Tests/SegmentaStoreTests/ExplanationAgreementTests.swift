import Testing
@testable import SegmentaCore
@testable import SegmentaStore

/// `segments explain` must never contradict membership: on random stores and definitions, the
/// explanation's root holds exactly for the profiles the compiled SQL selects, and changing the
/// leaves it names as blocking flips the root.
@Suite struct ExplanationAgreementTests {
    /// The tree's answer with some leaves' outcomes reversed (by path).
    static func held(_ e: ConditionExplainer.Explanation, flipping: Set<[Int]>) -> Bool {
        switch e.kind {
        case "all": return e.children.allSatisfy { held($0, flipping: flipping) }
        case "any": return e.children.contains { held($0, flipping: flipping) }
        case "not": return !(e.children.first.map { held($0, flipping: flipping) } ?? true)
        case "segment" where !e.children.isEmpty: return e.children.allSatisfy { held($0, flipping: flipping) }
        default: return flipping.contains(e.path) ? !e.held : e.held
        }
    }

    @Test(arguments: [1, 2] as [UInt64])
    func explanationsAgreeWithMembershipOnEveryProfile(seed: UInt64) async throws {
        let f = try await ConditionSQLAgreementTests.fixture(seed: seed)
        let store = try SQLiteStore().backend
        try await f.inputs.load(into: store)
        let explainer = ConditionExplainer(evaluator: f.evaluator)
        var rng = SplitMix64(seed: seed &* 104_729)
        var problems: [String] = []
        var blockingChecked = 0
        for _ in 0..<120 {
            let c = ConditionSQLAgreementTests.randomCondition(&rng, depth: 0)
            let members = Set(try await store.matchingProfiles(c, asOf: ConditionSQLAgreementTests.at))
            for p in f.facts {
                let e = explainer.explain(c, p)
                if e.held != members.contains(p.id) && problems.count < 3 {
                    problems.append("\(p.id) \(ConditionRenderer.text(c)): explained \(e.held), member \(members.contains(p.id))")
                }
                // Reversing the outcome of every blocking leaf (a leaf under `not` blocks by holding)
                // must reverse the root.
                let blocking = explainer.blocking(e)
                guard !blocking.isEmpty else {
                    if problems.count < 3 { problems.append("\(p.id) \(ConditionRenderer.text(c)): nothing named as blocking") }
                    continue
                }
                if Self.held(e, flipping: Set(blocking.map(\.path))) == e.held && problems.count < 3 {
                    problems.append("\(p.id) \(ConditionRenderer.text(c)): reversing \(blocking.map(\.text)) does not change the answer")
                }
                blockingChecked += 1
            }
        }
        #expect(problems.isEmpty, "\(problems)")
        #expect(blockingChecked > 5_000)
    }

    @Test func aHandComputedExplanation() throws {
        let at = try Timestamp.parse("2026-06-30T00:00:00Z")
        let logins = (1...4).map { ProfileFacts.Event(name: "Logged In", timestamp: at.adding(days: -$0 * 10)) }   // 10, 20, 30, 40 days ago
        let carol = ProfileFacts(id: "carol", traits: ["plan": "pro"], events: logins)
        let c = try ConditionParser.condition(try JSONTextParser.parse("""
            {"all": [{"trait": "plan", "op": "eq", "value": "pro"},
                     {"event": "Logged In", "window": {"last_days": 20}, "op": "gte", "value": 3},
                     {"not": {"trait": "country", "op": "eq", "value": "FR"}}]}
            """))
        let explainer = ConditionExplainer(evaluator: ConditionEvaluator(at: at))
        let e = explainer.explain(c, carol)
        #expect(!e.held)
        #expect(e.children.map(\.held) == [true, false, true])
        #expect(e.children[0].value == "pro")
        #expect(e.children[1].value == 2)            // 10 and 20 days ago are within the last 20 days
        #expect(e.children[2].children[0].value == nil && !e.children[2].children[0].held)   // no country
        #expect(explainer.blocking(e).map(\.path) == [[1]])
        // A member: breaking any one of the three would make her leave; the explainer names one.
        let member = explainer.explain(.all([c.allChildren[0], c.allChildren[2]]), carol)
        #expect(member.held && explainer.blocking(member).count == 1)
    }
}

extension Condition {
    var allChildren: [Condition] { if case .all(let cs) = self { return cs }; return [] }
}
