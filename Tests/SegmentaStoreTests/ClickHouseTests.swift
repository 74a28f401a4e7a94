import Foundation
import Testing
@testable import SegmentaCore
@testable import SegmentaStore

@Suite struct ClickHouseURLTests {
    @Test func readsHostsDatabaseAndCluster() throws {
        let u = try ClickHouseURL("clickhouse://127.0.0.1:9123,10.0.0.2/events_db?cluster=main")
        #expect(u.hosts == [.init(name: "127.0.0.1", port: 9123), .init(name: "10.0.0.2", port: 8123)])
        #expect(u.database == "events_db")
        #expect(u.cluster == "main")
        #expect(u.user == "default")
        let v = try ClickHouseURL("clickhouse://reader:s%40cret@ch.local:8123/seg")
        #expect(v.user == "reader" && v.password == "s@cret" && v.cluster == nil)
    }

    @Test(arguments: [
        ("postgres://x/y", "is not a ClickHouse URL"),
        ("clickhouse://host:8123", "names no database"),
        ("clickhouse://host:80x/db", "is not a TCP port"),
        ("clickhouse://host/db; DROP TABLE x", "is not a database name"),
        ("clickhouse://a,b/db", "add ?cluster=NAME"),
        ("clickhouse://a/db?cluster=x-y", "is not a cluster name"),
        ("clickhouse://a/db?shards=2", "is not an option"),
    ])
    func refusesMalformedURLsSayingWhatToWrite(text: String, expected: String) {
        #expect {
            _ = try ClickHouseURL(text)
        } throws: { error in
            guard let e = error as? SegmentaError, e.code == .invalidInput else { return false }
            return e.message.contains(expected) && e.message.contains("clickhouse://")
        }
    }

    @Test func passwordsAreRedactedInMessages() {
        #expect(ClickHouseURL.redacted("clickhouse://u:secret@h/db") == "clickhouse://u:***@h/db")
    }

    @Test func flattenedPropertiesFollowDottedPathsAndSkipUnreachableKeys() {
        let (scalars, elements) = ClickHouseEventRow.flatten([
            "plan": "pro", "amount": 2.5, "when": "2026-06-01", "ok": true,
            "company": ["size": 10, "a.b": 1], "tags": ["x", 3, ["nested"]], "dotted.key": 1, "none": .null,
        ])
        let byPath = Dictionary(scalars.map { ($0.0, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byPath["plan"]?.1 == .text && byPath["plan"]?.3 == "pro")
        #expect(byPath["amount"]?.1 == .number && byPath["amount"]?.2 == 2.5)
        #expect(byPath["when"]?.1 == .date && byPath["when"]?.4 == (try? Timestamp.parse("2026-06-01"))?.milliseconds)
        #expect(byPath["ok"]?.1 == .true)
        #expect(byPath["company"]?.1 == .object && byPath["company.size"]?.2 == 10)
        #expect(byPath["none"]?.1 == .null)
        // A key holding "." is reachable by no path: left out, with its subtree.
        #expect(byPath["dotted.key"] == nil && byPath["company.a.b"] == nil)
        #expect(elements.map(\.0) == ["tags", "tags"])
        #expect(elements.map(\.1) == [.text, .number])
    }
}

/// Against a real 2-shard ClickHouse cluster (CI starts one: tests/clickhouse/server.sh).
@Suite(.enabled(if: ClickHouseCluster.configured, "SEGMENTA_TEST_CLICKHOUSE names no ClickHouse cluster"), .serialized)
struct ClickHouseEventStoreTests {
    /// Strings built to break a literal: quotes, backslashes (also last), every control byte,
    /// multi-byte UTF-8, and SQL that would run if the literal ended early.
    static func hostileStrings(seed: UInt64, count: Int) -> [String] {
        var rng = SplitMix64(seed: seed)
        let pieces = ["'", "\\", "\\'", "''", "\"", "`", "--", "/*", "*/", ";", "\n", "\r", "\t", "\u{0}", "\u{7f}", "é", "𝄞", "\u{202e}",
                      "') OR 1=1 --", "'; DROP DATABASE system; --", "\\x27", "\\0", "{db}", "$1", "?", "%s", " ", "a", "Z"]
        var out = ["", "\\", "'", "\\\\'", "abc\\"]
        for _ in 0..<count {
            var s = ""
            for _ in 0..<Int(rng.uniform() * 8) {
                if rng.chance(0.15) {
                    s.unicodeScalars.append(Unicode.Scalar(UInt8(rng.uniform() * 128)))
                } else {
                    s += rng.pick(pieces)
                }
            }
            out.append(s)
        }
        return out
    }

    @Test func quotedStringsComeBackByteForByte() async throws {
        try await ClickHouseCluster.with { _, url in
            let client = ClickHouseClient(url)
            let strings = Self.hostileStrings(seed: 42, count: 600)
            for start in stride(from: 0, to: strings.count, by: 100) {
                let batch = Array(strings[start..<min(start + 100, strings.count)])
                let row = try await client.rows("SELECT " + batch.map { "hex(\(ClickHouseSQL.quote($0)))" }.joined(separator: ", ")).first ?? []
                let expected = batch.map { $0.utf8.map { String(format: "%02X", $0) }.joined() }
                #expect(row == expected)
            }
            // Numbers: finite doubles, negative ones included, come back equal.
            var rng = SplitMix64(seed: 7)
            let numbers = (0..<200).map { _ in (rng.uniform() - 0.5) * pow(10, Double(Int(rng.uniform() * 30) - 15)) } + [0, -1, 2.5, 1e300, -1e-300, 9.0e15, 123456789012]
            let back = try await client.rows("SELECT " + numbers.map { "toString(\(ClickHouseSQL.number($0)))" }.joined(separator: ", ")).first ?? []
            #expect(back.compactMap(Double.init) == numbers)
        }
    }

    @Test func aDatabaseWithoutTheTablesIsNamedWithWhatToDo() async throws {
        var url = try ClickHouseURL(try #require(ClickHouseCluster.url))
        url.database = "segmenta_never_created"
        await #expect { try await ClickHouseEventStore(url: url).requireTables() } throws: { e in
            (e as? SegmentaError)?.code == .notFound && "\(e)".contains("segmenta store copy --from STORE --events-to")
        }
        try await ClickHouseCluster.with { store, _ in try await store.requireTables() }
    }

    @Test func migrationsCreateTablesOnEveryHostOnce() async throws {
        try await ClickHouseCluster.with { store, url in
            try await store.migrate()   // a second time: changes nothing
            let applied = try await store.schema.appliedVersions()
            #expect(applied.count == url.hosts.count)
            for (_, versions) in applied { #expect(versions == ClickHouseSchema.migrations.map(\.version)) }
        }
    }

    /// 18.16 has no `ADD COLUMN IF NOT EXISTS`: a database created before migration 2 gets the
    /// column, and one whose migration stopped after adding it on a table runs it again cleanly.
    @Test func aColumnMigrationRunsOnAnOlderDatabaseAndAgainAfterAStop() async throws {
        try await ClickHouseCluster.with { store, url in
            let client = ClickHouseClient(url)
            for host in url.hosts {
                // Back to migration 1 on this host, with the column still there on the local table
                // only (as if the migration had stopped after its first statement).
                if url.cluster != nil { try await client.execute("ALTER TABLE \(url.database).events DROP COLUMN future_dated", on: host) }
                try await client.execute("DROP TABLE \(url.database).segmenta_migrations", on: host)
                try await client.execute("CREATE TABLE \(url.database).segmenta_migrations (version UInt32, applied_at DateTime) ENGINE = MergeTree ORDER BY version", on: host)
                try await client.execute("INSERT INTO \(url.database).segmenta_migrations VALUES (1, now())", on: host)
            }
            try await store.migrate()
            for host in url.hosts {
                let tables = url.cluster == nil ? ["events_local"] : ["events_local", "events"]
                for table in tables {
                    #expect(try await client.column("SELECT count() FROM system.columns WHERE database = '\(url.database)' AND table = '\(table)' AND name = 'future_dated'", on: host) == ["1"])
                }
            }
            let at = try Timestamp.parse("2026-06-15T12:00:00Z")
            try await store.insert([Message(kind: .track, messageID: "f", userID: "u", event: "E", timestamp: at.adding(days: 400))], source: "web", arrival: at)
            #expect(try await store.eventCounts(ofIDs: ["u"]).map(\.futureDated) == [1])
        }
    }

    @Test func eventsLandOnBothShardsAndRetriesCountOnce() async throws {
        try await ClickHouseCluster.with { store, url in
            let at = try Timestamp.parse("2026-06-15T12:00:00Z")
            let messages = (0..<200).map { i in
                Message(kind: .track, messageID: "m\(i)", userID: "user\(i % 50)", event: "Exported", properties: ["rows": 2.5], timestamp: at.adding(days: -(i % 7)))
            }
            try await store.insert(messages, source: "web", arrival: at)
            try await store.insert(Array(messages.prefix(100)), source: "web", arrival: at)   // an SDK retry of half
            try await store.record((0..<50).map { .init(id: "user\($0)", profile: "user\($0)", signup: nil) }, version: 1)
            let perHost = try await store.rowsPerHost()
            #expect(perHost.values.reduce(0, +) == 300)
            if url.hosts.count > 1 { #expect(perHost.values.allSatisfy { $0 > 0 }, "\(perHost)") }
            // Each user sent exactly 4 events (200 over 50 users), retries or not.
            let four = BehaviourCondition(source: .event("Exported"), aggregate: .count, property: nil, filters: [], window: nil, op: .eq, value: 4)
            let leaf = try await store.evaluate(four, asOf: at)
            #expect(!leaf.complement)
            #expect(Set(leaf.ids) == Set((0..<50).map { "user\($0)" }))
            // Sums too: 4 × 2.5 rows each, whether or not the message was sent twice.
            let ten = BehaviourCondition(source: .event("Exported"), aggregate: .sum, property: "rows", filters: [], window: nil, op: .eq, value: 10)
            let both = try await store.evaluate([four, ten], asOf: at)
            #expect(both.leaves.map { Set($0.ids) } == [Set((0..<50).map { "user\($0)" }), Set((0..<50).map { "user\($0)" })])
        }
    }

    @Test func aMergeMovesEventsToTheProfileWithoutRewritingThem() async throws {
        try await ClickHouseCluster.with { store, _ in
            let at = try Timestamp.parse("2026-06-15T12:00:00Z")
            let anonymous = (0..<3).map { i in Message(kind: .track, messageID: "a\(i)", anonymousID: "anon-1", event: "Viewed", timestamp: at.adding(days: -1)) }
            let known = (0..<2).map { i in Message(kind: .track, messageID: "k\(i)", userID: "ana", event: "Viewed", timestamp: at.adding(days: -1)) }
            try await store.insert(anonymous + known, source: "web", arrival: at)
            try await store.record([.init(id: "anon-1", profile: "anon-1", signup: nil), .init(id: "ana", profile: "ana", signup: nil)], version: 1)
            let fivePlus = BehaviourCondition(source: .event("Viewed"), aggregate: .count, property: nil, filters: [], window: nil, op: .gte, value: 5)
            #expect(try await store.evaluate(fivePlus, asOf: at).ids.isEmpty)
            // ana identifies with the anonymous id: it now resolves to her, at a higher version.
            try await store.record([.init(id: "anon-1", profile: "ana", signup: nil)], version: 2)
            #expect(try await store.evaluate(fivePlus, asOf: at).ids == ["ana"])
            // An older version arriving late changes nothing.
            try await store.record([.init(id: "anon-1", profile: "anon-1", signup: nil)], version: 1)
            #expect(try await store.evaluate(fivePlus, asOf: at).ids == ["ana"])
        }
    }

    @Test func aCopiedStoreRefreshesToTheSameMembersWithEventsInClickHouse() async throws {
        let f = try await ConditionSQLAgreementTests.fixture(seed: 9)
        try await ClickHouseCluster.with { events, _ in
            let at = ConditionSQLAgreementTests.at
            let sqlite = try SQLiteStore(), reference = try SQLiteStore()
            try await f.inputs.load(into: sqlite.backend)
            try await f.inputs.load(into: reference.backend)
            let copied = try await StoreCopy.copyEvents(from: .sqlite(sqlite, path: ":memory:"), to: events)
            let tracked = f.inputs.messages.filter { $0.kind == .track }.count
            #expect(copied.events == tracked)
            // A second copy into the same database is refused, and changes nothing.
            await #expect(throws: SegmentaError.self) { _ = try await StoreCopy.copyEvents(from: .sqlite(sqlite, path: ":memory:"), to: events) }
            #expect(try await events.storedEvents() == tracked)
            let definition: JSONValue = ["name": "engaged", "condition": ["any": [
                ["all": [["event": "A", "window": ["last_days": 30], "op": "gte", "value": 2], ["trait": "plan", "op": "eq", "value": "pro"]]],
                ["event": "Logged In", "aggregate": "sum", "property": "amount", "op": "lt", "value": 3],
                ["segment": "ref"],
            ]]]
            for store in [sqlite, reference] { _ = try await store.backend.createSegment(definition) }
            let leaves = try await events.leaves(forSegment: "engaged", of: sqlite.backend, asOf: at)
            #expect(leaves.leaves.count == 2)
            let viaClickHouse = try await sqlite.backend.refresh("engaged", asOf: at, webhookPageSize: 1000, eventLeaves: leaves)
            let viaSQLite = try await reference.backend.refresh("engaged", asOf: at)
            #expect(viaClickHouse.snapshot.size > 0 && viaClickHouse.snapshot.size < f.facts.count)
            #expect(viaClickHouse.entered == viaSQLite.entered)
            #expect(try await sqlite.backend.members(of: "engaged") == (try await reference.backend.members(of: "engaged")))
        }
    }

    /// The random-definition property test of the condition compiler, with events in ClickHouse:
    /// event conditions run in the cluster, the rest in the primary store (SQLite, and PostgreSQL
    /// when one is configured).
    @Test(arguments: ContractBackend.available, [1, 2] as [UInt64])
    func conditionsWithEventsInClickHouseAgreeWithTheEvaluator(primaryBackend: ContractBackend, seed: UInt64) async throws {
        let f = try await ConditionSQLAgreementTests.fixture(seed: seed)
        try await primaryBackend.with { primary in try await Self.agree(f, primary: primary, seed: seed) }
    }

    static func agree(_ f: ConditionSQLAgreementTests.Fixture, primary: any EventsElsewherePrimary, seed: UInt64) async throws {
        try await ClickHouseCluster.with { events, _ in
            try await f.inputs.load(into: primary)
            try await events.insert(f.inputs.messages, source: "t", arrival: ConditionSQLAgreementTests.received)
            try await ClickHouseCluster.recordIdentities(of: primary, into: events, version: 1)
            let definitions = try await primary.segmentDefinitions()
            var rng = SplitMix64(seed: seed &* 7919)
            var disagreements: [String] = []
            var eventLeaves = 0
            for _ in 0..<150 {
                let c = ConditionSQLAgreementTests.randomCondition(&rng, depth: 0)
                let leaves = try await events.leaves(of: c, definitions: definitions, asOf: ConditionSQLAgreementTests.at)
                eventLeaves += leaves.leaves.count
                let got = Set(try await primary.matchingProfiles(c, asOf: ConditionSQLAgreementTests.at, eventLeaves: leaves))
                let reference = Set(f.facts.filter { f.evaluator.matches(c, $0) }.map(\.id))
                if got != reference && disagreements.count < 3 {
                    disagreements.append("\(ConditionRenderer.text(c)): ClickHouse-only \(got.subtracting(reference).sorted()), evaluator-only \(reference.subtracting(got).sorted())")
                }
            }
            #expect(disagreements.isEmpty, "\(disagreements)")
            #expect(eventLeaves >= 40)   // the generator reaches ClickHouse often
        }
    }
}

/// The same generated SQL on a current ClickHouse (26.x, in process through the `chdb-core`
/// wheel): `SEGMENTA_TEST_CHDB_PYTHON` names a Python that imports `chdb` (CI installs one).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["SEGMENTA_TEST_CHDB_PYTHON"] != nil, "SEGMENTA_TEST_CHDB_PYTHON names no Python with chdb"))
struct ClickHouseCurrentEngineTests {
    @Test func generatedSQLRunsOnCurrentClickHouseWithTheEvaluatorsAnswers() async throws {
        let python = ProcessInfo.processInfo.environment["SEGMENTA_TEST_CHDB_PYTHON"] ?? "python3"
        let at = ConditionSQLAgreementTests.at
        let f = try await ConditionSQLAgreementTests.fixture(seed: 5)
        let primary = try SQLiteStore().backend
        try await f.inputs.load(into: primary)
        let definitions = try await primary.segmentDefinitions()
        var rng = SplitMix64(seed: 5 &* 7919)
        let conditions = (0..<150).map { _ in ConditionSQLAgreementTests.randomCondition(&rng, depth: 0) }
        // Each condition's event conditions in one batch, as a refresh sends them.
        let batches = conditions.map { EventLeaves.eventConditions(in: $0, definitions: definitions) }
        let compiler = ClickHouseBehaviourSQL(at: at, database: "segmenta", eventsTable: "events_local")
        let queries = try batches.filter { !$0.isEmpty }.map { try compiler.batch($0) }

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("segmenta-chdb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let schema = ["CREATE DATABASE IF NOT EXISTS segmenta"] + ClickHouseSchema.migrations.flatMap(\.statements).compactMap { ClickHouseSchema.sql($0, database: "segmenta", cluster: nil) }
        try schema.joined(separator: "\n;;\n").write(to: folder.appendingPathComponent("schema.sql"), atomically: true, encoding: .utf8)
        var events = ""
        for m in f.inputs.messages { ClickHouseEventRow(m, source: "t", arrival: ConditionSQLAgreementTests.received)?.writeJSONLine(to: &events) }
        try events.write(to: folder.appendingPathComponent("events.jsonl"), atomically: true, encoding: .utf8)
        let signups = try await primary.signupTimes()
        let identities = try await primary.identityMap().map { ClickHouseEventStore.Identity(id: $0.id, profile: $0.profile, signup: signups[$0.profile]) }
        try ClickHouseEventStore.identityRows(identities, version: 1).write(to: folder.appendingPathComponent("identities.jsonl"), atomically: true, encoding: .utf8)
        try queries.map(\.sql).joined(separator: "\n;;\n").write(to: folder.appendingPathComponent("queries.sql"), atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "tests/clickhouse/current_engine.py", folder.path]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "chdb failed: \(errorText.suffix(2000))")
        var answers = try JSONDecoder().decode([[[String]]].self, from: data)[...]
        try #require(answers.count == queries.count)

        var disagreements: [String] = []
        var leafCount = 0
        for (c, batch) in zip(conditions, batches) {
            var evaluated = EventLeaves()
            if !batch.isEmpty, let rows = answers.popFirst() {
                let complements = queries[queries.count - answers.count - 1].complements
                evaluated.leaves = batch.indices.map { i in
                    .init(condition: batch[i], ids: rows.filter { $0.count > i + 1 && $0[i + 1] == "1" }.map { $0[0] }, complement: complements[i])
                }
                leafCount += batch.count
            }
            let got = Set(try await primary.matchingProfiles(c, asOf: at, eventLeaves: evaluated))
            let reference = Set(f.facts.filter { f.evaluator.matches(c, $0) }.map(\.id))
            if got != reference && disagreements.count < 3 { disagreements.append("\(ConditionRenderer.text(c)): chdb-only \(got.subtracting(reference).sorted()), evaluator-only \(reference.subtracting(got).sorted())") }
        }
        #expect(disagreements.isEmpty, "\(disagreements)")
        #expect(leafCount >= 30)
    }
}
