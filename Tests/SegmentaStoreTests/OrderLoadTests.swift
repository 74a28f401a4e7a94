import Foundation
import GRDB
import Testing
@testable import SegmentaCore
@testable import SegmentaStore

@Suite("Bulk order loads")
struct OrderLoadTests {
    func t(_ s: String) throws -> Timestamp { try Timestamp.parse(s) }

    func storedIDs(_ store: SQLiteStore) throws -> [String] {
        try store.read { db in try String.fetchAll(db, sql: "SELECT order_id FROM orders ORDER BY order_id") }
    }

    @Test("rows are written in the byte order of their ids, given and generated mixed; a repeated id keeps its first row")
    func keyOrderMergesGivenAndGeneratedIDs() throws {
        let day = try t("2026-02-01")
        var orders = (0..<40).map { Order(customerID: "c\($0 % 7)", timestamp: day.adding(days: $0 % 5), amount: Double($0)) }
        var occurrences: [DerivedID: Int] = [:]
        let generated = OrderLoad.ids(orders, occurrences: &occurrences).ids
        // Given ids placed between generated ones (same "auto:" prefix), before and after them all.
        let between = generated.sorted()[20].dropLast() + "0"
        orders += [Order(id: String(between), customerID: "g", timestamp: day, amount: 1), Order(id: "A", customerID: "g", timestamp: day, amount: 2),
                   Order(id: "zz", customerID: "g", timestamp: day, amount: 3), Order(id: "A", customerID: "h", timestamp: day, amount: 4)]
        var load = OrderLoad()
        try load.add(Array(orders.prefix(30)))
        try load.add(Array(orders.dropFirst(30)))
        let all = generated + [String(between), "A", "zz", "A"]
        let order = load.keyOrder()
        #expect(order.map { all[$0] } == all.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        #expect(order.firstIndex(of: 41) ?? 99 < order.firstIndex(of: 43) ?? 0)   // the two "A" rows in file order

        let store = try SQLiteStore()
        let r = try store.importOrders(source: "f") { emit in try emit(orders) }
        #expect(r.inserted == 43 && r.duplicates == 1)
        #expect(try store.orders(before: nil).first { $0.id == "A" }?.customerID == "g")
    }

    @Test("a large first load and small later loads give the same store, index and foreign keys in place")
    func rebuildAndIncrementalPathsAgree() throws {
        var rng = SplitMix64(seed: 7)
        let start = try t("2025-06-01")
        let orders = (0..<300).map { i in
            Order(id: i % 3 == 0 ? "o\(rng.next() % 1000)" : nil, customerID: "u\(rng.next() % 40)",
                  timestamp: start.adding(days: Int(rng.next() % 200)), amount: Double(rng.next() % 10_000) / 100 - 5,
                  currency: i % 4 == 0 ? "EUR" : nil)
        }
        let whole = try SQLiteStore(), parts = try SQLiteStore()
        let one = try whole.importOrders(orders, source: "f")
        // 200 rows into an empty table (index rebuilt), then 60 and 40 into a larger table (index kept).
        var sum = OrderImportResult()
        for part in [orders[0..<200], orders[200..<260], orders[260...]] {
            let r = try parts.importOrders(source: "f") { emit in try emit(Array(part)) }
            sum.inserted += r.inserted; sum.duplicates += r.duplicates; sum.profilesCreated += r.profilesCreated
        }
        #expect(one == sum)
        // (No two generated-id rows repeat here, so per-import occurrence counts cannot differ.)
        #expect(try storedIDs(whole) == storedIDs(parts))
        #expect(try whole.orders(before: nil).sorted { $0.id ?? "" < $1.id ?? "" } == parts.orders(before: nil).sorted { $0.id ?? "" < $1.id ?? "" })
        for store in [whole, parts] {
            let (index, foreignKeys, spans) = try store.read { db in
                (try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'orders_profile_time_amount'"),
                 try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
                 try Row.fetchAll(db, sql: "SELECT p.id FROM profiles p JOIN (SELECT profile_id, min(timestamp) f, max(timestamp) l FROM orders GROUP BY profile_id) o ON o.profile_id = p.id WHERE p.first_seen != o.f OR p.last_seen != o.l").count)
            }
            #expect(index == "CREATE INDEX orders_profile_time_amount ON orders(profile_id, timestamp, amount)")
            #expect(foreignKeys == 1)
            #expect(spans == 0)
        }
        // The store's per-customer totals read the rebuilt index: equal to totals of the orders read back
        // (sums compared to 1e-9: the index adds amounts in time order, the reference in row order).
        let stored = try whole.customerTotals(before: nil), reference = CustomerTotals.from(try whole.orders(before: nil))
        #expect(stored.ids == reference.ids && stored.count == reference.count)
        #expect(zip(stored.monetary, reference.monetary).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    @Test("an existing profile is widened, not recreated; a failed load keeps the index and switches foreign keys back on")
    func existingProfilesAndFailures() throws {
        let store = try SQLiteStore()
        _ = try store.importOrders([Order(id: "a", customerID: "1", timestamp: try t("2026-03-10"), amount: 1)], source: "f")
        let r = try store.importOrders([Order(id: "b", customerID: "1", timestamp: try t("2026-03-01"), amount: 1),
                                        Order(id: "c", customerID: "2", timestamp: try t("2026-03-20"), amount: 1)], source: "f")
        #expect(r.profilesCreated == 1 && r.inserted == 2)
        let seen = try store.read { db in try Row.fetchOne(db, sql: "SELECT first_seen, last_seen FROM profiles WHERE id = '1'") }
        let first = try t("2026-03-01").milliseconds, last = try t("2026-03-10").milliseconds
        #expect(seen?[0] == first && seen?[1] == last)
        #expect(throws: SegmentaError.self) {
            try store.importOrders(source: "f") { emit in
                try emit((0..<50).map { Order(customerID: "n\($0)", timestamp: try t("2026-04-01"), amount: 1) })
                throw SegmentaError(.invalidInput, "bad row on line 52")
            }
        }
        let after = try store.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE name = 'orders_profile_time_amount'"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"))
        }
        #expect(after.0 == 1 && after.1 == 1)
        #expect(try store.counts().orders == 3 && store.counts().profiles == 2)
    }
}
