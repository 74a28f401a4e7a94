import Foundation
import GRDB
import Testing
@testable import SegmentaCore
@testable import SegmentaStore

@Suite struct SQLiteStoreTests {
    func t(_ s: String) -> Timestamp { try! Timestamp.parse(s) }

    @Test func fileStoreUsesWALAndNamedMigrations() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("segmenta-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteStore(path: dir.appendingPathComponent("s.sqlite").path)
        #expect(try store.journalMode() == "wal")
        #expect(try store.appliedMigrations() == ["v1: profiles, identities, events, orders, accounts, computed traits", "v2: segments, versions, snapshots, membership history", "v3: hypotheses", "v4: experiments and exposures", "v5: API keys, suppression, privacy requests, webhooks", "v6: deleted and suppressed ids kept only as SHA-256", "v7: account trait times (group traits merge newest-wins per trait, like identify)", "v8: computed traits as one JSON object per profile and analysis; orders index covers amounts",
                "v9: dashboard sessions kept in the store (a restart keeps people signed in)",
                "v10: computed values and run values without a JSON check per row (Segmenta writes every object itself)", "v11: segment drift alerts",
                "v12: derived ids of 128 bits; stores with 64-bit ones keep recognising them",
                "v13: row counts kept by triggers (the overview reads them instead of counting)",
                "v14: the web origins a write key takes (browser SDKs)",
                "v15: departures between refreshes (merges, erasures) and what webhooks were told (consent)",
                "v16: support keys (one person at a time, for helpdesks)",
                "v17: profiles found by email or phone through an index (the support lookup)",
                "v18: track events by name answered from one covering index"])
    }

    @Test("v18: one event name's counts in windows are read from the covering index alone, not row by row from the table")
    func eventCountsReadTheCoveringIndex() throws {
        let queue = try DatabaseQueue()
        try SQLiteStore.migrator.migrate(queue)
        let plan = try queue.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteStore.eventCountsSQL(windows: 2), arguments: ["Logged In", 0, 10, 0, 5, 5, 10])
                .map { "\($0["detail"] ?? "")" }.joined(separator: "\n")
        }
        #expect(plan.contains("COVERING INDEX events_name_type_profile_time"), "\(plan)")
        let indexes = try queue.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND name LIKE 'events_name%'") }
        #expect(indexes == ["events_name_type_profile_time"])
    }

    @Test("v15: a member who denied consent before the upgrade is withheld from the webhooks after it; the others are not")
    func upgradeWithholdsTheCurrentDenials() throws {
        let queue = try DatabaseQueue()
        try SQLiteStore.migrator.migrate(queue, upTo: "v14: the web origins a write key takes (browser SDKs)")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO profiles (id, traits, created_at) VALUES ('p1', '{"consent":{"marketing":false}}', 0), ('p2', '{"consent":{"marketing":true}}', 0), ('p3', '{}', 0);
                INSERT INTO segments (name, kind, version, created_at, updated_at) VALUES ('s', 'static', 1, 0, 0);
                INSERT INTO segment_snapshots (id, segment, version, as_of, size, entered, exited, created_at) VALUES (1, 's', 1, 0, 3, 3, 0, 0);
                INSERT INTO segment_membership (segment, profile_id, entered_snapshot) VALUES ('s', 'p1', 1), ('s', 'p2', 1), ('s', 'p3', 1);
                """)
        }
        try SQLiteStore.migrator.migrate(queue)
        let withheld = try queue.read { db in try String.fetchAll(db, sql: "SELECT profile_id FROM segment_membership WHERE withheld = 1") }
        #expect(withheld == ["p1"])
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT merged + erased FROM segment_snapshots") } == 0)
    }

    @Test("v16: the keys and the dashboard sessions made before the upgrade stay as they were; support keys can be stored after it, other kinds still cannot")
    func upgradeKeepsKeysAndSessions() throws {
        let queue = try DatabaseQueue()
        try SQLiteStore.migrator.migrate(queue, upTo: "v15: departures between refreshes (merges, erasures) and what webhooks were told (consent)")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO api_keys (id, kind, name, hash, prefix, created_at, revoked_at, origins) VALUES
                  ('k1', 'admin', 'a', 'h1', 'sga_', 1, NULL, NULL), ('k2', 'write', 'w', 'h2', 'sgw_', 2, 3, 'https://shop.example');
                INSERT INTO dashboard_sessions (id_hash, key_id, kind, csrf, expires_at) VALUES ('s1', 'k1', 'admin', 'c', 9);
                """)
        }
        try SQLiteStore.migrator.migrate(queue)
        try queue.read { db in
            let keys = try Row.fetchAll(db, sql: "SELECT id, kind, name, hash, prefix, created_at, revoked_at, origins FROM api_keys ORDER BY id").map { $0.description }
            #expect(keys == [#"[id:"k1" kind:"admin" name:"a" hash:"h1" prefix:"sga_" created_at:1 revoked_at:NULL origins:NULL]"#,
                             #"[id:"k2" kind:"write" name:"w" hash:"h2" prefix:"sgw_" created_at:2 revoked_at:3 origins:"https://shop.example"]"#])
            #expect(try String.fetchAll(db, sql: "SELECT key_id FROM dashboard_sessions") == ["k1"])
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
        }
        try queue.write { db in try db.execute(sql: "INSERT INTO api_keys (id, kind, name, hash, prefix, created_at) VALUES ('k3', 'support', 's', 'h3', 'sgs_', 4)") }
        #expect(throws: (any Error).self) {
            try queue.write { db in try db.execute(sql: "INSERT INTO api_keys (id, kind, name, hash, prefix, created_at) VALUES ('k4', 'root', 'r', 'h4', 'x', 5)") }
        }
        // Deleting a key still removes its sessions (the reference survived the rebuild).
        try queue.write { db in try db.execute(sql: "DELETE FROM api_keys WHERE id = 'k1'") }   // GRDB turns foreign keys on
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM dashboard_sessions") } == 0)
    }

    @Test("a closed store is one file, also after its data version was watched: a copy of the file alone holds everything")
    func aClosedStoreIsOneFileAfterWatching() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("segmenta-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.sqlite").path
        do {
            let store = try SQLiteStore(path: path)
            let before = try #require(try store.dataVersion())
            _ = try store.importOrders([Order(id: "o1", customerID: "c1", timestamp: t("2026-01-02"), amount: 5)], source: "file")
            #expect(try store.dataVersion() != before)
        }
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        let copy = dir.appendingPathComponent("copy.sqlite").path
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        #expect(try SQLiteStore(path: copy).counts().orders == 1)
    }

    @Test func reimportingOrdersWithoutIdsAddsNothing() throws {
        let store = try SQLiteStore()
        let orders = [Order(customerID: "1", timestamp: t("2026-01-01"), amount: 5), Order(customerID: "1", timestamp: t("2026-01-01"), amount: 5),
                      Order(id: "x", customerID: "2", timestamp: t("2026-01-02"), amount: 7.5)]
        let first = try store.importOrders(orders, source: "file")
        #expect(first.inserted == 3 && first.profilesCreated == 2)
        let again = try store.importOrders(orders, source: "file")
        #expect(again.inserted == 0 && again.duplicates == 3)
        let totals = try store.customerTotals(before: nil)
        #expect(totals.ids == ["1", "2"] && totals.count == [2, 1] && totals.monetary == [10, 7.5])
        #expect(try store.customerTotals(before: t("2026-01-02")).ids == ["1"])
    }

    @Test func aFailedWriteLeavesTheStoreUnchanged() throws {
        let store = try SQLiteStore()
        _ = try store.importOrders([Order(id: "a", customerID: "1", timestamp: t("2026-01-01"), amount: 1)], source: "file")
        // A NaN amount violates NOT NULL in SQLite (NaN binds as NULL): the whole batch is rolled back.
        #expect(throws: SegmentaError.self) {
            try store.importOrders([Order(id: "b", customerID: "2", timestamp: t("2026-01-01"), amount: 1),
                                    Order(id: "c", customerID: "3", timestamp: t("2026-01-01"), amount: .nan)], source: "file")
        }
        let counts = try store.counts()
        #expect(counts.orders == 1 && counts.profiles == 1)
    }

    @Test func identifyMergesTheAnonymousProfileAndNewestTraitsWin() throws {
        let store = try SQLiteStore()
        let msgs = [
            Message(kind: .page, messageID: "1", anonymousID: "anon", event: "Pricing", timestamp: t("2026-01-01T10:00:00Z")),
            Message(kind: .identify, messageID: "2", userID: "u1", anonymousID: "anon", traits: ["plan": "pro", "role": "cto"], timestamp: t("2026-01-02")),
            Message(kind: .identify, messageID: "3", userID: "u1", traits: ["plan": "free"], timestamp: t("2026-01-01")), // older: loses
            Message(kind: .track, messageID: "4", userID: "u1", event: "Order Completed", properties: ["revenue": 30, "order_id": "o1"], timestamp: t("2026-01-03")),
            Message(kind: .group, messageID: "5", userID: "u1", traits: ["name": "Acme"], groupID: "acct1", timestamp: t("2026-01-03")),
            Message(kind: .track, messageID: "4", userID: "u1", event: "Order Completed", properties: ["revenue": 30, "order_id": "o1"], timestamp: t("2026-01-03")),
        ]
        let r = try store.apply(msgs, source: "test", arrival: t("2026-02-01"))
        #expect(r.accepted == 5 && r.duplicates == 1 && r.profilesMerged == 1 && r.ordersCreated == 1)
        #expect(try store.profileIDs() == ["u1"])
        #expect(try store.traits(of: "u1") == ["plan": "pro", "role": "cto"])
        #expect(try store.profileID(forExternalID: "anon") == "u1")
        #expect(try store.eventCount() == 5)
        #expect(try store.accountMembers("acct1") == ["u1"])
        #expect(try store.orders(before: nil).map(\.amount) == [30])
    }

    @Test func aliasMergesThePreviousProfile() throws {
        let store = try SQLiteStore()
        _ = try store.apply([
            Message(kind: .track, messageID: "1", userID: "old", event: "E", timestamp: t("2026-01-01")),
            Message(kind: .alias, messageID: "2", userID: "new", previousID: "old", timestamp: t("2026-01-02")),
        ], source: "s", arrival: t("2026-01-03"))
        #expect(try store.profileIDs() == ["new"])
        #expect(try store.activity(.event("E")).map(\.customerID) == ["new"])
        // Alias is the one message that joins two user ids (Segment's "merge two user identities"):
        // both stay, and either reaches the person, now and in later messages.
        #expect(try store.profileID(forExternalID: "old") == "new")
        _ = try store.apply([Message(kind: .track, messageID: "3", userID: "old", event: "F", timestamp: t("2026-01-03"))],
                            source: "s", arrival: t("2026-01-04"))
        #expect(try store.profileIDs() == ["new"])
        #expect(try store.activity(.event("F")).map(\.customerID) == ["new"])
    }

    @Test func traitPathsAreDataNotSQL() throws {
        let store = try SQLiteStore()
        let rows = [ProfileFileReader.Row(line: 2, id: "1", traits: ["company": ["size": 10], "a'b\")--": "x"])]
        _ = try store.importProfiles(rows, at: t("2026-01-01"))
        #expect(try store.traitValues("company.size") == ["1": "10"])
        #expect(try store.traitValues("a'b\")--") == ["1": "x"])
        #expect(try store.traitValues("nope') OR 1=1 --").isEmpty)
    }

    @Test func computedTraitsAreReplacedWhole() throws {
        let store = try SQLiteStore()
        _ = try store.importOrders([Order(customerID: "1", timestamp: t("2026-01-01"), amount: 1), Order(customerID: "2", timestamp: t("2026-01-01"), amount: 1)], source: "f")
        try store.replaceComputedTraits(["lifecycle": ["1": "new", "2": "new"]], computedAt: t("2026-01-02"))
        try store.replaceComputedTraits(["lifecycle": ["1": "active"]], computedAt: t("2026-01-03"))
        #expect(try store.computedTraits(of: "1") == ["lifecycle": "active"])
        #expect(try store.computedTraits(of: "2").isEmpty)
    }
}

@Suite struct BatchedImportTests {
    @Test func aFailureInALaterBatchRollsBackEarlierBatches() throws {
        let store = try SQLiteStore()
        let t = try Timestamp.parse("2026-01-01")
        struct Stop: Error {}
        #expect(throws: SegmentaError.self) {
            try store.importOrders(source: "f") { emit in
                try emit([Order(id: "a", customerID: "1", timestamp: t, amount: 1)])
                throw SegmentaError(.invalidInput, "bad row in batch 2")
            }
        }
        #expect(try store.counts().orders == 0 && store.counts().profiles == 0)
        let r = try store.importOrders(source: "f") { emit in
            try emit([Order(customerID: "1", timestamp: t, amount: 1)])
            try emit([Order(customerID: "1", timestamp: t, amount: 1), Order(customerID: "2", timestamp: t.adding(days: 3), amount: 2)])
        }
        // Identical rows in different batches still get distinct stable ids (occurrences carry over).
        #expect(r.inserted == 3 && r.profilesCreated == 2)
    }
}

@Suite("Refunds in the store")
struct StoreRefundTests {
    @Test("the store's per-customer aggregate treats negative amounts as refunds, like the in-memory totals")
    func storeAggregate() throws {
        let store = try SQLiteStore()
        var text = "customer_id,date,amount,order_id\na,2026-03-01,100,1\na,2026-03-09,-40,2\nb,2026-03-05,30,3\nc,2026-03-08,-10,4\n"
        let orders = try text.withUTF8 { bytes in
            try OrderFileScan.orders(bytes, options: DelimitedFileOptions(), columns: OrderColumns(), policy: .fail, fileName: "o.csv").orders
        }
        _ = try store.importOrders(orders, source: "t")
        #expect(try store.customerTotals(before: nil) == CustomerTotals.from(orders))
        #expect(try store.customerTotals(before: nil, refunds: .asOrders) == CustomerTotals.from(orders, refunds: .asOrders))
    }
}

@Suite("Computed traits replaced while their rows are read")
struct OverlappedReplaceTests {
    @Test("on a file store the old values are cleared while another connection reads the orders; a failure changes nothing")
    func fileStoreOverlaps() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("segmenta-overlap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sqlite = try SQLiteStore(path: dir.appendingPathComponent("s.sqlite").path)
        #expect(sqlite.readsBesideWrites)
        let store = sqlite.backend
        let t0 = Timestamp(milliseconds: 1_767_225_600_000)
        _ = try await store.importOrders([Order(id: "o1", customerID: "a", timestamp: t0, amount: 10),
                                          Order(id: "o2", customerID: "a", timestamp: t0.adding(days: 1), amount: 5)], source: "f")
        var old = ComputedTraitRows(names: ["rfm_f"])
        old.append("a", [.number(9)])
        try await store.replaceComputedTraits(old, computedAt: t0)
        await #expect(throws: SegmentaError.self) {
            try await store.replaceComputedTraits(names: ["rfm_f"], computedAt: t0) { () async throws(SegmentaError) -> ComputedTraitRows in
                _ = try await store.customerTotals(before: nil)
                throw SegmentaError(.notFound, "no")
            }
        }
        #expect(try await store.computedTraitValues("rfm_f") == ["a": "9"])
        try await store.replaceComputedTraits(names: ["rfm_f"], computedAt: t0) { () async throws(SegmentaError) in
            let totals = try await store.customerTotals(before: nil)
            var rows = ComputedTraitRows(names: ["rfm_f"])
            rows.append(totals.ids[0], [.number(Double(totals.count[0]))])
            return rows
        }
        #expect(try await store.computedTraitValues("rfm_f") == ["a": "2"])
    }
}

@Suite("Profile imports")
struct ProfileImportTests {
    @Test("a new profile gets the same traits and trait times as merging the row into an empty profile; repeats in the file merge in file order")
    func newProfilesEqualTheMergePath() throws {
        let time = try Timestamp.parse("2026-03-01")
        let rows = [ProfileFileReader.Row(line: 2, id: "p1", traits: ["plan": "pro", "company": ["size": 10], "a.b": 1]),
                    ProfileFileReader.Row(line: 3, id: "p2", traits: ["x": .null, "y": "z"]),
                    ProfileFileReader.Row(line: 4, id: "p1", traits: ["plan": "team", "company": ["name": "Acme"]])]
        let fresh = try SQLiteStore(), existing = try SQLiteStore()
        let r = try fresh.importProfiles(rows, at: time)
        #expect(r.created == 2 && r.updated == 1)
        _ = try existing.importProfiles([ProfileFileReader.Row(line: 2, id: "p1", traits: [:]), ProfileFileReader.Row(line: 3, id: "p2", traits: [:])], at: time)
        #expect(try existing.importProfiles(rows, at: time).updated == 3)
        #expect(try fresh.traits(of: "p1") == ["plan": "team", "company": ["size": 10, "name": "Acme"], "a": ["b": 1]])
        #expect(try fresh.traits(of: "p2") == ["y": "z"])
        for id in ["p1", "p2"] {
            let stored = { (s: SQLiteStore) throws -> [String] in
                try s.read { db in try Row.fetchOne(db, sql: "SELECT traits, trait_times FROM profiles WHERE id = ?", arguments: [id]).map { [$0[0], $0[1]] } ?? [] }
            }
            #expect(try stored(fresh) == stored(existing))
        }
    }
}
