import CompressNIO
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Logging
import SegmentaJobs
import SegmentaCore
@testable import SegmentaServer
import SegmentaStore
import Testing

/// Requests an attacker or a careless client sends: each one answered with a 4xx that says what
/// to fix, and the server still up afterwards (every test ends with a request that must succeed).
@Suite("Hardening: hostile and careless requests")
struct HardeningTests {
    /// u1 (pro, email that is a spreadsheet formula, balance -5), u2 (pro).
    func seeded() throws -> TestServer {
        let s = try TestServer()
        let t = try Timestamp.parse("2026-11-01T00:00:00Z")
        _ = try s.store.apply([
            Message(kind: .identify, messageID: "1", userID: "u1", traits: ["plan": .string("pro"), "email": .string("=HYPERLINK(\"http://evil\",\"x\")"), "balance": .string("-5")], timestamp: t),
            Message(kind: .identify, messageID: "2", userID: "u2", traits: ["plan": .string("pro"), "email": .string("@b")], timestamp: t),
        ], source: "test", arrival: t)
        _ = try s.store.createSegment(try JSONTextParser.parse(#"{"name":"pro","condition":{"trait":"plan","op":"eq","value":"pro"}}"#))
        _ = try s.store.refresh("pro", asOf: t.adding(days: 1))
        return s
    }

    /// The server still answers an ordinary request.
    func stillUp(_ client: any TestClientProtocol, _ s: TestServer) async throws {
        try await client.execute(uri: "/api/v1/segments/pro", method: .get, headers: TestServer.bearer(s.read)) { #expect($0.status == .ok) }
    }

    @Test("members?traits=email,email (a repeated trait) gives each trait once instead of killing the process")
    func repeatedTraits() async throws {
        let s = try seeded()
        try await s.test { client in
            try await client.execute(uri: "/api/v1/segments/pro/members?traits=email,email,%20email", method: .get, headers: TestServer.bearer(s.read)) { r in
                #expect(r.status == .ok)
                let first = r.json.objectValue?["members"]?.arrayValues.first?.objectValue
                #expect(first?["traits"]?.objectValue?.keys.sorted() == ["email"])
            }
            let many = (0...100).map { "t\($0)" }.joined(separator: ",")
            try await client.execute(uri: "/api/v1/segments/pro/members?traits=\(many)", method: .get, headers: TestServer.bearer(s.read)) { r in
                #expect(r.status == .badRequest)
                #expect(r.json.objectValue?["message"]?.stringValue?.contains("at most 100") == true)
            }
            try await stillUp(client, s)
        }
    }

    @Test("compare with kpis=active:999999999999 is a 400 naming the bound, not an integer overflow", arguments: [
        "active:999999999999", "active:0", "active:-3", "adoption:Logged In:99999999999999999999", "active:36501",
    ])
    func hugeKPIWindow(_ kpi: String) async throws {
        let s = try seeded()
        try await s.test { client in
            let q = kpi.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? kpi
            try await client.execute(uri: "/api/v1/compare?a=pro&kpis=\(q)", method: .get, headers: TestServer.bearer(s.read)) { r in
                #expect(r.status == .badRequest)
                #expect(r.json.objectValue?["message"]?.stringValue?.contains("36500") == true)
            }
            try await client.execute(uri: "/api/v1/compare?a=pro&kpis=active:36500", method: .get, headers: TestServer.bearer(s.read)) { #expect($0.status == .ok) }
            try await stillUp(client, s)
        }
    }

    @Test("an Experiment Viewed without variation_name (or with a number) sent with the public write key leaves results working")
    func experimentViewedWithoutVariation() async throws {
        let s = try seeded()
        let admin = TestServer.bearer(s.admin)
        try await s.test { client in
            try await client.execute(uri: "/api/v1/experiments", method: .post, headers: admin,
                                     body: ByteBuffer(json: #"{"name":"exp","segment":"pro","goal":"Upgraded"}"#)) { #expect($0.status == .created) }
            let batch = #"""
            {"batch":[
              {"type":"track","userId":"u1","event":"Experiment Viewed","properties":{"experiment_name":"exp"},"messageId":"x1"},
              {"type":"track","userId":"u2","event":"Experiment Viewed","properties":{"experiment_name":"exp","variation_name":7},"messageId":"x2"},
              {"type":"track","userId":"u2","event":"Experiment Viewed","properties":{"experiment_name":"exp","variation_name":null},"messageId":"x3"}
            ]}
            """#
            try await client.execute(uri: "/v1/batch", method: .post, headers: TestServer.basic(s.write), body: ByteBuffer(json: batch)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/experiments/exp/results", method: .get, headers: TestServer.bearer(s.read)) { r in
                #expect(r.status == .ok)
                // None of the three is an exposure: no variant named.
                let exposed = r.json.objectValue?["variants"]?.arrayValues.compactMap { $0.objectValue?["exposed"]?.numberValue }
                #expect(exposed == [0, 0])
            }
            try await stillUp(client, s)
        }
    }

    @Test("a wrong key in the header is refused before the body is read (even a body that is not gzip)")
    func keyCheckedBeforeBody() async throws {
        let s = try seeded()
        try await s.test { client in
            var headers = TestServer.basic("sgw_not-a-key")
            headers[.contentEncoding] = "gzip"
            try await client.execute(uri: "/v1/batch", method: .post, headers: headers, body: ByteBuffer(string: "definitely not gzip")) { r in
                #expect(r.status == .unauthorized)   // was 400 invalid_gzip: the body used to be inflated first
            }
            try await stillUp(client, s)
        }
    }

    @Test("a gzip body of {\"batch\":[{},{},…]} with more than 10,000 items is 413 while parsing; with a wrong body key the same")
    func batchItemLimit() async throws {
        let s = try seeded()
        let items = Array(repeating: "{}", count: 200_000).joined(separator: ",")
        var plain = ByteBuffer(string: #"{"api_key":"phc_wrong","batch":["# + items + "]}")
        let gz = try plain.compress(with: .gzip())
        #expect(gz.readableBytes < 40_000)   // the attack: a few KB that inflate to hundreds of thousands of messages
        try await s.test { client in
            try await client.execute(uri: "/batch/", method: .post, headers: [.contentEncoding: "gzip"], body: gz) { r in
                #expect(r.status == .contentTooLarge)
                #expect(r.json.objectValue?["message"]?.stringValue?.contains("10000") == true)
            }
            let ok = #"{"api_key":"\#(s.write)","batch":["# + Array(repeating: #"{"event":"e","distinct_id":"u1"}"#, count: 10_000).joined(separator: ",") + "]}"
            try await client.execute(uri: "/batch/", method: .post, body: ByteBuffer(string: ok)) { #expect($0.status == .ok) }
            try await stillUp(client, s)
        }
    }

    @Test("a gzip bomb (inflates past 4× the body limit) is 413")
    func gzipBomb() async throws {
        let s = try TestServer { $0.maxBodyBytes = 64 * 1024 }
        var spaces = ByteBuffer(string: String(repeating: " ", count: 1 << 20))
        let zeros = try spaces.compress(with: .gzip())
        try await s.test { client in
            try await client.execute(uri: "/v1/batch", method: .post, headers: TestServer.basic(s.write).merging([.contentEncoding: "gzip"]), body: zeros) { r in
                #expect(r.status == .contentTooLarge)
            }
        }
    }

    @Test("invalid UTF-8 is refused with 400, never replaced (a replaced id would merge different people)")
    func invalidUTF8() async throws {
        let s = try seeded()
        var latin1 = ByteBuffer(string: #"{"batch":[{"type":"identify","userId":"caf"#)
        latin1.writeBytes([0xE9])   // Latin-1 é, not UTF-8
        latin1.writeString(#"","traits":{}}]}"#)
        let body = latin1
        try await s.test { client in
            try await client.execute(uri: "/v1/batch", method: .post, headers: TestServer.basic(s.write), body: body) { r in
                #expect(r.status == .badRequest)
                #expect(r.json.objectValue?["message"]?.stringValue?.contains("UTF-8") == true)
            }
            try await stillUp(client, s)
        }
        #expect(try s.store.profileID(forExternalID: "caf\u{FFFD}") == nil)
    }

    @Test("nesting deeper than 32 in a request body is 413; the same document at depth 32 is fine")
    func nesting() async throws {
        let s = try seeded()
        @Sendable func props(_ depth: Int) -> String { String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth) }
        try await s.test { client in
            // The batch object, the array and the message take 3 levels.
            let deep = #"{"batch":[{"type":"track","userId":"u1","event":"E","properties":"# + props(40) + "}]}"
            try await client.execute(uri: "/v1/batch", method: .post, headers: TestServer.basic(s.write), body: ByteBuffer(string: deep)) { #expect($0.status == .contentTooLarge) }
            let fine = #"{"batch":[{"type":"track","userId":"u1","event":"E","properties":"# + props(28) + "}]}"
            try await client.execute(uri: "/v1/batch", method: .post, headers: TestServer.basic(s.write), body: ByteBuffer(string: fine)) { #expect($0.status == .ok) }
        }
    }

    @Test("huge numbers in JSON bodies are 422s, never a trapping Int conversion", arguments: [
        #"{"name":"e2","segment":"pro","goal":"G","window_days":1e300}"#,
        #"{"name":"e2","segment":"pro","goal":"G","split":[1e300,-1e300]}"#,
        #"{"name":"e2","segment":"pro","goal":"G","split":[9223372036854775807,9223372036854775807]}"#,
        #"{"name":"e2","segment":"pro","goal":"G","window_days":2.5}"#,
    ])
    func hugeNumbersInExperiments(_ body: String) async throws {
        let s = try seeded()
        try await s.test { client in
            try await client.execute(uri: "/api/v1/experiments", method: .post, headers: TestServer.bearer(s.admin), body: ByteBuffer(string: body)) { r in
                #expect(r.status == .unprocessableContent)
            }
            try await client.execute(uri: "/api/v1/hypotheses", method: .post, headers: TestServer.bearer(s.admin),
                                     body: ByteBuffer(string: #"{"name":"h","did":"E","within_days_of_signup":1e19,"outcome":"retained:99999999999999999999"}"#)) { r in
                #expect(r.status == .unprocessableContent)
            }
            try await stillUp(client, s)
        }
    }

    @Test("the members CSV neutralises formula cells (= + - @) but keeps numbers as numbers")
    func csvInjection() async throws {
        let s = try seeded()
        try await s.test { client in
            var headers = TestServer.bearer(s.read)
            headers[.accept] = "text/csv"
            try await client.execute(uri: "/api/v1/segments/pro/members?traits=email,balance", method: .get, headers: headers) { r in
                let lines = String(buffer: r.body).split(separator: "\n").map(String.init)
                #expect(lines == ["profile_id,email,balance", #"u1,"'=HYPERLINK(""http://evil"",""x"")",-5"#, "u2,'@b,"])
            }
        }
        #expect(CSVCell.field("+1 (555) 010") == "'+1 (555) 010")
        #expect(CSVCell.field("-12.5") == "-12.5")
        #expect(CSVCell.field("\tcmd") == "'\tcmd")
        #expect(CSVCell.field("plain") == "plain")
    }

    @Test("an internal error answers 500 with a body that says nothing of SQL or internals")
    func internalErrorsAreOpaque() throws {
        let e = APIError(SegmentaError(.storage, "SQLite error 1: no such table: profiles - while executing `SELECT traits FROM profiles WHERE id = ?`"))
        #expect(e.status == .internalServerError)
        #expect(!e.message.contains("SELECT") && !e.message.contains("SQLite"))
    }

    @Test("a request's SQL deadline follows its work onto the thread pool (so the store can enforce it)")
    func deadlineReachesThePool() async throws {
        let seen = try await QueryDeadline.$current.withValue(42) { try await blocking { QueryDeadline.current } }
        #expect(seen == 42)
        let none = try await blocking { QueryDeadline.current }
        #expect(none == nil)
    }

    @Test("an admin recompute that outlasts the request's SQL time limit still answers with its result")
    func recomputeOutlivesTheRequestDeadline() async throws {
        let s = try TestServer()
        let t = try Timestamp.parse("2026-10-01T00:00:00Z")
        _ = try s.store.importOrders([Order(customerID: "a", timestamp: t, amount: 10), Order(customerID: "a", timestamp: t.adding(days: 40), amount: 5),
                                      Order(customerID: "b", timestamp: t.adding(days: 3), amount: 7)], source: "test")
        // The request's deadline has passed by the time the job ends (as on a 1M-profile store):
        // an ordinary read under it is refused…
        let passed = QueryDeadline.deadline(after: .zero) &- 1
        await #expect(throws: SegmentaError.self) { try await QueryDeadline.$current.withValue(passed) { try await s.store.backend.latestAnalysisRun(kind: "cohorts") } }
        // …but the recompute, and the read of its result, run without it.
        let answer = try await QueryDeadline.$current.withValue(passed) {
            try await AnalysesController.recompute(.cohorts, store: s.store.backend, options: Recompute.Options(), logger: Logger(label: "test"))
        }
        #expect(answer.objectValue?["kind"] == "cohorts")
        #expect(answer.objectValue?["summary"]?.objectValue != nil)
        #expect(try await s.store.backend.latestAnalysisRun(kind: "cohorts") != nil)
    }

    @Test("Timestamp.adding(days:) saturates instead of overflowing")
    func saturatingDays() {
        let t = Timestamp(milliseconds: 0)
        #expect(t.adding(days: .max).milliseconds == .max)
        #expect(t.adding(days: .min).milliseconds == .min)
        #expect(t.adding(days: 2).milliseconds == 2 * 86_400_000)
    }
}

extension HTTPFields {
    func merging(_ other: HTTPFields) -> HTTPFields {
        var out = self
        for field in other { out[field.name] = field.value }
        return out
    }
}
