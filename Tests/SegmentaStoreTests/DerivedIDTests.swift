import Foundation
import GRDB
import Testing
@testable import SegmentaCore
@testable import SegmentaStore

/// Ids Segmenta derives when the sender gave none (issue 15 item 6): 128 bits of SHA-256, pinned
/// to values computed outside Swift, and stores made before the change still deduplicating.
@Suite("Derived ids")
struct DerivedIDTests {
    // Expected values from Python's hashlib, independently of swift-crypto:
    //   d = lambda b: hashlib.sha256(b).digest()[:16]
    //   d(b"1\x1f1767225600000\x1f5\x1f").hex(), d(d(b"1\x1f1767225600000\x1f5\x1f") + b"1\x1f").hex(), …
    static let day = Timestamp(milliseconds: 1_767_225_600_000)   // 2026-01-01

    /// FNV-1a 64 written out here, independently of `StableHash`: the ids stores held before v12.
    static func fnv(_ parts: [String]) -> String {
        var h: UInt64 = 14_695_981_039_346_656_037
        for p in parts { for b in Array(p.utf8) + [0x1f] { h = (h ^ UInt64(b)) &* 1_099_511_628_211 } }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    static let signup = Message(kind: .track, userID: "u1", event: "Signed Up", properties: ["plan": "pro"], timestamp: day)

    @Test("a generated order id is `auto:` + SHA-256 of customer, time in ms and amount (and the occurrence after the first), first 128 bits")
    func pinnedOrderIDs() throws {
        let store = try SQLiteStore()
        _ = try store.importOrders([Order(customerID: "1", timestamp: Self.day, amount: 5), Order(customerID: "1", timestamp: Self.day, amount: 5),
                                    Order(customerID: "c-9", timestamp: Self.day, amount: 12.25)], source: "f")
        let stored = try store.read { db in try String.fetchAll(db, sql: "SELECT order_id FROM orders ORDER BY order_id") }
        #expect(stored == ["auto:1bbc63a7bb04318fa5ec4f68c7ff1d57", "auto:62fc7307a482399e748aebdc1305a36c", "auto:99102dbc96e25927b62cd322e6624f8a"])
        var occurrences: [DerivedID: Int] = [:]   // the PostgreSQL path derives the same ids
        let derived = OrderLoad.ids([Order(customerID: "1", timestamp: Self.day, amount: 5), Order(id: "given", customerID: "1", timestamp: Self.day, amount: 5),
                                     Order(customerID: "1", timestamp: Self.day, amount: 5)], occurrences: &occurrences)
        #expect(derived.ids == ["auto:99102dbc96e25927b62cd322e6624f8a", "given", "auto:62fc7307a482399e748aebdc1305a36c"])
        #expect(derived.occurrences == [0, 0, 1])
    }

    @Test("an order's time is hashed as its decimal text, negative times and the extremes included")
    func decimalText() {
        for n: Int64 in [0, 7, -7, 1_767_225_600_000, -86_400_000, .max, .min] {
            var bytes: [UInt8] = [0x41]
            NumberText.appendDecimal(n, to: &bytes)
            #expect(String(decoding: bytes.dropFirst(), as: UTF8.self) == String(n))
        }
        let o = Order(customerID: "c", timestamp: Timestamp(milliseconds: -1), amount: 1)
        #expect(DerivedID.orderBase(o) == DerivedID(fields: ["c", "-1", "1"]))
    }

    @Test("a message without a messageId is stored under `content:` + SHA-256 of its content, first 128 bits")
    func pinnedContentID() throws {
        #expect(SQLiteStore.contentID(Self.signup) == "content:05a6e862e2c64c3552e959eabc7ee8d3")
        let store = try SQLiteStore()
        _ = try store.apply([Self.signup], source: "s", arrival: Self.day)
        #expect(try store.read { db in try String.fetchAll(db, sql: "SELECT message_id FROM events") } == ["content:05a6e862e2c64c3552e959eabc7ee8d3"])
    }

    /// What a store written before v12 holds: an order and an Order Completed message with 64-bit
    /// derived ids, and a signup message with one.
    static let legacyOrder = "auto:" + fnv(["1", "1767225600000", "5", "0"])
    static let legacySignup = "content:" + fnv(["track", "u1", "", "Signed Up", "", "", "1767225600000", #"{"plan":"pro"}"#, "{}"])

    /// Imports again what the old store received, and something new; checks what counts.
    static func checkUpgraded(_ store: any Storage) async throws {
        let again = try await store.importOrders([Order(customerID: "1", timestamp: day, amount: 5), Order(customerID: "1", timestamp: day, amount: 5)], source: "f")
        #expect(again.duplicates == 1 && again.inserted == 1)   // the first was stored before v12; the second is new
        let resent = try await store.apply([signup, Message(kind: .track, userID: "u1", event: "Logged In", timestamp: day)], source: "s", arrival: day)
        #expect(resent.duplicates == 1 && resent.accepted == 1)
        let ids = try await store.orders(before: nil).compactMap(\.id).sorted()
        #expect(ids == [legacyOrder, "auto:62fc7307a482399e748aebdc1305a36c"].sorted())
        #expect(try await store.counts().events == 2)
    }

    @Test("a SQLite store made before v12 keeps its ids, and what it received before counts as a duplicate after the upgrade")
    func sqliteUpgrade() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("segmenta-ids-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("old.sqlite").path
        let old = try DatabaseQueue(path: path)
        try SQLiteStore.migrator.migrate(old, upTo: "v11: segment drift alerts")
        try await old.write { db in
            try db.execute(sql: "INSERT INTO profiles (id, first_seen, last_seen, created_at) VALUES ('1', 0, 0, 0), ('u1', 0, 0, 0)")
            try db.execute(sql: "INSERT INTO identities (external_id, kind, profile_id) VALUES ('u1', 'user_id', 'u1')")
            try db.execute(sql: "INSERT INTO orders (order_id, profile_id, timestamp, amount, source) VALUES (?, '1', 1767225600000, 5, 'f')", arguments: [Self.legacyOrder])
            try db.execute(sql: """
                INSERT INTO events (source, message_id, profile_id, type, name, timestamp, received_at, properties)
                VALUES ('s', ?, 'u1', 'track', 'Signed Up', 1767225600000, 1767225600000, '{"plan":"pro"}')
                """, arguments: [Self.legacySignup])
        }
        try old.close()
        let store = try SQLiteStore(path: path)
        try await Self.checkUpgraded(store.backend)
        // A store with no 64-bit ids records none, and does not look for them.
        let fresh = try SQLiteStore()
        #expect(try fresh.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM store_facts") } == 0)
    }

    @Test("a PostgreSQL store made before migration 4 keeps its ids, and what it received before counts as a duplicate after the upgrade",
          .enabled(if: ContractBackend.postgresURL != nil))
    func postgresUpgrade() async throws {
        guard let admin = ContractBackend.postgresURL, var url = URLComponents(string: admin) else { return }
        let name = "segmenta_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await PostgresBackend.with(url: admin, migrating: false) { server in try await server.executeOutsideTransaction("CREATE DATABASE \(name)") }
        defer { Task { try? await ContractBackend.drop(name, admin: admin) } }
        url.path = "/" + name
        try await PostgresBackend.with(url: url.string ?? admin, migrating: false) { backend in
            try await backend.migrate(upTo: 3)
            try await backend.write { pg in
                try await pg.execute("INSERT INTO profiles (id, first_seen, last_seen, created_at) VALUES ('1', 0, 0, 0), ('u1', 0, 0, 0)")
                try await pg.execute("INSERT INTO identities (external_id, kind, profile_id) VALUES ('u1', 'user_id', 'u1')")
                try await pg.execute("INSERT INTO orders (order_id, profile_id, timestamp, amount, source) VALUES (\(Self.legacyOrder), '1', 1767225600000, 5, 'f')")
                try await pg.execute("""
                    INSERT INTO events (source, message_id, profile_id, type, name, timestamp, received_at, properties)
                    VALUES ('s', \(Self.legacySignup), 'u1', 'track', 'Signed Up', 1767225600000, 1767225600000, '{"plan":"pro"}')
                    """)
            }
            try await backend.migrate()
            try await Self.checkUpgraded(backend)
        }
    }
}
