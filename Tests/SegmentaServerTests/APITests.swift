import Foundation
import Hummingbird
import HummingbirdTesting
import SegmentaCore
import SegmentaServer
import SegmentaStore
import Testing

@Suite("Read and admin API")
struct APITests {
    /// Three profiles: u1 (pro, consents), u2 (pro, denied marketing), u3 (free).
    func seeded() throws -> TestServer {
        let s = try TestServer()
        let t = try Timestamp.parse("2026-11-01T00:00:00Z")
        _ = try s.store.apply([
            Message(kind: .identify, messageID: "1", userID: "u1", traits: ["plan": .string("pro"), "email": .string("a@x.test")], timestamp: t),
            Message(kind: .identify, messageID: "2", userID: "u2", traits: ["plan": .string("pro"), "consent": .object(["marketing": .bool(false)])], timestamp: t),
            Message(kind: .identify, messageID: "3", userID: "u3", traits: ["plan": .string("free")], timestamp: t),
            Message(kind: .track, messageID: "4", userID: "u1", event: "Order Completed", properties: ["revenue": .number(40), "order_id": .string("o1")], timestamp: t),
            Message(kind: .track, messageID: "5", userID: "u1", event: "Logged In", timestamp: t.adding(days: 1)),
            Message(kind: .track, messageID: "6", userID: "u1", event: "Logged In", timestamp: t.adding(days: 2)),
        ], source: "test", arrival: t.adding(days: 3))
        return s
    }

    let proSegment = #"{"name":"pro","condition":{"trait":"plan","op":"eq","value":"pro"},"card":{"objective":"upsell"}}"#

    /// Right after someone acts, the profile says which segments their data puts them in now,
    /// beside the last refresh's.
    @Test("a profile's live membership: entering and leaving at the next refresh")
    func liveMembership() async throws {
        let s = try seeded()
        _ = try s.store.createSegment(try JSONTextParser.parse(proSegment))
        _ = try s.store.refresh("pro", asOf: .now)
        _ = try s.store.apply([Message(kind: .identify, messageID: "7", userID: "u3", traits: ["plan": .string("pro")]),
                               Message(kind: .identify, messageID: "8", userID: "u1", traits: ["plan": .string("free")])], source: "test", arrival: .now)
        try await s.test { client in
            try await client.execute(uri: "/api/v1/profiles/u3", method: .get, headers: TestServer.bearer(s.read)) { r in
                let o = r.json.objectValue ?? [:]
                #expect(o["segments"] == [] && o["live"]?["segments"] == ["pro"] && o["live"]?["entering"] == ["pro"] && o["live"]?["leaving"] == [])
            }
            try await client.execute(uri: "/api/v1/profiles/u1", method: .get, headers: TestServer.bearer(s.read)) { r in
                let o = r.json.objectValue ?? [:]
                #expect(o["segments"] == ["pro"] && o["live"]?["segments"] == [] && o["live"]?["leaving"] == ["pro"])
            }
        }
    }

    /// Handlers call the stores directly; ``LibraryErrorMiddleware`` answers their errors, once, by
    /// code, with the store's message.
    @Test("a store's error is answered by its code on every route: 404 and 409 with the store's words")
    func libraryErrorsAreAnsweredByTheirCode() async throws {
        let s = try seeded()
        try await s.test { client in
            let admin = TestServer.bearer(s.admin)
            try await client.execute(uri: "/api/v1/segments/nope/refresh", method: .post, headers: admin) { r in
                #expect(r.status == .notFound)
                #expect(r.json.objectValue?["code"] == "not_found")
                #expect(r.json.objectValue?["message"] == #"no segment named "nope"; `segmenta segments list` shows them"#)
            }
            try await client.execute(uri: "/api/v1/segments/nope/validations", method: .get, headers: admin) { r in
                #expect(r.status == .notFound && r.json.objectValue?["message"] == #"no segment named "nope""#)
            }
            try await client.execute(uri: "/api/v1/segments", method: .post, headers: admin, body: ByteBuffer(json: proSegment)) { #expect($0.status == .created) }
            try await client.execute(uri: "/api/v1/segments", method: .post, headers: admin, body: ByteBuffer(json: proSegment)) { r in
                #expect(r.status == .conflict && r.json.objectValue?["code"] == "conflict")
            }
            try await client.execute(uri: "/api/v1/segments/pro", method: .delete, headers: admin) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/api/v1/segments/pro", method: .delete, headers: admin) { r in
                #expect(r.status == .notFound && r.json.objectValue?["message"] == #"no segment named "pro""#)
            }
        }
    }

    @Test("keys: none → 401, write key → 403, read key reads but cannot change (403), admin changes")
    func authorization() async throws {
        let s = try seeded()
        try await s.test { client in
            try await client.execute(uri: "/api/v1/segments", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/api/v1/segments", method: .get, headers: TestServer.bearer("nope-nope-nope-nope")) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/api/v1/segments", method: .get, headers: TestServer.bearer(s.write)) { r in
                #expect(r.status == .forbidden)
                #expect(r.json.objectValue?["message"]?.stringValue?.contains("write keys can only send data") == true)
            }
            try await client.execute(uri: "/api/v1/segments", method: .get, headers: TestServer.bearer(s.read)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/segments", method: .post, headers: TestServer.bearer(s.read), body: ByteBuffer(json: proSegment)) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/segments", method: .post, headers: TestServer.bearer(s.admin), body: ByteBuffer(json: proSegment)) { #expect($0.status == .created) }
        }
        // A revoked key stops working at once.
        let key = try #require(try await s.store.backend.keys().first { $0.kind == .read })
        try await s.store.backend.revokeKey(id: key.id)
        try await s.test { client in
            try await client.execute(uri: "/api/v1/segments", method: .get, headers: TestServer.bearer(s.read)) { #expect($0.status == .unauthorized) }
        }
    }

    @Test("segments: create 201, duplicate 409, invalid 422 with the JSON pointer, unknown 404, update, refresh, history, delete 204")
    func segmentLifecycle() async throws {
        let s = try seeded()
        let admin = TestServer.bearer(s.admin)
        try await s.test { client in
            try await client.execute(uri: "/api/v1/segments", method: .post, headers: admin, body: ByteBuffer(json: proSegment)) { r in
                #expect(r.status == .created)
                #expect(r.json.objectValue?["condition_text"]?.stringValue?.contains("plan") == true)
            }
            try await client.execute(uri: "/api/v1/segments", method: .post, headers: admin, body: ByteBuffer(json: proSegment)) { #expect($0.status == .conflict) }
            let bad = #"{"name":"bad","condition":{"all":[{"trait":"plan","op":"resembles","value":"x"}]}}"#
            try await client.execute(uri: "/api/v1/segments", method: .post, headers: admin, body: ByteBuffer(json: bad)) { r in
                #expect(r.status == .unprocessableContent)
                #expect(r.json.objectValue?["message"]?.stringValue?.contains("/condition/all/0/op") == true)
            }
            try await client.execute(uri: "/api/v1/segments/nope", method: .get, headers: admin) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/segments/pro/refresh", method: .post, headers: admin) { r in
                #expect(r.status == .ok)
                #expect(r.json.objectValue?["snapshot"]?.objectValue?["size"] == .number(2))
            }
            let free = #"{"name":"pro","condition":{"trait":"plan","op":"eq","value":"free"}}"#
            try await client.execute(uri: "/api/v1/segments/pro", method: .put, headers: admin, body: ByteBuffer(json: free)) { r in
                #expect(r.status == .ok)
                #expect(r.json.objectValue?["version"] == .number(2))
            }
            try await client.execute(uri: "/api/v1/segments/pro/refresh", method: .post, headers: admin) { r in
                #expect(r.json.objectValue?["entered"] == .array([.string("u3")]))
                // u2 denied marketing consent: left out of the ids the API hands over (the snapshot counts her).
                #expect(r.json.objectValue?["exited"] == .array([.string("u1")]))
            }
            try await client.execute(uri: "/api/v1/segments/pro/history", method: .get, headers: TestServer.bearer(s.read)) { r in
                let sizes = r.json.objectValue?["snapshots"]?.arrayValues.compactMap { $0.objectValue?["size"]?.numberValue }
                #expect(sizes == [2, 1])
            }
            try await client.execute(uri: "/api/v1/segments/pro", method: .delete, headers: admin) { #expect($0.status == .noContent) }
            try await client.execute(uri: "/api/v1/segments/pro", method: .get, headers: admin) { #expect($0.status == .notFound) }
        }
    }

    @Test("explain: the tree with held and value on every node for a member and a non-member; 404 unknown segment or profile; 400 bad as_of; a read key at least")
    func explain() async throws {
        let s = try seeded()
        _ = try s.store.createSegment(try JSONTextParser.parse(#"{"name":"active-pro","condition":{"all":[{"trait":"plan","op":"eq","value":"pro"},{"event":"Logged In","op":"gte","value":2}]}}"#))
        try await s.test { client in
            let base = "/api/v1/segments/active-pro/explain"
            try await client.execute(uri: "\(base)/u1?as_of=2026-11-10", method: .get, headers: TestServer.bearer(s.read)) { r in
                #expect(r.status == .ok)
                let body = r.json.objectValue
                #expect(body?["held"] == true && body?["profile"] == "u1")
                let children = body?["tree"]?.objectValue?["children"]?.arrayValues.compactMap(\.objectValue) ?? []
                #expect(children.map { $0["value"] } == ["pro", 2])
                #expect(children.map { $0["held"] } == [true, true])
            }
            // u2 is pro with no logins: only the event condition blocks her.
            try await client.execute(uri: "\(base)/u2?as_of=2026-11-10", method: .get, headers: TestServer.bearer(s.read)) { r in
                let body = r.json.objectValue
                #expect(body?["held"] == false)
                #expect(body?["blocking"]?.arrayValues.compactMap { $0.objectValue?["value"] } == [0])
            }
            // Before the logins happened, u1 was not in it either.
            try await client.execute(uri: "\(base)/u1?as_of=2026-11-01", method: .get, headers: TestServer.bearer(s.read)) { r in
                #expect(r.json.objectValue?["held"] == false)
            }
            try await client.execute(uri: "\(base)/nobody", method: .get, headers: TestServer.bearer(s.read)) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/segments/nope/explain/u1", method: .get, headers: TestServer.bearer(s.read)) { #expect($0.status == .notFound) }
            try await client.execute(uri: "\(base)/u1?as_of=yesterday", method: .get, headers: TestServer.bearer(s.read)) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "\(base)/u1", method: .get, headers: TestServer.bearer(s.write)) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "\(base)/u1", method: .get) { #expect($0.status == .unauthorized) }
        }
    }

    @Test("members: paged JSON with a cursor, all of them as CSV; a profile that denied marketing consent is left out")
    func members() async throws {
        let s = try seeded()
        _ = try s.store.createSegment(try JSONTextParser.parse(#"{"name":"all","condition":{"trait":"plan","op":"in","value":["pro","free"]}}"#))
        _ = try s.store.refresh("all", asOf: .now)
        let read = TestServer.bearer(s.read)
        try await s.test { client in
            let first = try await client.execute(uri: "/api/v1/segments/all/members?limit=1", method: .get, headers: read) { $0.json }
            #expect(first.objectValue?["members"] == .array([.string("u1")]))
            let cursor = try #require(first.objectValue?["next_cursor"]?.stringValue)
            try await client.execute(uri: "/api/v1/segments/all/members?limit=1&cursor=\(cursor)", method: .get, headers: read) { r in
                #expect(r.json.objectValue?["members"] == .array([.string("u3")]))   // u2 denied consent
                #expect(r.json.objectValue?["next_cursor"] == .null)
            }
            var csv = read
            csv[.accept] = "text/csv"
            try await client.execute(uri: "/api/v1/segments/all/members?traits=plan,email", method: .get, headers: csv) { r in
                #expect(r.headers[.contentType]?.hasPrefix("text/csv") == true)
                #expect(String(buffer: r.body) == "profile_id,plan,email\nu1,pro,a@x.test\nu3,free,\n")
            }
            try await client.execute(uri: "/api/v1/segments/all/members?limit=0", method: .get, headers: read) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/api/v1/segments/none/members", method: .get, headers: csv) { #expect($0.status == .notFound) }
        }
    }

    @Test("profiles: found by user id with traits, computed traits, segments, identities, counts; events paged newest first")
    func profiles() async throws {
        let s = try seeded()
        _ = try s.store.createSegment(try JSONTextParser.parse(proSegment))
        _ = try s.store.refresh("pro", asOf: .now)
        try s.store.replaceComputedTraits(["rfm_segment": ["u1": .string("Champions")]], computedAt: .now)
        let read = TestServer.bearer(s.read)
        try await s.test { client in
            try await client.execute(uri: "/api/v1/profiles/u1", method: .get, headers: read) { r in
                let p = r.json.objectValue
                #expect(p?["segments"] == .array([.string("pro")]))
                #expect(p?["computed_traits"] == .object(["rfm_segment": .string("Champions")]))
                #expect(p?["orders"] == .object(["count": .number(1), "revenue": .number(40)]))
                #expect(p?["event_counts"]?.objectValue?["total"] == .number(4))
            }
            let page1 = try await client.execute(uri: "/api/v1/profiles/u1/events?limit=2", method: .get, headers: read) { $0.json.objectValue! }
            #expect(page1["events"]?.arrayValues.compactMap { $0.objectValue?["timestamp"]?.stringValue } == ["2026-11-03T00:00:00.000Z", "2026-11-02T00:00:00.000Z"])
            let cursor = try #require(page1["next_cursor"]?.stringValue)
            try await client.execute(uri: "/api/v1/profiles/u1/events?limit=2&cursor=\(cursor)", method: .get, headers: read) { r in
                #expect(r.json.objectValue?["events"]?.arrayValues.count == 2)
                #expect(r.json.objectValue?["next_cursor"] == .null)
            }
            try await client.execute(uri: "/api/v1/profiles/u1/events?cursor=garbage", method: .get, headers: read) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/api/v1/profiles/ghost", method: .get, headers: read) { #expect($0.status == .notFound) }
        }
    }

    @Test("analyses: 404 before the first run; POST computes RFM and GET returns it")
    func analyses() async throws {
        let s = try seeded()
        try await s.test { client in
            try await client.execute(uri: "/api/v1/analyses/rfm", method: .get, headers: TestServer.bearer(s.read)) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/analyses/astrology", method: .get, headers: TestServer.bearer(s.read)) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/analyses/rfm", method: .post, headers: TestServer.bearer(s.admin)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/analyses/rfm", method: .get, headers: TestServer.bearer(s.read)) { r in
                #expect(r.status == .ok)
                #expect(r.json.objectValue?["summary"]?.objectValue?["customers"] == .number(1))
            }
        }
        let traits = try s.store.computedTraits(of: "u1")
        #expect(traits["rfm_frequency"] == .number(1) && traits["rfm_monetary"] == .number(40))
    }

    @Test("privacy: delete removes every trace, suppress refuses later messages, export shows everything, requests have a status")
    func privacy() async throws {
        let s = try seeded()
        _ = try s.store.createSegment(try JSONTextParser.parse(proSegment))
        _ = try s.store.refresh("pro", asOf: .now)
        let admin = TestServer.bearer(s.admin)
        try await s.test { client in
            try await client.execute(uri: "/api/v1/privacy/export?userId=u1", method: .get, headers: admin) { r in
                let o = r.json.objectValue
                #expect(o?["events"]?.arrayValues.count == 4)
                #expect(o?["orders"]?.arrayValues.count == 1)
                #expect(o?["segments"]?.arrayValues.first?.objectValue?["segment"] == .string("pro"))
            }
            let id = try await client.execute(uri: "/api/v1/privacy/delete", method: .post, headers: admin, body: ByteBuffer(json: #"{"userIds":["u1"],"suppress":true}"#)) { r in
                #expect(r.status == .ok)
                #expect(r.json.objectValue?["removed"]?.objectValue?["events"] == .number(4))
                return r.json.objectValue?["id"]?.stringValue ?? ""
            }
            try await client.execute(uri: "/api/v1/privacy/requests/\(id)", method: .get, headers: admin) { r in
                #expect(r.json.objectValue?["status"] == .string("completed"))
            }
            try await client.execute(uri: "/api/v1/profiles/u1", method: .get, headers: admin) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/privacy/export?userId=u1", method: .get, headers: admin) { #expect($0.status == .notFound) }
            // A suppressed id's new messages are acknowledged (so SDKs do not retry) but not stored.
            let again = #"{"batch":[{"type":"track","userId":"u1","event":"Back","messageId":"z"},{"type":"track","userId":"u3","event":"Other","messageId":"y"}]}"#
            try await client.execute(uri: "/v1/batch", method: .post, headers: TestServer.basic(s.write), body: ByteBuffer(json: again)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/profiles/u1", method: .get, headers: admin) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/privacy/delete", method: .post, headers: admin, body: ByteBuffer(json: #"{"userIds":[]}"#)) { #expect($0.status == .unprocessableContent) }
            try await client.execute(uri: "/api/v1/privacy/delete", method: .post, headers: TestServer.bearer(s.read), body: ByteBuffer(json: #"{"userIds":["u3"]}"#)) { #expect($0.status == .forbidden) }
        }
        #expect(try s.store.members(of: "pro") == ["u2"])
        #expect(try s.store.profileDetail("u3") != nil)
    }

    @Test("health, metrics and the OpenAPI document need no key; the document lists every API route")
    func system() async throws {
        let s = try TestServer()
        try await s.test { client in
            try await client.execute(uri: "/health", method: .get) { r in
                let health = r.json.objectValue ?? [:]
                #expect(health["status"] == .string("ok"))
                #expect(health["database"] == .string("sqlite") && health["database_status"] == .string("ok") && health["ingest"] == .string("ok"))
            }
            try await client.execute(uri: "/openapi.json", method: .get) { r in
                let paths = r.json.objectValue?["paths"]?.objectValue ?? [:]
                for p in ["/v1/batch", "/batch/", "/api/v1/profiles/{id}", "/api/v1/segments/{name}/members", "/api/v1/privacy/delete",
                          "/api/v1/analyses/{kind}", "/api/v1/segments/{name}/webhooks", "/health", "/metrics"] {
                    #expect(paths[p] != nil, "missing \(p)")
                }
            }
        }
    }
}
