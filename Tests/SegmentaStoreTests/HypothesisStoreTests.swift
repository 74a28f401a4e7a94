import Testing
@testable import SegmentaCore
@testable import SegmentaStore

@Suite struct HypothesisStoreTests {
    func t(_ s: String) -> Timestamp { try! Timestamp.parse(s) }

    @Test func exposureOutcomesAndEligibilityAreWhatTheHypothesisSays() async throws {
        let s = try SQLiteStore()
        var m: [Message] = []
        // a, b connect within 7 days of signup; c connects on day 10; d never. b and d churn. e signed up too recently.
        for (id, signup) in [("a", "2026-01-01"), ("b", "2026-01-01"), ("c", "2026-01-01"), ("d", "2026-01-01"), ("e", "2026-03-25")] {
            m.append(Message(kind: .identify, messageID: "i\(id)", userID: id, traits: ["signed_up_at": .string(signup)], timestamp: t(signup)))
        }
        m.append(Message(kind: .track, messageID: "1", userID: "a", event: "Integration Connected", timestamp: t("2026-01-03")))
        m.append(Message(kind: .track, messageID: "2", userID: "b", event: "Integration Connected", timestamp: t("2026-01-07T23:00:00Z")))
        m.append(Message(kind: .track, messageID: "3", userID: "c", event: "Integration Connected", timestamp: t("2026-01-10")))
        m.append(Message(kind: .track, messageID: "4", userID: "e", event: "Integration Connected", timestamp: t("2026-03-26")))
        m.append(Message(kind: .identify, messageID: "5", userID: "b", traits: ["churned": true], timestamp: t("2026-02-01")))
        m.append(Message(kind: .identify, messageID: "6", userID: "d", traits: ["churned": true], timestamp: t("2026-02-01")))
        _ = try s.apply(m, source: "t", arrival: t("2026-03-30"))
        let h = Hypothesis(name: "h", event: "Integration Connected", withinDays: 7, outcome: .churned)
        try await s.backend.createHypothesis(h)
        #expect(try await s.backend.hypotheses() == [h])
        await #expect(throws: SegmentaError.self) { try await s.backend.createHypothesis(h) }
        let now = t("2026-03-30")
        let signups = try s.signupTimes()
        let eligible = Set(signups.filter { $0.value <= now.adding(days: -7) }.keys)
        #expect(eligible == ["a", "b", "c", "d"])
        let exposed = Set(try s.matchingProfiles(h.exposure, asOf: now)).intersection(eligible)
        #expect(exposed == ["a", "b"])
        let values = try s.outcomeValues(.churned, signups: signups, asOf: now)
        #expect(values["a"] == 0 && values["b"] == 1 && values["c"] == 0 && values["d"] == 1)
        let result = h.test(exposed: exposed.sorted().map { values[$0]! }, unexposed: eligible.subtracting(exposed).sorted().map { values[$0]! })
        #expect(result.exposed == 2 && result.unexposed == 2)
        #expect(result.comparison.a == 0.5 && result.comparison.b == 0.5)
        #expect(result.warning.hasPrefix("observational"))
    }
}
