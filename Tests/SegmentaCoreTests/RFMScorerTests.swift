import Testing
@testable import SegmentaCore

@Suite struct RFMScorerTests {
    func day(_ s: String) -> Timestamp { try! Timestamp.parse(s) }

    /// Six customers scored by hand (and checked with pandas qcut(rank(method="first"))):
    /// ids sort 1, 2, 3, 10, a, b; ties in recency and monetary are broken by that order.
    @Test func scoresAHandComputedCaseWithTiesAndTextIds() throws {
        let orders = [
            Order(customerID: "1", timestamp: day("2026-01-10"), amount: 10),
            Order(customerID: "2", timestamp: day("2026-01-01"), amount: 20),
            Order(customerID: "2", timestamp: day("2026-01-05"), amount: 30),
            Order(customerID: "3", timestamp: day("2025-12-01"), amount: 100),
            Order(customerID: "10", timestamp: day("2026-01-09"), amount: 5),
            Order(customerID: "10", timestamp: day("2026-01-09"), amount: 5),
            Order(customerID: "10", timestamp: day("2026-01-10"), amount: 5),
            Order(customerID: "b", timestamp: day("2025-11-01"), amount: 50),
            Order(customerID: "a", timestamp: day("2026-01-08"), amount: 40),
        ]
        let result = try RFMScorer.score(CustomerTotals.from(orders))
        #expect(result.asOf == day("2026-01-11"))
        #expect(result.customers.map(\.customerID) == ["1", "2", "3", "10", "a", "b"])
        #expect(result.customers.map(\.recency) == [1, 6, 41, 1, 3, 71])
        #expect(result.customers.map(\.frequency) == [1, 2, 1, 3, 1, 1])
        #expect(result.customers.map(\.monetary) == [10, 50, 100, 15, 40, 50])
        #expect(result.customers.map(\.r) == [4, 2, 1, 5, 3, 1])
        #expect(result.customers.map(\.f) == [1, 4, 1, 5, 2, 3])
        #expect(result.customers.map(\.m) == [1, 3, 5, 1, 2, 4])
        #expect(result.customers.map(\.fm) == [1, 4, 3, 3, 2, 4])
        #expect(result.customers.map(\.segment) == [.promising, .atRisk, .atRisk, .loyalCustomers, .needAttention, .cannotLoseThem])
        #expect(result.grid[3][0] == 1 && result.grid.flatMap { $0 }.reduce(0, +) == 6)
    }

    @Test func scoreFormulaMatchesQcutOfRanks() {
        // n = 11: ⌈5k/10⌉ for k = 0…10, at least 1 — the bins pandas qcut(range(1, 12), 5) gives.
        let scores = RFMScorer.quantileScores((0..<11).map(Double.init), descending: false, bins: 5)
        #expect(scores == [1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
    }

    @Test func equalValuesAreSpreadByCustomerOrder() {
        let scores = RFMScorer.quantileScores(Array(repeating: 42, count: 10), descending: false, bins: 5)
        #expect(scores == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
    }

    @Test("ranks by counting (whole numbers in a narrow span) equal ranks by sorting (value, position), both directions")
    func countingRanksMatchSortedRanks() {
        var rng = SplitMix64(seed: 11)
        for (count, span, offset) in [(1, 1, 0), (50, 3, -2), (2_000, 400, 17), (5_000, 5_000, -2_500)] {
            let values = (0..<count).map { _ in Double(Int(rng.next() % UInt64(span)) + offset) }
            for descending in [false, true] {
                var pairs = values.enumerated().map { (descending ? -$0.element : $0.element, $0.offset) }
                pairs.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                var expected = [Int](repeating: 0, count: count)
                for (k, (_, i)) in pairs.enumerated() { expected[i] = k }
                #expect(RFMScorer.countingRanks(values, descending: descending) == expected)
            }
        }
        // Fractions, a span far wider than the count, or huge values: not counted (the sort ranks them).
        #expect(RFMScorer.countingRanks([1.5, 2], descending: false) == nil)
        #expect(RFMScorer.countingRanks([0, 1e9], descending: false) == nil)
        #expect(RFMScorer.countingRanks([1e300, 1e300], descending: false) == nil)
    }

    @Test("the radix sort orders positions like a stable comparison sort: integers with ties, and amounts with signs, zeros and infinities")
    func radixOrderMatchesStableSort() {
        var rng = SplitMix64(seed: 23)
        for (count, mask) in [(0, UInt64.max), (1, UInt64.max), (3_000, 0xff), (3_000, 0xffff_0000_ffff), (70_000, UInt64.max)] {
            let keys = (0..<count).map { _ in rng.next() & mask }
            let expected = Array(0..<count).sorted { keys[$0] < keys[$1] || (keys[$0] == keys[$1] && $0 < $1) }
            #expect(RadixOrder.positions(keys) == expected)
        }
        let amounts: [Double] = [12.5, -3, 0, -0.0, .infinity, -.infinity, 1e-300, -1e-300, 12.5, 99_999.99, -0.0, 0.01] +
            (0..<2_000).map { _ in Double(Int(rng.next() % 20_001) - 10_000) / 100 }
        for descending in [false, true] {
            var pairs = amounts.enumerated().map { (descending ? -$0.element : $0.element, $0.offset) }
            pairs.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
            var expected = [Int](repeating: 0, count: amounts.count)
            for (k, (_, i)) in pairs.enumerated() { expected[i] = max(1, (5 * k + amounts.count - 2) / (amounts.count - 1)) }
            #expect(RFMScorer.quantileScores(amounts, descending: descending, bins: 5) == expected)
        }
        #expect(RadixOrder.key(.nan) == nil)
        #expect(RFMScorer.quantileScores([1, .nan, 3, 2], descending: false, bins: 2).count == 4)   // NaN: the comparison sort
    }

    @Test func emptyInputGivesNoCustomers() throws {
        let result = try RFMScorer.score(CustomerTotals())
        #expect(result.customers.isEmpty && result.summary.isEmpty)
    }

    @Test func oneCustomerGetsTheMiddleScore() throws {
        let result = try RFMScorer.score(CustomerTotals.from([Order(customerID: "x", timestamp: day("2026-01-01"), amount: 9)]))
        #expect(result.customers.count == 1)
        #expect(result.customers[0].r == 3 && result.customers[0].f == 3 && result.customers[0].m == 3)
        #expect(result.customers[0].segment == .potentialLoyalist)
        #expect(result.customers[0].recency == 1)
    }

    @Test func asOfMovesTheSnapshot() throws {
        let orders = [Order(customerID: "1", timestamp: day("2026-01-01"), amount: 1)]
        let result = try RFMScorer.score(CustomerTotals.from(orders), asOf: day("2026-02-01"))
        #expect(result.customers[0].recency == 31)
    }

    @Test func ownCutPointsAreClosedOnTheRight() throws {
        var options = RFMOptions()
        try options.applyCutPoints("r=30,90,180,365;f=1,2,5,10;m=50,100,500,1000")
        let snapshot = day("2026-01-01")
        let orders = [
            Order(customerID: "1", timestamp: snapshot.adding(days: -30), amount: 50),   // r=5 (30 ≤ 30), m=1
            Order(customerID: "2", timestamp: snapshot.adding(days: -31), amount: 50.01),// r=4, m=2
            Order(customerID: "3", timestamp: snapshot.adding(days: -400), amount: 2000),// r=1, m=5
        ]
        let result = try RFMScorer.score(CustomerTotals.from(orders), asOf: snapshot, options: options)
        #expect(result.customers.map(\.r) == [5, 4, 1])
        #expect(result.customers.map(\.f) == [1, 1, 1])
        #expect(result.customers.map(\.m) == [1, 2, 5])
    }

    @Test(arguments: ["r=1,2,3", "x=1,2,3,4", "r=4,3,2,1", "r=1,2,a,4", "r"])
    func badCutPointsSayWhatIsWrong(spec: String) {
        var options = RFMOptions()
        #expect(throws: SegmentaError.self) { try options.applyCutPoints(spec) }
    }

    @Test func otherBinCountsScoreWithoutSegmentNames() throws {
        let orders = (1...8).map { Order(customerID: String($0), timestamp: day("2026-01-01").adding(days: $0), amount: Double($0)) }
        let result = try RFMScorer.score(CustomerTotals.from(orders), options: RFMOptions(bins: 4))
        // pandas: qcut(range(8), 4) puts 0–1, 2–3, 4–5, 6–7 in bins 1…4.
        #expect(result.customers.map(\.m) == [1, 1, 2, 2, 3, 3, 4, 4])
        #expect(result.customers.allSatisfy { $0.segment == nil })
    }

    @Test func everyGridCellHasExactlyOneName() {
        var named = 0
        for r in 1...5 { for fm in 1...5 where RFMSegment.named(r: r, fm: fm) != nil { named += 1 } }
        #expect(named == 25)
        #expect(RFMSegment.named(r: 1, fm: 1) == .lost && RFMSegment.named(r: 5, fm: 5) == .champions && RFMSegment.named(r: 1, fm: 2) == .hibernating)
    }
}

@Suite struct RFMRecencyDayTests {
    @Test("two orders on the same day share a recency, whatever their time of day")
    func sameDaySameRecency() throws {
        let day = try Timestamp.parse("2026-03-10")
        let orders = [
            Order(id: "1", customerID: "a", timestamp: day, amount: 10),
            Order(id: "2", customerID: "b", timestamp: day.adding(days: 0).addingMilliseconds(23 * 3_600_000 + 55 * 60_000), amount: 10),
            Order(id: "3", customerID: "c", timestamp: day.adding(days: -4).addingMilliseconds(15 * 3_600_000), amount: 10),
        ]
        let r = try RFMScorer.score(CustomerTotals.from(orders), asOf: try Timestamp.parse("2026-03-12T08:00:00Z"))
        let recency = Dictionary(uniqueKeysWithValues: r.customers.map { ($0.customerID, $0.recency) })
        #expect(recency["a"] == 2)
        #expect(recency["b"] == 2)   // was 1: 23:55 on the 10th to 08:00 on the 12th is 1.3 days
        #expect(recency["c"] == 6)
    }
}

extension Timestamp {
    func addingMilliseconds(_ ms: Int64) -> Timestamp { Timestamp(milliseconds: milliseconds + ms) }
}

@Suite struct RFMRefundTests {
    static let orders = [
        Order(id: "1", customerID: "a", timestamp: Timestamp(year: 2026, month: 3, day: 1), amount: 100),
        Order(id: "2", customerID: "a", timestamp: Timestamp(year: 2026, month: 3, day: 9), amount: -40),   // refund, later
        Order(id: "3", customerID: "b", timestamp: Timestamp(year: 2026, month: 3, day: 5), amount: 30),
        Order(id: "4", customerID: "c", timestamp: Timestamp(year: 2026, month: 3, day: 8), amount: -10),   // refunds only
    ]

    @Test("a refund lowers monetary but is no purchase: not counted in frequency, not more recent; refunds-only is no customer")
    func refundsSubtract() throws {
        let t = CustomerTotals.from(Self.orders)
        #expect(t.ids == ["a", "b"])
        #expect(t.count == [1, 1])
        #expect(t.monetary == [60, 30])
        #expect(t.last == [Timestamp(year: 2026, month: 3, day: 1), Timestamp(year: 2026, month: 3, day: 5)])
    }

    @Test("--refunds as-orders keeps the old rule: every row is an order")
    func refundsAsOrders() throws {
        let t = CustomerTotals.from(Self.orders, refunds: .asOrders)
        #expect(t.ids == ["a", "b", "c"])
        #expect(t.count == [2, 1, 1])
        #expect(t.monetary == [60, 30, -10])
    }

    @Test("the file scan and the store's SQL aggregate follow the same rule as the in-memory totals")
    func sameRuleOnEveryPath() throws {
        var text = "customer_id,date,amount\na,2026-03-01,100\na,2026-03-09,-40\nb,2026-03-05,30\nc,2026-03-08,-10\n"
        let scanned = try text.withUTF8 { bytes in
            try OrderFileScan.totals(bytes, options: DelimitedFileOptions(), columns: OrderColumns(), policy: .fail, fileName: "o.csv", parallelism: 1).totals
        }
        #expect(scanned == CustomerTotals.from(Self.orders))
    }
}

@Suite struct RefundsElsewhereTests {
    @Test("lifecycle and the CLV summaries count purchases only: a later refund is not activity, not a repeat purchase")
    func purchasesOnly() throws {
        let orders = [
            Order(id: "1", customerID: "a", timestamp: Timestamp(year: 2026, month: 1, day: 1), amount: 100),
            Order(id: "2", customerID: "a", timestamp: Timestamp(year: 2026, month: 3, day: 1), amount: -100),   // returned
            Order(id: "3", customerID: "b", timestamp: Timestamp(year: 2026, month: 3, day: 1), amount: 20),
        ]
        let life = LifecycleClassifier.classify(orders: orders, asOf: Timestamp(year: 2026, month: 3, day: 2))
        let a = try #require(life.customers.first { $0.customerID == "a" })
        #expect(a.orders == 1)
        #expect(a.daysSinceLast == 60)   // from 1 January, not from the refund
        let summary = CustomerSummaryBuilder.summarize(orders)
        let sa = try #require(summary.first { $0.customerID == "a" })
        #expect(sa.frequency == 0)       // the refund is no repeat purchase
    }
}
