import Foundation
import GRDB
import SegmentaCore
@testable import SegmentaStore
import Testing

@Suite("Privacy: a delete leaves no trace, and nothing brings the person back")
struct PrivacyTests {
    /// ada (user id, with an anonymous id, an order, a segment stay) and bob; analysis summaries naming both.
    func seeded(_ path: String) throws -> SQLiteStore {
        let store = try SQLiteStore(path: path)
        let t = try Timestamp.parse("2026-10-01T00:00:00Z")
        _ = try store.apply([
            Message(kind: .identify, messageID: "1", userID: "ada@example.com", anonymousID: "anon-ada-7", traits: ["plan": .string("pro"), "email": .string("ada@example.com")], timestamp: t),
            Message(kind: .track, messageID: "2", userID: "ada@example.com", event: "Order Completed", properties: ["revenue": .number(40), "order_id": .string("o1")], timestamp: t),
            Message(kind: .identify, messageID: "3", userID: "bob", traits: ["plan": .string("pro")], timestamp: t),
        ], source: "test", arrival: t)
        _ = try store.createSegment(try JSONTextParser.parse(#"{"name":"pro","condition":{"trait":"plan","op":"eq","value":"pro"}}"#))
        _ = try store.refresh("pro", asOf: t.adding(days: 1))
        let profileOfAda = try #require(try store.profileID(forExternalID: "ada@example.com"))
        // What CLV and personas keep: a top list of objects, sample rows starting with the id.
        let summary = try JSONTextParser.parse(#"""
            {"top":[{"id":"\#(profileOfAda)","clv":120.5},{"id":"bob","clv":80}],
             "sample":[["\#(profileOfAda)",1,0.5],["bob",2,0.7]], "customers":2}
            """#)
        try store.recordAnalysis(kind: "clv", asOf: t, parameters: .object([:]), summary: summary, values: [], at: t)
        // What RFM keeps: computed traits per profile and the run's value per profile.
        try store.replaceComputedTraits(["rfm_segment": [profileOfAda: "Champions", "bob": "Lost"]], computedAt: t)
        try store.recordAnalysis(kind: "rfm", asOf: t, parameters: .object([:]), summary: .object([:]),
                                 values: [(profileOfAda, "Champions"), ("bob", "Lost")], at: t)
        return store
    }

    /// Every text value of every table, for a search.
    func everyText(_ path: String) throws -> String {
        let db = try DatabaseQueue(path: path)
        return try db.read { db in
            var out = ""
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"") {
                    for value in row.databaseValues { if let s = String.fromDatabaseValue(value) { out += s + "\n" } }
                }
            }
            return out
        }
    }

    @Test("after a delete no table holds the person's ids or email in clear; summaries keep the others; snapshot sizes stay")
    func noTrace() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("segmenta-privacy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("p.sqlite").path
        let store = try seeded(path)
        let profile = try #require(try store.profileID(forExternalID: "ada@example.com"))
        let before = try store.history(of: "pro").map(\.size)
        let request = try store.deletePeople(["ada@example.com"], suppress: true, requestID: "prv_1")
        #expect(request.result.objectValue?["analysis_summaries"] == .number(1))
        #expect(request.result.objectValue?["analysis_values"] == .number(1))
        #expect(request.result.objectValue?["computed_traits"] == .number(1))
        #expect(request.subjectHashes == [IDHash.of(id: "ada@example.com")])
        let text = try everyText(path)
        for trace in ["ada@example.com", "anon-ada-7", profile] { #expect(!text.contains(trace), "\(trace) is still stored") }
        #expect(text.contains("bob"))
        #expect(try store.analysisValues(kind: "rfm", asOf: .now)?.values == ["bob": "Lost"])
        #expect(try store.computedTraitValues("rfm_segment") == ["bob": "Lost"])
        #expect(try store.history(of: "pro").map(\.size) == before)
        // Suppression still works from the hashes alone.
        #expect(try store.suppressed(among: ["ada@example.com", "anon-ada-7", "bob"]) == ["ada@example.com", "anon-ada-7"])
    }

    @Test("a message that arrived before the delete but is committed after it does not bring the person back; a later one does (without suppression)")
    func queuedMessagesErased() throws {
        let store = try SQLiteStore()
        let t = try Timestamp.parse("2026-10-01T00:00:00Z")
        _ = try store.apply([Message(kind: .identify, messageID: "1", userID: "carol", traits: ["plan": .string("free")], timestamp: t)], source: "s", arrival: t)
        let queuedAt = Timestamp.now
        _ = try store.deletePeople(["carol"], suppress: false, requestID: "prv_2")
        let late = try store.apply([MessageBatch(messages: [Message(kind: .track, messageID: "2", userID: "carol", event: "Logged In", timestamp: t)], source: "s", arrival: queuedAt)])
        #expect(late[0].erased == 1)
        #expect(late[0].accepted == 0)
        #expect(try store.profileID(forExternalID: "carol") == nil)
        // She comes back on her own later: without suppression that is a new person.
        let back = try store.apply([MessageBatch(messages: [Message(kind: .track, messageID: "3", userID: "carol", event: "Logged In")], source: "s", arrival: Timestamp(milliseconds: Timestamp.now.milliseconds + 1000))])
        #expect(back[0].accepted == 1)
    }
}

@Suite("Store limits: time and cost")
struct StoreLimitTests {
    @Test("a query past its deadline is interrupted with a timeout error (an endless query ends)")
    func deadline() throws {
        let store = try SQLiteStore()
        #expect {
            try QueryDeadline.with(.milliseconds(100)) {
                // Counts for ever unless interrupted.
                try store.read { db in try Int.fetchOne(db, sql: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c") }
            }
        } throws: { ($0 as? SegmentaError)?.code == .timeout }
        // Without a deadline the same store answers.
        #expect(try store.previewSize(try ConditionParser.condition(JSONTextParser.parse(#"{"trait":"x","op":"eq","value":1}"#)), asOf: .now) == 0)
    }

    @Test("segment references that multiply conditions past 10,000 are refused, not expanded")
    func referenceBlowUp() throws {
        let store = try SQLiteStore()
        let leaves = (0..<20).map { #"{"trait":"t\#($0)","op":"eq","value":1}"# }.joined(separator: ",")
        _ = try store.createSegment(try JSONTextParser.parse(#"{"name":"c","condition":{"any":[\#(leaves)]}}"#))
        let twentyC = Array(repeating: #"{"segment":"c"}"#, count: 20).joined(separator: ",")
        _ = try store.createSegment(try JSONTextParser.parse(#"{"name":"b","condition":{"all":[\#(twentyC)]}}"#))
        let twentyB = Array(repeating: #"{"segment":"b"}"#, count: 40).joined(separator: ",")
        #expect {
            _ = try store.createSegment(try JSONTextParser.parse(#"{"name":"a","condition":{"all":[\#(twentyB)]}}"#))
        } throws: { ($0 as? SegmentaError)?.message.contains("10000") == true }
    }
}

@Suite("Identity rules")
struct IdentityRuleTests {
    @Test("a reused anonymousId never merges two identified people: bob keeps his email, the device moves to carol")
    func sharedDevice() throws {
        let store = try SQLiteStore()
        let t = try Timestamp.parse("2026-11-01T10:00:00Z")
        let first = try store.apply([Message(kind: .identify, messageID: "1", userID: "bob", anonymousID: "device-A", traits: ["email": .string("bob@x.test")], timestamp: t)],
                                    source: "s", arrival: t)
        #expect(first.mergesRefused == 0)
        let second = try store.apply([Message(kind: .identify, messageID: "2", userID: "carol", anonymousID: "device-A", traits: ["email": .string("carol@x.test")], timestamp: t.adding(days: 1))],
                                     source: "s", arrival: t.adding(days: 1))
        #expect(second.mergesRefused == 1)
        #expect(second.profilesMerged == 0)
        let bob = try #require(try store.profileID(forExternalID: "bob"))
        let carol = try #require(try store.profileID(forExternalID: "carol"))
        #expect(bob != carol)
        #expect(try store.traits(of: bob)?["email"] == .string("bob@x.test"))
        #expect(try store.traits(of: carol)?["email"] == .string("carol@x.test"))
        // The device now belongs to the newest user: its next anonymous event is carol's.
        #expect(try store.profileID(forExternalID: "device-A") == carol)
        // An anonymous profile (no user id yet) is still merged on identify, as before.
        _ = try store.apply([Message(kind: .track, messageID: "3", anonymousID: "device-B", event: "Viewed")], source: "s", arrival: t)
        let third = try store.apply([Message(kind: .identify, messageID: "4", userID: "dan", anonymousID: "device-B")], source: "s", arrival: t)
        #expect(third.profilesMerged == 1)
        #expect(try store.profileID(forExternalID: "device-B") == store.profileID(forExternalID: "dan"))
    }
}
