import Testing
@testable import SegmentaCore

@Suite struct LifecycleClassifierTests {
    let asOf = try! Timestamp.parse("2026-06-01")
    func ago(_ days: Int) -> Timestamp { asOf.adding(days: -days) }

    @Test func stagesFollowTheDocumentedRules() {
        let o = LifecycleOptions()
        #expect(LifecycleClassifier.classify(id: "p", orders: [], asOf: asOf, options: o).stage == .prospect)
        #expect(LifecycleClassifier.classify(id: "n", orders: [ago(30)], asOf: asOf, options: o).stage == .new)
        #expect(LifecycleClassifier.classify(id: "x", orders: [ago(31)], asOf: asOf, options: o).stage == .active)
        // One order day: at risk after more than 90 days.
        #expect(LifecycleClassifier.classify(id: "x", orders: [ago(90)], asOf: asOf, options: o).stage == .active)
        #expect(LifecycleClassifier.classify(id: "x", orders: [ago(91)], asOf: asOf, options: o).stage == .atRisk)
        // Gaps 10 and 20 days → median 15 → at risk after more than 30 days.
        let regular = [ago(130), ago(120), ago(100)]
        #expect(LifecycleClassifier.classify(id: "r", orders: regular, asOf: asOf.adding(days: -70), options: o).stage == .active)
        #expect(LifecycleClassifier.classify(id: "r", orders: regular, asOf: asOf, options: o).stage == .atRisk)
        let a = LifecycleClassifier.classify(id: "r", orders: regular, asOf: asOf, options: o)
        #expect(a.medianGapDays == 15 && a.daysSinceLast == 100 && a.orders == 3)
        // Lost after more than 365 days, whatever the pace.
        #expect(LifecycleClassifier.classify(id: "l", orders: [ago(500), ago(366)], asOf: asOf, options: o).stage == .lost)
        // Same-day orders count as one order day.
        #expect(LifecycleClassifier.classify(id: "s", orders: [ago(95), ago(95)], asOf: asOf, options: o).stage == .atRisk)
    }

    @Test("orders grouped by sorting give what grouping per customer gives (the store's path): numeric and text ids, refunds, late orders, prospects")
    func groupingBySortMatchesGroupingPerCustomer() {
        var rng = SplitMix64(seed: 5)
        for textIDs in [false, true] {
            let orders = (0..<4_000).map { _ in
                let n = Int(rng.next() % 700)
                return Order(customerID: textIDs && n % 3 == 0 ? "c-\(n)" : String(repeating: "0", count: n % 4 == 0 ? 1 : 0) + String(n),
                             timestamp: Timestamp(milliseconds: asOf.adding(days: -Int(rng.next() % 800)).milliseconds + Int64(rng.next() % 86_400_000)),
                             amount: Double(Int(rng.next() % 200)) - 20)
            }
            let snapshot = asOf.adding(days: -30)
            var byCustomer: [String: [Timestamp]] = [:]
            for o in orders where o.timestamp < snapshot && o.amount >= 0 { byCustomer[o.customerID, default: []].append(o.timestamp) }
            let prospects = ["zz", "5", "c-1", "zz", "0"]
            let expected = LifecycleClassifier.classify(purchases: byCustomer, prospects: prospects, asOf: snapshot)
            let (at, result) = LifecycleClassifier.classify(orders: orders, prospects: prospects, asOf: snapshot)
            #expect(at == snapshot)
            #expect(result == expected)
            #expect(LifecycleClassifier.classify(orders: orders, asOf: snapshot).customers == LifecycleClassifier.classify(purchases: byCustomer, asOf: snapshot))
        }
    }

    @Test func manyCustomersComeBackInCustomerOrderWithProspects() {
        let orders = [Order(customerID: "10", timestamp: ago(5), amount: 1), Order(customerID: "9", timestamp: ago(400), amount: 1)]
        let (snapshot, result) = LifecycleClassifier.classify(orders: orders, prospects: ["z", "10"])
        #expect(snapshot == asOf.adding(days: -5).startOfDay.adding(days: 1))
        #expect(result.map(\.customerID) == ["9", "10", "z"])
        #expect(result.map(\.stage) == [.lost, .new, .prospect])
    }
}

@Suite struct CohortRetentionTests {
    func t(_ s: String) -> Timestamp { try! Timestamp.parse(s) }

    /// Three customers: a (Jan, active Jan+Feb+Apr), b (Jan only), c (Mar, active Mar+Apr). Data ends in April.
    @Test func handComputedMonthlyTableWithCensoring() {
        let acts: [CohortRetention.Activity] = [
            .init(customerID: "a", timestamp: t("2026-01-05")), .init(customerID: "a", timestamp: t("2026-01-20")),
            .init(customerID: "a", timestamp: t("2026-02-01")), .init(customerID: "a", timestamp: t("2026-04-30T23:00:00Z")),
            .init(customerID: "b", timestamp: t("2026-01-31")),
            .init(customerID: "c", timestamp: t("2026-03-15")), .init(customerID: "c", timestamp: t("2026-04-01")),
        ]
        let cells = CohortRetention.compute(activity: acts, period: .month)
        let rows = cells.map { "\($0.cohort) k\($0.period) \($0.active)/\($0.size)" }
        #expect(rows == ["2026-01 k0 2/2", "2026-01 k1 1/2", "2026-01 k2 0/2", "2026-01 k3 1/2", "2026-03 k0 1/1", "2026-03 k1 1/1"])
        #expect(cells[1].retention == 0.5)
    }

    @Test func weeksStartOnMonday() {
        // 2026-11-22 is a Sunday, 2026-11-23 a Monday.
        #expect(CohortPeriod.week.label(of: CohortPeriod.week.index(of: t("2026-11-22"))) == "2026-11-16")
        #expect(CohortPeriod.week.label(of: CohortPeriod.week.index(of: t("2026-11-23"))) == "2026-11-23")
        #expect(CohortPeriod.month.label(of: CohortPeriod.month.index(of: t("1969-12-31"))) == "1969-12")
    }

    @Test func groupsAndSignupStartsSplitAndAnchorCohorts() {
        let acts: [CohortRetention.Activity] = [
            .init(customerID: "a", timestamp: t("2026-02-10")), .init(customerID: "b", timestamp: t("2026-01-10")),
        ]
        let cells = CohortRetention.compute(activity: acts, period: .month, groups: ["a": "ads"],
                                            cohortStarts: ["a": t("2026-01-01"), "b": t("2026-01-02")])
        #expect(cells.map { "\($0.group!) \($0.cohort) k\($0.period) \($0.active)/\($0.size)" }
            == ["(none) 2026-01 k0 1/1", "(none) 2026-01 k1 0/1", "ads 2026-01 k0 0/1", "ads 2026-01 k1 1/1"])
    }

    @Test func noActivityGivesAnEmptyTable() {
        #expect(CohortRetention.compute(activity: [], period: .week).isEmpty)
    }
}
