import Foundation
import Testing
@testable import SegmentaCore
@testable import SegmentaStore

/// A store whose events live in ClickHouse (`--events`) answers every question about events as
/// the same store holding them itself: the same messages are applied to both, through the same
/// protocol call, and every read is compared — on SQLite and PostgreSQL primaries, on a 2-shard
/// cluster.
@Suite(.enabled(if: ClickHouseCluster.configured, "SEGMENTA_TEST_CLICKHOUSE names no ClickHouse cluster"), .serialized)
struct ClickHouseEventsStorageTests {
    static let at = ConditionSQLAgreementTests.at

    /// Identities in motion: anonymous visits merged by an identify, an alias, pages, a
    /// `CSAT Submitted` and an `Invoice Paid`, an order from a track event.
    static var extraMessages: [Message] {
        func t(_ days: Double) -> Timestamp { Timestamp(milliseconds: at.milliseconds + Int64(days * 86_400_000)) }
        return [
            Message(kind: .track, messageID: "x1", anonymousID: "anon-9", event: "A", properties: ["amount": 2], timestamp: t(-3)),
            Message(kind: .page, messageID: "x2", anonymousID: "anon-9", event: "Pricing", timestamp: t(-3)),
            Message(kind: .identify, messageID: "x3", userID: "u1", anonymousID: "anon-9", traits: ["email": "u1@example.com"], timestamp: t(-2)),
            Message(kind: .track, messageID: "x4", userID: "u1", event: "CSAT Submitted", properties: ["score": 4], timestamp: t(-2)),
            Message(kind: .track, messageID: "x5", userID: "u1", event: "CSAT Submitted", properties: ["score": 5], timestamp: t(-1)),
            Message(kind: .track, messageID: "x6", userID: "u2", event: "Invoice Paid", properties: ["mrr": 49], timestamp: t(-10)),
            Message(kind: .track, messageID: "x7", userID: "u2", event: "Invoice Paid", properties: ["mrr": 99], timestamp: t(-1)),
            Message(kind: .alias, messageID: "x8", userID: "u3", previousID: "old-u3", timestamp: t(-1)),
            Message(kind: .track, messageID: "x9", userID: "old-u3", event: "B", timestamp: t(-1)),
            Message(kind: .track, messageID: "x10", userID: "u4", event: "Order Completed", properties: ["revenue": 30, "order_id": "o-x10"], timestamp: t(-1)),
            Message(kind: .screen, messageID: "x11", userID: "u4", event: "Home", timestamp: t(-1)),
        ]
    }

    /// Every event of a profile, through the API's pages of `limit`.
    static func allEvents(_ store: any Storage, _ id: String, limit: Int) async throws -> [String] {
        var out: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            guard let page = try await store.profileEvents(id, limit: limit, cursor: cursor) else { return out }
            out += page.events.map { e in
                [e["type"]?.stringValue ?? "", e["name"]?.stringValue ?? "-", e["timestamp"]?.stringValue ?? "", e["message_id"]?.stringValue ?? ""].joined(separator: " ")
            }
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil && pages < 1000
        return out
    }

    /// `/health` reads this: a shard that does not answer is named (events can be neither stored nor read).
    @Test func healthNamesAShardThatDoesNotAnswer() async throws {
        try await ClickHouseCluster.with { events, url in
            let primary = try SQLiteStore().backend
            let fine = try await ClickHouseEventsStorage(primary: primary, events: events).health()
            #expect(fine["events_status"] == "ok" && fine["events_hosts_down"] == nil)
            var broken = url
            broken.hosts.append(try ClickHouseURL("clickhouse://127.0.0.1:1/x").hosts[0])   // nothing listens on port 1
            let h = try await ClickHouseEventsStorage(primary: primary, events: ClickHouseEventStore(url: broken)).health()
            #expect(h["events_status"] == "unavailable" && h["events_hosts_down"] == "127.0.0.1:1")
        }
    }

    /// A retried insert can leave a message twice on a shard, or on both: every acknowledged event
    /// stays reachable through the pages, each once, and a full page is never taken for the last.
    @Test func everyEventIsReachableThroughThePagesWhateverDuplicatesTheShardsHold() async throws {
        try await ClickHouseCluster.with { events, url in
            let primary = try SQLiteStore().backend
            let split = ClickHouseEventsStorage(primary: primary, events: events)
            var messages = [Message(kind: .identify, messageID: "i", userID: "u", traits: ["plan": "pro"], timestamp: Self.at.adding(days: -30))]
            for i in 0..<1500 {
                messages.append(Message(kind: .track, messageID: "e\(i)", userID: "u", event: "E", timestamp: Timestamp(milliseconds: Self.at.milliseconds - Int64(i) * 60_000)))
            }
            _ = try await split.apply(messages, source: "t", arrival: Self.at)
            let client = ClickHouseClient(url), db = url.database
            // Duplicates as a retried insert leaves them: through the Distributed table (the same shard),
            // and written straight into each shard's table (the other shard too).
            try await client.execute("INSERT INTO \(db).events SELECT * FROM \(db).events WHERE event = 'E' ORDER BY timestamp DESC LIMIT 3 SETTINGS insert_distributed_sync = 1")
            for host in url.hosts {
                try await client.execute("INSERT INTO \(db).events_local SELECT * FROM \(db).events WHERE event = 'E' ORDER BY timestamp LIMIT 4", on: host)
            }
            #expect(try await events.storedEvents() == 1500 + 3 + 4 * url.hosts.count)
            let first = try #require(try await split.profileEvents("u", limit: 1000, cursor: nil))
            #expect(first.events.count == 1000 && first.nextCursor != nil)
            let newest = first.events.compactMap { $0["timestamp"]?.stringValue }
            #expect(newest == newest.sorted(by: >) && newest.last == Timestamp(milliseconds: Self.at.milliseconds - 999 * 60_000).iso8601)
            let all = try await Self.allEvents(split, "u", limit: 1000)
            #expect(all.count == 1501)
            let ids: [String] = all.map { line in String(line.split(separator: " ").last ?? "") }
            #expect(Set(ids).count == 1501)   // each message once
            #expect(try await split.profileDetail("u")?.json["event_counts"]?["by_event"]?["E"] == .number(1500))
        }
    }

    @Test(arguments: ContractBackend.available)
    func aStoreWithEventsInClickHouseAnswersAsOneThatKeepsThem(primaryBackend: ContractBackend) async throws {
        let f = try await ConditionSQLAgreementTests.fixture(seed: 3)
        try await primaryBackend.with { primary in
            try await ClickHouseCluster.with { events, _ in
                let split = ClickHouseEventsStorage(primary: primary, events: events)
                let reference = try SQLiteStore().backend
                for store in [split, reference] as [any Storage] {
                    try await f.inputs.load(into: store)
                    _ = try await store.apply(Self.extraMessages, source: "t", arrival: Self.at)
                }
                // The primary store keeps no track, page or screen message.
                #expect(try await primary.counts().events == f.inputs.messages.filter { !Message.eventKinds.contains($0.kind) }.count + 2)
                // An SDK retry of a whole batch: answered as duplicates, counted once everywhere.
                let retry = try await split.apply(Array(Self.extraMessages.prefix(2)), source: "t", arrival: Self.at)
                #expect(retry.duplicates == 2 && retry.accepted == 0)

                let ids = try await reference.profileIDs()
                #expect(Set(try await split.profileIDs()) == Set(ids))
                for id in ids {
                    let mine = try #require(try await split.profileDetail(id)), theirs = try #require(try await reference.profileDetail(id))
                    #expect(mine.eventCounts == theirs.eventCounts, "\(id)")
                    let paged = try await Self.allEvents(split, id, limit: 2)
                    let whole = try await Self.allEvents(reference, id, limit: 1000)
                    #expect(paged.sorted() == whole.sorted(), "\(id)")
                    #expect(paged.map { $0.split(separator: " ")[2] } == whole.map { $0.split(separator: " ")[2] }, "newest first: \(id)")
                    #expect(try await split.profileFacts(id)?.events.count == (try await reference.profileFacts(id))?.events.count)
                    #expect(try await split.exportPerson(id)?["events"]?.arrayValues.count == (try await reference.exportPerson(id))?["events"]?.arrayValues.count)
                }
                // Found by an anonymous id and an alias, with the events that came under them.
                #expect(try await split.profileDetail("anon-9")?.json["id"] == "u1")
                #expect(try await Self.allEvents(split, "old-u3", limit: 5) == (try await Self.allEvents(reference, "old-u3", limit: 5)))

                for name in ["A", "B", "Logged In"] {
                    #expect(try await split.eventCounts(name, days: 30, asOf: Self.at) == (try await reference.eventCounts(name, days: 30, asOf: Self.at)))
                    let windows = [Self.at.adding(days: -90)...Self.at, Self.at.adding(days: -7)...Self.at, Self.at.adding(days: -60)...Self.at.adding(days: -30)]
                    #expect(try await split.eventCounts(name, in: windows) == (try await reference.eventCounts(name, in: windows)), "\(name)")
                }
                for kpi in [KPI.active(days: 30), .adoption(event: "A", days: 14), .csat, .mrr, .revenue, .orders] {
                    #expect(try await split.kpiValues(kpi, asOf: Self.at) == (try await reference.kpiValues(kpi, asOf: Self.at)), "\(kpi)")
                }
                func key(_ a: [CohortRetention.Activity]) -> [String] { a.map { "\($0.customerID) \($0.timestamp.milliseconds)" }.sorted() }
                #expect(key(try await split.activity(.events)) == key(try await reference.activity(.events)))
                #expect(key(try await split.activity(.event("Logged In"))) == key(try await reference.activity(.event("Logged In"))))
                #expect(try await split.eventNames(limit: 10).map(\.name).sorted() == (try await reference.eventNames(limit: 10)).map(\.name).sorted())
                // Named track events over a window, each message once, on their profile now (support analytics read them).
                func tracked(_ s: any Storage) async throws -> [String] {
                    try await s.trackEvents(named: ["A", "Logged In", "CSAT Submitted"], from: Self.at.adding(days: -60), to: Self.at)
                        .map { "\($0.profile) \($0.name) \($0.timestamp.milliseconds) \(JSONValue.object($0.properties).jsonText)" }.sorted()
                }
                let trackedThere = try await tracked(split), trackedHere = try await tracked(reference)
                #expect(!trackedThere.isEmpty && trackedThere == trackedHere)
                let signups = try await reference.signupTimes()
                #expect(try await split.outcomeValues(.retained(days: 7), signups: signups, asOf: Self.at) == (try await reference.outcomeValues(.retained(days: 7), signups: signups, asOf: Self.at)))
                let exposures = ids.prefix(30).map { (profile: $0, variant: "a", at: Self.at.adding(days: -20)) }
                #expect(try await split.converted(event: "A", exposures: exposures, windowDays: 10, asOf: Self.at) == (try await reference.converted(event: "A", exposures: exposures, windowDays: 10, asOf: Self.at)))
                #expect(try await split.counts() == (try await reference.counts()))

                // Segments: event conditions run in ClickHouse without being asked.
                let definition: JSONValue = ["name": "busy", "condition": ["any": [
                    ["event": "A", "window": ["last_days": 30], "op": "gte", "value": 2],
                    ["all": [["event": "CSAT Submitted", "op": "gte", "value": 1], ["trait": "email", "op": "exists", "value": true]]],
                ]]]
                for store in [split, reference] as [any Storage] { _ = try await store.createSegment(definition) }
                let refreshed = try await split.refresh("busy", asOf: Self.at)
                #expect(refreshed.snapshot.size > 0)
                let inSQLite = try await reference.refresh("busy", asOf: Self.at)
                #expect(refreshed.entered == inSQLite.entered)
                // The result says that its two event conditions ran in ClickHouse, and their time counts.
                #expect(refreshed.eventConditionsElsewhere == 2 && inSQLite.eventConditionsElsewhere == 0)
                #expect(refreshed.eventConditionsSeconds > 0 && refreshed.seconds >= refreshed.eventConditionsSeconds)
                #expect(try await split.previewSize(try ConditionSQL.definition(definition).condition ?? .all([]), asOf: Self.at) == refreshed.snapshot.size)

                // Erasure reaches the events: u1 (and the anonymous visits merged into it) counts for nobody.
                _ = try await split.deletePeople(["u1"], suppress: false, requestID: "r1")
                _ = try await reference.deletePeople(["u1"], suppress: false, requestID: "r1")
                #expect(try await split.eventCounts("A", days: 30, asOf: Self.at)["u1"] == nil)
                #expect(try await split.matchingProfiles(.behaviour(BehaviourCondition(source: .event("CSAT Submitted"), aggregate: .count, property: nil, filters: [], window: nil, op: .gte, value: 1)), asOf: Self.at).isEmpty)
                #expect(try await split.kpiValues(.active(days: 30), asOf: Self.at) == (try await reference.kpiValues(.active(days: 30), asOf: Self.at)))
            }
        }
    }

    /// After `store copy --events-to`, the store still holds its events; with `--events` they are
    /// ClickHouse's to count and show, never twice.
    @Test func aCopiedStoreShowsEachEventOnce() async throws {
        let f = try await ConditionSQLAgreementTests.fixture(seed: 4)
        try await ClickHouseCluster.with { events, _ in
            let source = try SQLiteStore()
            try await f.inputs.load(into: source.backend)
            _ = try await source.backend.apply(Self.extraMessages, source: "t", arrival: Self.at)
            _ = try await StoreCopy.copyEvents(from: .sqlite(source, path: ":memory:"), to: events)
            let split = ClickHouseEventsStorage(primary: source.backend, events: events)
            for id in try await source.backend.profileIDs() {
                #expect(try await split.profileDetail(id)?.json["event_counts"] == (try await source.backend.profileDetail(id))?.json["event_counts"], "\(id)")
                let paged = try await Self.allEvents(split, id, limit: 3)
                let whole = try await Self.allEvents(source.backend, id, limit: 1000)
                #expect(paged.sorted() == whole.sorted(), "\(id)")
                #expect(try await split.exportPerson(id)?["events"]?.arrayValues.count == whole.count)
            }
        }
    }

    /// A file import with events in ClickHouse: the store applies the file in one transaction
    /// while the events wait in a temporary file, then go to ClickHouse; the same answers as the
    /// import into a store that keeps them, and importing the file again adds nothing.
    @Test(arguments: ContractBackend.available)
    func anImportSendsItsEventsToClickHouse(primaryBackend: ContractBackend) async throws {
        let f = try await ConditionSQLAgreementTests.fixture(seed: 5)
        let messages = f.inputs.messages + Self.extraMessages
        try await primaryBackend.with { primary in
            try await ClickHouseCluster.with { events, _ in
                let split = ClickHouseEventsStorage(primary: primary, events: events)
                let reference = try SQLiteStore().backend
                var results: [MessageImportResult] = []
                for store in [split, reference] as [any Storage] {
                    results.append(try await store.importMessages { emit in
                        for part in stride(from: 0, to: messages.count, by: 50) {
                            try emit(MessageBatch(messages: Array(messages[part..<min(part + 50, messages.count)]), source: "file:x", arrival: Self.at))
                        }
                    })
                }
                #expect(results[0].accepted == results[1].accepted && results[0].profilesMerged == results[1].profilesMerged)
                #expect(try await events.storedEvents() == messages.filter { Message.eventKinds.contains($0.kind) }.count)
                for id in try await reference.profileIDs() {
                    #expect(try await split.profileDetail(id)?.json["event_counts"] == (try await reference.profileDetail(id))?.json["event_counts"], "\(id)")
                }
                #expect(try await split.kpiValues(.active(days: 30), asOf: Self.at) == (try await reference.kpiValues(.active(days: 30), asOf: Self.at)))
                // The same file again: rows may be stored twice in ClickHouse, but nothing counts twice.
                _ = try await split.importMessages { emit in try emit(MessageBatch(messages: messages, source: "file:x", arrival: Self.at)) }
                for name in ["A", "B", "Logged In"] {
                    #expect(try await split.eventCounts(name, days: 60, asOf: Self.at) == (try await reference.eventCounts(name, days: 60, asOf: Self.at)))
                }
            }
        }
    }
}
