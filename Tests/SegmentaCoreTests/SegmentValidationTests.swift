import Testing
@testable import SegmentaCore

@Suite struct SegmentValidationTests {
    func inputs(size: Int = 500, overlaps: [String: Double] = [:], reachable: Double = 0.9, card: [String: String] = ["objective": "o", "actions": "a"],
                comparison: [SegmentComparison.Row]? = nil, present: [String: Double] = ["plan": 1]) -> SegmentValidation.Inputs {
        let churnA = [Double](repeating: 1, count: 40) + [Double](repeating: 0, count: 60)
        let churnB = [Double](repeating: 1, count: 10) + [Double](repeating: 0, count: 90)
        let rows = comparison ?? SegmentComparison.compare([(.churn, churnA, churnB)], names: ("s", "rest"))
        return SegmentValidation.Inputs(name: "s", size: size, population: 10_000, comparison: rows, overlaps: overlaps, dataPresent: present,
                                        daysSinceRefresh: 0.5, reachable: reachable, card: card)
    }

    func status(_ criteria: [SegmentValidation.Criterion], _ name: String) -> SegmentValidation.Status? {
        criteria.first { $0.name == name }?.status
    }

    @Test func aGoodSegmentPassesEverything() {
        let c = SegmentValidation.evaluate(inputs())
        #expect(c.map(\.status) == [.pass, .pass, .pass, .pass, .pass])
        #expect(c.map(\.name) == ["distinct", "measurable", "accessible", "substantial", "actionable"])
    }

    @Test func eachCriterionFailsForItsOwnReason() {
        let none = SegmentComparison.compare([(.orders, [1, 2, 3, 4], [1, 2, 3, 4])], names: ("s", "rest"))
        #expect(status(SegmentValidation.evaluate(inputs(comparison: none)), "distinct") == .fail)
        #expect(status(SegmentValidation.evaluate(inputs(overlaps: ["twin": 0.93])), "distinct") == .warn)
        #expect(status(SegmentValidation.evaluate(inputs(present: ["plan": 0.5])), "measurable") == .warn)
        #expect(status(SegmentValidation.evaluate(inputs(reachable: 0.3)), "accessible") == .fail)
        #expect(status(SegmentValidation.evaluate(inputs(reachable: 0.6)), "accessible") == .warn)
        let narrow = SegmentValidation.evaluate(inputs(size: 40))
        #expect(status(narrow, "substantial") == .fail)
        #expect(narrow.first { $0.name == "substantial" }!.reason.hasPrefix("too narrow: 40 members (0.4%)"))
        #expect(status(SegmentValidation.evaluate(inputs(card: ["objective": "o"])), "actionable") == .warn)
        #expect(status(SegmentValidation.evaluate(inputs(card: [:])), "actionable") == .fail)
    }
}
