import Foundation
import GRDB
import SegmentaCore
@testable import SegmentaStore
import Testing

@Suite("Row counts: the overview's figures are kept by triggers and always equal a count of the rows")
struct RowCountsTests {
    func day(_ s: String) throws -> Timestamp { try Timestamp.parse(s + "T00:00:00Z") }

    /// The overview's kept counts, and the rows counted (the reference).
    func both(_ store: SQLiteStore) throws -> (kept: [Int], counted: [Int]) {
        let o = try store.overview(), c = try store.counts()
        return ([o.profiles, o.orders, o.accounts], [c.profiles, c.orders, c.accounts])
    }

    func triggers(_ store: SQLiteStore) throws -> [String] {
        try store.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name") }
    }

    @Test("messages, merges, groups, orders, imports (bulk and small), a failed import and a privacy delete")
    func everyWritePath() throws {
        let store = try SQLiteStore()
        #expect(try both(store).kept == [0, 0, 0])
        _ = try store.apply([
            Message(kind: .track, messageID: "1", anonymousID: "anon-1", event: "Viewed", timestamp: day("2026-01-01")),
            Message(kind: .identify, messageID: "2", userID: "ada", traits: ["plan": .string("pro")], timestamp: day("2026-01-02")),
            Message(kind: .track, messageID: "3", userID: "old", event: "E", timestamp: day("2026-01-02")),
            Message(kind: .group, messageID: "4", userID: "ada", traits: ["name": "Acme"], groupID: "acct1", timestamp: day("2026-01-03")),
            Message(kind: .track, messageID: "5", userID: "ada", event: "Order Completed",
                    properties: ["revenue": .number(40), "order_id": .string("o1")], timestamp: day("2026-01-03")),
        ], source: "s", arrival: try day("2026-01-04"))
        #expect(try both(store).kept == [3, 1, 1])
        // An alias folds "old" into "new": one profile deleted, one created.
        _ = try store.apply([Message(kind: .alias, messageID: "6", userID: "new", previousID: "old", timestamp: day("2026-01-05"))],
                            source: "s", arrival: try day("2026-01-05"))
        var now = try both(store)
        #expect(now.kept == now.counted)
        // A bulk import into a small table rebuilds the index and counts once at its end.
        let february = try day("2026-02-01")
        let bulk = (0..<40).map { i in Order(customerID: "c\(i % 7)", timestamp: february.adding(days: i), amount: Double(i)) }
        _ = try store.importOrders(bulk, source: "f")
        now = try both(store)
        #expect(now.kept == now.counted && now.counted[1] == 41)
        // A small import into the larger table keeps the index and the triggers count each row.
        _ = try store.importOrders([Order(id: "x1", customerID: "c1", timestamp: day("2026-03-01"), amount: 5),
                                    Order(id: "x1", customerID: "c1", timestamp: day("2026-03-01"), amount: 5)], source: "f")
        now = try both(store)
        #expect(now.kept == now.counted && now.counted[1] == 42)
        // A bulk import that fails leaves the counts and the triggers as they were.
        #expect(throws: SegmentaError.self) {
            try store.importOrders(source: "f") { emit in
                try emit((0..<100).map { Order(customerID: "n\($0)", timestamp: try day("2026-04-01"), amount: 1) })
                throw SegmentaError(.invalidInput, "bad row on line 102")
            }
        }
        now = try both(store)
        #expect(now.kept == now.counted && now.counted[1] == 42)
        #expect(try triggers(store) == ["accounts_counted_in", "accounts_counted_out", "orders_counted_in", "orders_counted_out",
                                        "profiles_counted_in", "profiles_counted_out"])
        // A privacy delete removes the person and, by cascade, her orders.
        _ = try store.deletePeople(["ada"], suppress: false, requestID: "prv_1")
        now = try both(store)
        #expect(now.kept == now.counted && now.counted[1] == 41)
    }

    @Test("a store written before the counts (v12) gets them counted when it is opened")
    func upgradeCountsWhatIsStored() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("segmenta-counts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("v12.sqlite").path
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteStore.migrator.migrate(queue, upTo: "v12: derived ids of 128 bits; stores with 64-bit ones keep recognising them")
            try queue.write { db in
                try db.execute(sql: "INSERT INTO profiles (id, created_at) VALUES ('a', 0), ('b', 0), ('c', 0)")
                try db.execute(sql: "INSERT INTO orders (order_id, profile_id, timestamp, amount, source) VALUES ('o1', 'a', 0, 1, 'f'), ('o2', 'b', 0, 2, 'f')")
                try db.execute(sql: "INSERT INTO accounts (id, created_at, updated_at) VALUES ('acme', 0, 0)")
            }
        }
        let store = try SQLiteStore(path: path)
        #expect(try both(store).kept == [3, 2, 1])
        _ = try store.importOrders([Order(id: "o3", customerID: "d", timestamp: day("2026-01-01"), amount: 3)], source: "f")
        #expect(try both(store).kept == [4, 3, 1])
        // The overview reads the kept rows; it does not count (what makes a cold start fast).
        try store.write { db in try db.execute(sql: "UPDATE row_counts SET n = 41 WHERE name = 'profiles'") }
        #expect(try store.overview().profiles == 41)
    }
}
