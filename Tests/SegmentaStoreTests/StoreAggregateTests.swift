import Foundation
import Testing
@testable import SegmentaCore
@testable import SegmentaStore

/// Aggregates the database computes per customer agree with the in-memory computations from every
/// order (the reference that the CDNOW, lifetimes and pandas checks pin).
@Suite struct StoreAggregateTests {
    /// Random orders: several per day, refunds, and times before 1970 (floor division of days).
    func randomStore(seed: UInt64) throws -> (SQLiteStore, [Order]) {
        var rng = SplitMix64(seed: seed)
        var orders: [Order] = []
        let base = Timestamp(milliseconds: -40 * 86_400_000)
        for i in 0..<600 {
            let customer = "c\(Int(rng.next() % 60))"
            let t = base.adding(days: Int(rng.next() % 120)).milliseconds + Int64(rng.next() % 86_400_000)
            let cents = Double(Int(rng.next() % 20_000)) / 100
            let amount = rng.next() % 10 == 0 ? -cents : cents
            orders.append(Order(id: "o\(i)", customerID: customer, timestamp: Timestamp(milliseconds: t), amount: amount))
        }
        let store = try SQLiteStore()
        _ = try store.importOrders(orders, source: "test")
        return (store, try store.orders(before: nil))
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func btydSummariesFromSQLMatchTheSummaryBuilder(seed: UInt64) throws {
        let (store, orders) = try randomStore(seed: seed)
        for unit in [TimeUnit.day, .week] {
            let end = try #require(orders.map(\.timestamp).max()).adding(days: -20)
            let expected = CustomerSummaryBuilder.summarize(orders, calibrationEnd: end, unit: unit)
            let got = try store.customerSummaries(throughDay: end.epochDay, unit: unit)
            #expect(got.map(\.customerID) == expected.map(\.customerID))
            for (g, e) in zip(got, expected) {
                #expect(g.frequency == e.frequency && g.recency == e.recency && g.T == e.T, "\(g.customerID)")
                #expect(abs(g.monetary - e.monetary) <= 1e-9 * max(1, abs(e.monetary)), "\(g.customerID): \(g.monetary) vs \(e.monetary)")
            }
        }
    }

    @Test(arguments: [UInt64(4), 5])
    func lifecycleFromPurchaseTimesMatchesTheClassifierOnOrders(seed: UInt64) throws {
        let (store, orders) = try randomStore(seed: seed)
        _ = try store.importProfiles([ProfileFileReader.Row(line: 2, id: "prospect-1", traits: [:])], at: .now)
        for asOf in [nil, Timestamp(milliseconds: 30 * 86_400_000)] {
            let expected = LifecycleClassifier.classify(orders: orders, prospects: try store.profileIDs(), asOf: asOf)
            let latest = try store.latestOrderTime()
            let snapshot = asOf ?? LifecycleClassifier.defaultSnapshot(latestOrder: latest)
            let got = LifecycleClassifier.classify(purchases: try store.purchaseTimes(before: snapshot), prospects: try store.profileIDs(), asOf: snapshot)
            #expect(snapshot == expected.asOf)
            #expect(got == expected.customers)
        }
    }
}
