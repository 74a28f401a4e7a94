import Testing
@testable import SegmentaCore
@testable import SegmentaStore

@Suite struct SegmentMaterialisationTests {
    func t(_ s: String) -> Timestamp { try! Timestamp.parse(s) }

    func store() throws -> SQLiteStore {
        let s = try SQLiteStore()
        _ = try s.apply([
            Message(kind: .identify, messageID: "1", userID: "a", traits: ["plan": "pro"], timestamp: t("2026-01-01")),
            Message(kind: .identify, messageID: "2", userID: "b", traits: ["plan": "free"], timestamp: t("2026-01-01")),
            Message(kind: .identify, messageID: "3", userID: "c", traits: ["plan": "pro"], timestamp: t("2026-01-01")),
            Message(kind: .track, messageID: "4", userID: "a", event: "Logged In", timestamp: t("2026-01-10")),
            Message(kind: .track, messageID: "5", userID: "b", event: "Logged In", timestamp: t("2026-01-20")),
            Message(kind: .track, messageID: "6", userID: "c", event: "Logged In", timestamp: t("2026-01-31")),
        ], source: "t", arrival: t("2026-02-01"))
        return s
    }

    @Test func refreshesRecordSnapshotsEntriesAndExits() throws {
        let s = try store()
        _ = try s.createSegment(["name": "recent", "condition": ["event": "Logged In", "window": ["last_days": 7], "op": "gte", "value": 1]])
        let r1 = try s.refresh("recent", asOf: t("2026-01-15"))     // a (10th) within 8th…15th
        #expect(r1.entered == ["a"] && r1.exited.isEmpty && r1.snapshot.size == 1)
        let r2 = try s.refresh("recent", asOf: t("2026-01-25"))     // b (20th)
        #expect(r2.entered == ["b"] && r2.exited == ["a"])
        let r3 = try s.refresh("recent", asOf: t("2026-02-01"))     // c (31st); b's 20th is 12 days old
        #expect(r3.entered == ["c"] && r3.exited == ["b"])
        #expect(try s.history(of: "recent").map { [$0.size, $0.entered, $0.exited] } == [[1, 1, 0], [1, 1, 1], [1, 1, 1]])
        #expect(try s.members(of: "recent", snapshot: r1.snapshot.id) == ["a"])
        #expect(try s.members(of: "recent", snapshot: r2.snapshot.id) == ["b"])
        #expect(try s.members(of: "recent") == ["c"])
        #expect(try s.snapshot(of: "recent", asOf: t("2026-01-26"))?.id == r2.snapshot.id)
    }

    @Test func windowEdgesAreInclusiveAndNothingAfterTheEvaluationCounts() throws {
        let s = try store()
        func count(_ window: JSONValue?, at: String) throws -> [String] {
            var node: [String: JSONValue] = ["event": "Logged In", "op": "gte", "value": 1]
            if let window { node["window"] = window }
            return try s.matchingProfiles(ConditionParser.condition(.object(node)), asOf: t(at))
        }
        // last_days 5 as of the 15th covers 10th 00:00 … 15th 00:00, both ends included.
        #expect(try count(["last_days": 5], at: "2026-01-15") == ["a"])
        #expect(try count(["last_days": 4], at: "2026-01-15").isEmpty)
        // from/to are whole UTC days, both included.
        #expect(try count(["from": "2026-01-20", "to": "2026-01-20"], at: "2026-03-01") == ["b"])
        #expect(try count(["from": "2026-01-11", "to": "2026-01-19"], at: "2026-03-01").isEmpty)
        // No window: everything up to the evaluation time, nothing after.
        #expect(try count(nil, at: "2026-01-20") == ["a", "b"])
        // since_signup_days: first_seen (no signed_up_at) is 2026-01-01; 10 days covers the 10th at 00:00? No: [1st, 11th).
        #expect(try count(["since_signup_days": 10], at: "2026-03-01") == ["a"])
        #expect(try count(["since_signup_days": 9], at: "2026-03-01").isEmpty)
    }

    @Test func everyEditIsANewVersionAndReferencesAreChecked() async throws {
        let s = try store()
        _ = try s.createSegment(["name": "pro", "condition": ["trait": "plan", "op": "eq", "value": "pro"]])
        let updated = try s.updateSegment(["name": "pro", "condition": ["trait": "plan", "op": "in", "value": ["pro", "free"]]])
        #expect(updated.version == 2)
        #expect(try await s.backend.versions(of: "pro").map(\.version) == [1, 2])
        #expect(try await s.backend.versions(of: "pro")[0].document.objectValue?["condition"]?.objectValue?["op"] == "eq")
        // Read back parsed, once, in the store: the version's condition, the current one on the segment.
        #expect(try await s.backend.versions(of: "pro")[0].definition.condition == ConditionParser.condition(["trait": "plan", "op": "eq", "value": "pro"]))
        #expect(try s.segment(named: "pro")?.definition.condition == ConditionParser.condition(["trait": "plan", "op": "in", "value": ["pro", "free"]]))
        #expect(throws: SegmentaError.self) { try s.createSegment(["name": "pro", "condition": ["segment": "x"]]) }  // name taken
        #expect(throws: SegmentaError.self) { try s.createSegment(["name": "q", "condition": ["segment": "missing"]]) }
        _ = try s.createSegment(["name": "loop-a", "condition": ["segment": "pro"]])
        do {
            _ = try s.updateSegment(["name": "pro", "condition": ["segment": "loop-a"]])
            Issue.record("a cycle was accepted")
        } catch { #expect(error.message.contains("cycle")) }
        do {
            try s.deleteSegment("pro")
            Issue.record("deleted a referenced segment")
        } catch { #expect(error.code == .conflict) }
        try s.deleteSegment("loop-a")
        try s.deleteSegment("pro")
        #expect(try s.segments().isEmpty)
    }

    @Test func staticSegmentsAndFreezing() throws {
        let s = try store()
        #expect(throws: SegmentaError.self) { try s.importStatic("vip", ids: ["a", "zz"]) }
        #expect(try s.segments().isEmpty)
        let vip = try s.importStatic("vip", ids: ["c", "a", "a"])
        #expect(vip.snapshot.size == 2)
        _ = try s.createSegment(["name": "vip-pro", "condition": ["all": [["segment": "vip"], ["trait": "plan", "op": "eq", "value": "pro"]]]])
        #expect(try s.refresh("vip-pro", asOf: t("2026-02-01")).entered == ["a", "c"])
        let frozen = try s.freeze("vip-pro", as: "vip-pro-jan")
        #expect(frozen.snapshot.size == 2)
        #expect(try s.segment(named: "vip-pro-jan")?.kind == .static)
        #expect(try s.segment(named: "vip-pro-jan")?.definition == SegmentDefinition(name: "vip-pro-jan", description: "Frozen copy of vip-pro (version 1)", condition: nil))
    }

    @Test func aFailedRefreshIsRecordedNotSilent() throws {
        let s = try store()
        _ = try s.createSegment(["name": "x", "condition": ["trait": "plan", "op": "eq", "value": "pro"]])
        // Break the stored definition behind the store's back (as a bad migration would).
        try s.write { db in try db.execute(sql: "UPDATE segment_versions SET definition = '{\"name\":\"x\",\"condition\":{\"segment\":\"gone\"}}'") }
        #expect(throws: SegmentaError.self) { try s.refresh("x", asOf: t("2026-02-01")) }
        #expect(try s.segment(named: "x")?.lastError?.contains("gone") == true)
        #expect(try s.history(of: "x").isEmpty)
    }
}

@Suite struct ConditionParserTests {
    func parse(_ json: String) throws -> SegmentDefinition {
        try ConditionParser.definition(JSONTextParser.parse(json))
    }

    @Test(arguments: [
        (#"{"name":"s","condition":{"all":[{"trait":"plan","op":"eq","value":"pro"},{"trait":"plan","op":"gtee","value":1}]}}"#,
         "/condition/all/1/op: unknown operator \"gtee\"; expected one of eq, neq, gt, gte, lt, lte, in, not_in, contains, starts_with, between, exists"),
        (#"{"name":"s","condition":{"trait":"plan","op":"gt","value":true}}"#, "/condition/value: booleans compare with eq or neq only"),
        (#"{"name":"s","condition":{"event":"E","aggregate":"sum","op":"gt","value":1}}"#, "/condition/property: sum needs the property to aggregate, e.g. \"property\": \"revenue\""),
        (#"{"name":"s","condition":{"event":"E","window":{"last_days":3,"since_signup_days":2},"op":"gt","value":1}}"#, "/condition/window/since_signup_days: unknown field \"since_signup_days\" here; expected last_days"),
        (#"{"name":"s","condition":{"script":"rm -rf /"}}"#, "/condition: unknown condition (found \"script\"); expected one of all, any, not, trait, computed, account_trait, account, event, orders, segment"),
        (#"{"name":"s","condition":{"trait":"a","op":"between","value":[5,1]}}"#, "/condition/value: between needs low ≤ high"),
        (#"{"name":"bad name!","condition":{"segment":"x"}}"#, "/name: \"bad name!\" is not a valid name; use 1–64 letters, digits, -, _ or ."),
        (#"{"name":"s","condition":{"orders":"sum","property":"tax","op":"gt","value":1}}"#, "/condition/property: orders aggregate their amount; property must be \"amount\""),
        (#"{"name":"s","condition":{"trait":"d","before":"2026-02-30"}}"#, "/condition/before: \"2026-02-30\" is not a date: day 30 does not exist in 2026-02"),
        (#"{"name":"s","card":{"mood":"x"},"condition":{"segment":"x"}}"#, "/card/mood: unknown card field \"mood\"; expected one of objective, kpi, needs, risks, goals, actions"),
    ])
    func invalidDefinitionsPointAtTheProblem(json: String, expected: String) throws {
        do {
            _ = try parse(json)
            Issue.record("accepted \(json)")
        } catch let e as ConditionError {
            #expect(e.description == expected)
        }
    }

    @Test func limitsAreEnforced() throws {
        var deep: JSONValue = ["trait": "a", "op": "exists", "value": true]
        for _ in 0..<40 { deep = ["not": deep] }
        #expect(throws: ConditionError.self) { try ConditionParser.condition(deep) }
        let wide: JSONValue = ["any": .array((0..<1001).map { _ in ["trait": "a", "op": "exists", "value": true] })]
        #expect(throws: ConditionError.self) { try ConditionParser.condition(wide) }
        let long: JSONValue = ["trait": "a", "op": "in", "value": .array((0..<10_001).map { .number(Double($0)) })]
        #expect(throws: ConditionError.self) { try ConditionParser.condition(long) }
    }

    @Test func theIssueExampleParsesAndReadsBack() throws {
        let d = try parse(#"""
        {"name": "pro-frequent-quiet", "description": "Pro customers who buy often but stopped logging in",
         "card": {"objective": "o", "kpi": "k", "needs": "n", "risks": "r", "actions": "a"},
         "condition": {"all": [
           {"trait": "plan", "op": "in", "value": ["pro", "enterprise"]},
           {"orders": "count", "window": {"last_days": 90}, "op": "gte", "value": 3},
           {"event": "Logged In", "window": {"last_days": 30}, "op": "eq", "value": 0}]}}
        """#)
        #expect(d.card.count == 5)
        #expect(ConditionRenderer.text(d.condition!) == #"plan in ("pro", "enterprise") and count(orders, last 90 days) ≥ 3 and count("Logged In", last 30 days) = 0"#)
    }
}

@Suite("One refresh, whoever runs it")
struct OneRefreshTests {
    func seeded() throws -> SQLiteStore {
        let store = try SQLiteStore()
        let t = try Timestamp.parse("2026-01-01T00:00:00Z")
        _ = try store.apply([
            Message(kind: .identify, messageID: "1", userID: "a", traits: ["plan": .string("pro")], timestamp: t),
            Message(kind: .track, messageID: "2", userID: "a", event: "Logged In", timestamp: try Timestamp.parse("2026-01-20T00:00:00Z")),
            Message(kind: .identify, messageID: "3", userID: "b", traits: ["plan": .string("pro")], timestamp: t),
        ], source: "t", arrival: t)
        _ = try store.createSegment(try JSONTextParser.parse(#"{"name":"active","condition":{"event":"Logged In","op":"gte","value":1,"window":{"last_days":30}}}"#))
        return store
    }

    @Test("a refresh from the CLI (the store call) queues the webhook deliveries in its own transaction")
    func refreshQueuesDeliveries() async throws {
        let store = try seeded()
        _ = try await store.backend.createWebhook(segment: "active", url: "https://crm.example.com/hook", secret: "0123456789abcdef")
        let r = try store.refresh("active", asOf: try Timestamp.parse("2026-01-25"))
        #expect(r.entered == ["a"])
        let queued = try await store.backend.webhookDeliveries(segment: "active", limit: 100)
        #expect(queued.count == 1)
        #expect(queued.first?.status == .pending)
        // Nothing changed: nothing queued.
        _ = try store.refresh("active", asOf: try Timestamp.parse("2026-01-26"))
        #expect(try await store.backend.webhookDeliveries(segment: "active", limit: 100).count == 1)
    }

    @Test("a refresh as of a date before the latest snapshot is a backtest: not stored, current membership unchanged")
    func backdatedRefreshIsABacktest() throws {
        let store = try seeded()
        _ = try store.refresh("active", asOf: try Timestamp.parse("2026-01-25"))   // a is active
        _ = try store.refresh("active", asOf: try Timestamp.parse("2026-03-30"))   // nobody (a's login is > 30 days old)
        #expect(try store.members(of: "active") == [])
        let history = try store.history(of: "active").map(\.size)
        let back = try store.refresh("active", asOf: try Timestamp.parse("2026-01-22"))
        #expect(back.backtest)
        #expect(back.snapshot.size == 1)
        #expect(try store.history(of: "active").map(\.size) == history)   // nothing appended
        #expect(try store.members(of: "active") == [])                    // still the newest snapshot's
    }
}

@Suite("Account conditions")
struct AccountConditionTests {
    /// mixed: a small fintech and a big retailer; bigfin: a big fintech; none: no account.
    func seeded() throws -> SQLiteStore {
        let store = try SQLiteStore()
        let t = try Timestamp.parse("2026-11-01T00:00:00Z")
        _ = try store.apply([
            Message(kind: .group, messageID: "1", userID: "mixed", traits: ["industry": .string("fintech"), "employees": .number(20)], groupID: "small-fin", timestamp: t),
            Message(kind: .group, messageID: "2", userID: "mixed", traits: ["industry": .string("retail"), "employees": .number(500)], groupID: "big-retail", timestamp: t),
            Message(kind: .group, messageID: "3", userID: "bigfin", traits: ["industry": .string("fintech"), "employees": .number(900)], groupID: "big-fin", timestamp: t),
            Message(kind: .identify, messageID: "4", userID: "none", traits: ["industry": .string("fintech"), "employees": .number(900)], timestamp: t),
        ], source: "s", arrival: t)
        return store
    }

    @Test("account_trait tests each trait on any account; {\"account\": …} needs one account that is both")
    func oneAccountThatIsBoth() throws {
        let store = try seeded()
        let loose = try ConditionParser.condition(JSONTextParser.parse(#"{"all":[{"account_trait":"industry","op":"eq","value":"fintech"},{"account_trait":"employees","op":"gte","value":200}]}"#))
        let strict = try ConditionParser.condition(JSONTextParser.parse(#"{"account":{"all":[{"trait":"industry","op":"eq","value":"fintech"},{"trait":"employees","op":"gte","value":200}]}}"#))
        #expect(try store.previewSize(loose, asOf: .now) == 2)    // mixed and bigfin
        #expect(try store.previewSize(strict, asOf: .now) == 1)   // bigfin only
        // The in-memory reference agrees, profile by profile.
        let evaluator = ConditionEvaluator(at: .now)
        let mixed = ProfileFacts(id: "mixed", accounts: [["industry": .string("fintech"), "employees": .number(20)], ["industry": .string("retail"), "employees": .number(500)]])
        let bigfin = ProfileFacts(id: "bigfin", accounts: [["industry": .string("fintech"), "employees": .number(900)]])
        let none = ProfileFacts(id: "none", traits: ["industry": .string("fintech"), "employees": .number(900)])
        #expect(evaluator.matches(loose, mixed) && evaluator.matches(loose, bigfin) && !evaluator.matches(loose, none))
        #expect(!evaluator.matches(strict, mixed) && evaluator.matches(strict, bigfin) && !evaluator.matches(strict, none))
        #expect(ConditionRenderer.text(strict) == #"an account with (industry = "fintech" and employees ≥ 200)"#)
        _ = try store.createSegment(try JSONTextParser.parse(#"{"name":"big-fintech","condition":{"account":{"all":[{"trait":"industry","op":"eq","value":"fintech"},{"trait":"employees","op":"gte","value":200}]}}}"#))
        #expect(try store.refresh("big-fintech", asOf: .now).entered == ["bigfin"])
    }

    @Test("inside an account only trait, all, any and not are allowed", arguments: [
        #"{"account":{"event":"Logged In","op":"gte","value":1}}"#,
        #"{"account":{"computed":"rfm_segment","op":"eq","value":"Champions"}}"#,
        #"{"account":{"account":{"trait":"x","op":"eq","value":1}}}"#,
        #"{"account":"fintech"}"#,
    ])
    func refusedInside(_ text: String) throws {
        #expect(throws: ConditionError.self) { try ConditionParser.condition(JSONTextParser.parse(text)) }
    }
}

@Suite("Snapshots are facts")
struct SnapshotFactTests {
    @Test("a later identity merge or privacy delete never changes a recorded snapshot's size, entered or exited")
    func sizesStay() throws {
        let store = try SQLiteStore()
        let t = try Timestamp.parse("2026-11-01T00:00:00Z")
        _ = try store.apply([
            Message(kind: .identify, messageID: "1", anonymousID: "anon-1", traits: ["plan": .string("pro")], timestamp: t),
            Message(kind: .identify, messageID: "2", userID: "dana", traits: ["plan": .string("pro")], timestamp: t),
            Message(kind: .identify, messageID: "3", userID: "eve", traits: ["plan": .string("pro")], timestamp: t),
        ], source: "s", arrival: t)
        _ = try store.createSegment(try JSONTextParser.parse(#"{"name":"pro","condition":{"trait":"plan","op":"eq","value":"pro"}}"#))
        _ = try store.refresh("pro", asOf: t.adding(days: 1))
        let before = try store.history(of: "pro")
        #expect(before.map(\.size) == [3])
        // The anonymous profile turns out to be dana (merged), and eve asks to be deleted.
        _ = try store.apply([Message(kind: .alias, messageID: "4", userID: "dana", previousID: "anon-1", timestamp: t.adding(days: 2))], source: "s", arrival: t.adding(days: 2))
        _ = try store.deletePeople(["eve"], suppress: false, requestID: "prv_x")
        #expect(try store.history(of: "pro") == before)
    }
}
