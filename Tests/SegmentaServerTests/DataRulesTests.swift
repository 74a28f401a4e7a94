import Foundation
import Hummingbird
import HummingbirdTesting
import SegmentaCore
import SegmentaServer
import SegmentaStore
import Testing

/// Data rules a user relies on: traits merge deeply, consent is one rule on every export path,
/// misspelt computed traits are refused.
@Suite("Data rules: traits, consent, definitions")
struct DataRulesTests {
    @Test("an unrelated consent update keeps an opt-out; a dotted key is the nested path; null removes a key")
    func deepMerge() throws {
        let store = try SQLiteStore()
        let t = try Timestamp.parse("2026-11-01T00:00:00Z")
        _ = try store.apply([Message(kind: .identify, messageID: "1", userID: "u", traits: ["consent": .object(["marketing": .bool(false)]), "plan": .string("pro"), "address": .object(["city": .string("Lyon"), "zip": .string("69001")])], timestamp: t)],
                            source: "s", arrival: t)
        _ = try store.apply([Message(kind: .identify, messageID: "2", userID: "u", traits: ["consent": .object(["sms": .bool(true)]), "address.city": .string("Paris"), "plan": .null], timestamp: t.adding(days: 1))],
                            source: "s", arrival: t)
        let traits = try #require(try store.traits(of: "u"))
        #expect(traits["consent"] == .object(["marketing": .bool(false), "sms": .bool(true)]))
        #expect(traits["address"] == .object(["city": .string("Paris"), "zip": .string("69001")]))
        #expect(!traits.keys.contains("plan"))
        #expect(!traits.keys.contains("address.city"))
        // An older message does not overwrite a newer leaf.
        _ = try store.apply([Message(kind: .identify, messageID: "3", userID: "u", traits: ["consent.marketing": .bool(true)], timestamp: t.adding(days: -1))],
                            source: "s", arrival: t)
        #expect(try store.traits(of: "u")?["consent"]?.objectValue?["marketing"] == .bool(false))
        #expect(try store.consentDenied(among: ["u"]) == ["u"])
    }

    @Test("the API refresh answer leaves out people who denied consent; include_no_consent=true is for admins only")
    func consentOnEveryPath() async throws {
        let s = try TestServer()
        let t = try Timestamp.parse("2026-11-01T00:00:00Z")
        _ = try s.store.apply([
            Message(kind: .identify, messageID: "1", userID: "yes", traits: ["plan": .string("pro")], timestamp: t),
            Message(kind: .identify, messageID: "2", userID: "no", traits: ["plan": .string("pro"), "consent.marketing": .bool(false)], timestamp: t),
        ], source: "s", arrival: t)
        _ = try s.store.createSegment(try JSONTextParser.parse(#"{"name":"pro","condition":{"trait":"plan","op":"eq","value":"pro"}}"#))
        try await s.test { client in
            try await client.execute(uri: "/api/v1/segments/pro/refresh", method: .post, headers: TestServer.bearer(s.admin)) { r in
                #expect(r.json.objectValue?["entered"] == .array([.string("yes")]))
                #expect(r.json.objectValue?["snapshot"]?.objectValue?["size"] == .number(2))   // analytics still count both
            }
            try await client.execute(uri: "/api/v1/segments/pro/members", method: .get, headers: TestServer.bearer(s.read)) { r in
                #expect(r.json.objectValue?["members"] == .array([.string("yes")]))
            }
            try await client.execute(uri: "/api/v1/segments/pro/members?include_no_consent=true", method: .get, headers: TestServer.bearer(s.read)) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/segments/pro/members?include_no_consent=true", method: .get, headers: TestServer.bearer(s.admin)) { r in
                #expect(r.json.objectValue?["members"] == .array([.string("no"), .string("yes")]))
            }
        }
    }

    @Test("a misspelt computed trait is refused with the known ones; allow_unknown accepts one computed later")
    func unknownComputedTrait() async throws {
        let s = try TestServer()
        try await s.test { client in
            let body = #"{"name":"champs","condition":{"computed":"rfm_segmnt","op":"eq","value":"Champions"}}"#
            try await client.execute(uri: "/api/v1/segments", method: .post, headers: TestServer.bearer(s.admin), body: ByteBuffer(string: body)) { r in
                #expect(r.status == .unprocessableContent)
                #expect(r.json.objectValue?["message"]?.stringValue?.contains("rfm_segment") == true)
            }
            try await client.execute(uri: "/api/v1/segments?allow_unknown=true", method: .post, headers: TestServer.bearer(s.admin), body: ByteBuffer(string: body)) { #expect($0.status == .created) }
            let good = #"{"name":"champs2","condition":{"computed":"rfm_segment","op":"eq","value":"Champions"}}"#
            try await client.execute(uri: "/api/v1/segments", method: .post, headers: TestServer.bearer(s.admin), body: ByteBuffer(string: good)) { #expect($0.status == .created) }
        }
    }
}

@Suite("Accounts")
struct AccountRuleTests {
    @Test("a late group message (older timestamp) does not overwrite newer account traits; newer ones do, per trait")
    func groupNewestWins() throws {
        let store = try SQLiteStore()
        let t = try Timestamp.parse("2026-11-10T00:00:00Z")
        _ = try store.apply([Message(kind: .group, messageID: "1", userID: "u", traits: ["employees": .number(250), "industry": .string("fintech")], groupID: "acme", timestamp: t)],
                            source: "s", arrival: t)
        _ = try store.apply([Message(kind: .group, messageID: "2", userID: "u", traits: ["employees": .number(12), "plan": .string("pro")], groupID: "acme", timestamp: t.adding(days: -30))],
                            source: "s", arrival: t.adding(days: 1))
        let traits = try #require(try store.accountTraits("acme"))
        #expect(traits["employees"] == .number(250))   // the late, older value lost
        #expect(traits["plan"] == .string("pro"))      // a trait it did not have yet is added
        #expect(traits["industry"] == .string("fintech"))
    }
}

@Suite("Profile imports merge like identify")
struct ProfileImportMergeTests {
    @Test("a CSV column consent.sms keeps an earlier consent.marketing opt-out (and the person stays out of exports)")
    func csvColumnKeepsOptOut() throws {
        let store = try SQLiteStore()
        let t = try Timestamp.parse("2026-11-01T00:00:00Z")
        _ = try store.apply([Message(kind: .identify, messageID: "1", userID: "u1", traits: ["consent": .object(["marketing": .bool(false)])], timestamp: t)], source: "s", arrival: t)
        var csv = "id,consent.sms,plan\nu1,true,pro\n"
        let rows = try csv.withUTF8 { bytes in
            try ProfileFileReader.read(bytes, options: DelimitedFileOptions(), idColumn: nil, policy: .fail, fileName: "p.csv").rows
        }
        _ = try store.importProfiles(rows, at: t.adding(days: 1))
        #expect(try store.traits(of: "u1")?["consent"] == .object(["marketing": .bool(false), "sms": .bool(true)]))
        #expect(try store.consentDenied(among: ["u1"]) == ["u1"])
    }
}
