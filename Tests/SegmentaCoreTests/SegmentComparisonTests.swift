import Testing
@testable import SegmentaCore

@Suite struct SegmentComparisonTests {
    @Test func sharesAreTestedAsProportionsWithAVerdictInWords() {
        // Churn: A 30/100 vs B 10/100. z = 0.2 / √(0.2·0.8·(1/100 + 1/100)) = 3.5355, p = 2·(1 − Φ(3.5355)) = 0.000407.
        let a = [Double](repeating: 1, count: 30) + [Double](repeating: 0, count: 70)
        let b = [Double](repeating: 1, count: 10) + [Double](repeating: 0, count: 90)
        let rows = SegmentComparison.compare([(.churn, a, b)], names: ("trial users", "the rest"))
        let r = rows[0]
        #expect(abs(r.a - 0.3) < 1e-12 && abs(r.b - 0.1) < 1e-12)
        #expect(abs(r.pValue - 0.000407) < 2e-6)
        #expect(abs(r.effectSize - 3) < 1e-12)
        #expect(r.ci.low < 0.2 && r.ci.high > 0.2 && r.ci.low > 0.08)
        #expect(r.verdict == "trial users churns 3.0× as often as the rest (30.0% vs 10.0%, p < 0.001)")
    }

    @Test func pValuesAreHolmAdjustedAcrossKPIs() {
        let same = (0..<50).map { Double($0 % 7) }
        let rows = SegmentComparison.compare([(.revenue, same, same.map { $0 + 3 }), (.orders, same, same)], names: ("A", "B"))
        #expect(rows[1].pAdjusted == 1)
        #expect(rows[0].pAdjusted == min(1, rows[0].pValue * 2))
        #expect(rows[1].verdict == "no significant difference in orders per customer between A and B (p = 1.000)")
    }

    @Test(arguments: ["revenue", "aov", "active:30", "adoption:Report Shared:14", "nps"])
    func kpisParse(text: String) throws {
        #expect(try KPI(parsing: text).key == text)
    }

    @Test(arguments: ["profit", "active", "active:x", "adoption::3"])
    func badKPIsAreRefused(text: String) {
        #expect(throws: SegmentaError.self) { try KPI(parsing: text) }
    }
}
