import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SegmentaCore
import SegmentaJobs
import SegmentaServer
import SegmentaStore
import Testing

@Suite("Dashboard pages", .serialized)
struct DashboardTests {
    /// A demo store of 300 customers with every analysis and the demo segments refreshed.
    /// Built once, on first use (the recompute is async).
    static let demoBuild = Task { () -> TestServer in
        let s = try! TestServer()
        var messages = DemoGenerator.generate(range: 0..<300, seed: 7)
        messages.sort { ($0.timestamp ?? DemoGenerator.end) < ($1.timestamp ?? DemoGenerator.end) }
        _ = try! s.store.apply(messages, source: "demo", arrival: DemoGenerator.end)
        for d in DemoSegments.definitions { _ = try! s.store.createSegment(d) }
        var options = Recompute.Options()
        options.clusters = 3
        _ = await Recompute(store: s.store.backend, options: options, logger: Logger(label: "test")).run()
        return s
    }
    static var demo: TestServer { get async { await demoBuild.value } }

    /// Signs in and returns the session cookie and the CSRF token of the pages.
    func signIn(_ client: any TestClientProtocol, key: String) async throws -> (cookie: String, csrf: String) {
        let cookie = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                              body: ByteBuffer(string: "key=\(key)&next=%2Frfm")) { r -> String in
            #expect(r.status == .seeOther)
            #expect(r.headers[.location] == "/rfm")
            let set = r.headers[.setCookie] ?? ""
            #expect(set.contains("HttpOnly") && set.lowercased().contains("samesite=strict"))
            return String(set.prefix { $0 != ";" })
        }
        let csrf = try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { r -> String in
            let html = String(buffer: r.body)
            guard let range = html.range(of: "<meta name=\"csrf\" content=\"") else { return "" }
            return String(html[range.upperBound...].prefix { $0 != "\"" })
        }
        return (cookie, csrf)
    }

    @Test("sign-in: pages redirect to it; write keys and unknown keys are refused; a revoked key's session ends")
    func signInRules() async throws {
        let s = try TestServer()
        try await s.test { client in
            try await client.execute(uri: "/rfm", method: .get) { r in
                #expect(r.status == .seeOther)
                #expect(r.headers[.location] == "/login?next=/rfm")
            }
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            try await client.execute(uri: "/login", method: .post, headers: form, body: ByteBuffer(string: "key=\(s.write)")) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/login", method: .post, headers: form, body: ByteBuffer(string: "key=nope")) { #expect($0.status == .unauthorized) }
            // No open redirect after sign-in.
            try await client.execute(uri: "/login", method: .post, headers: form, body: ByteBuffer(string: "key=\(s.read)&next=%2F%2Fevil.example")) { #expect($0.headers[.location] == "/") }
            let (cookie, _) = try await signIn(client, key: s.read)
            try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            }
            let id = try #require(try await s.store.backend.keys().first { $0.kind == .read }?.id)
            try await s.store.backend.revokeKey(id: id)
            try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { #expect($0.status == .seeOther) }
        }
    }

    @Test("a session lasts 12 hours by the server's clock, then the pages send the person to sign in again")
    func sessionsExpire() async throws {
        let clock = ManualClock()
        let s = try TestServer { $0.clock = clock }
        try await s.test { client in
            let (cookie, _) = try await signIn(client, key: s.read)
            clock.advance(by: .seconds(12 * 3600 - 1))
            try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { #expect($0.status == .ok) }
            clock.advance(by: .seconds(1))
            try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { r in
                #expect(r.status == .seeOther)
                #expect(r.headers[.location]?.hasPrefix("/login") == true)
            }
        }
    }

    /// Issue 32: one "now" — every page says the date its numbers are as of, and after one
    /// recompute it is the same date everywhere (the runs' and the snapshots').
    @Test("every page says the date its numbers are as of, the same on every page after a recompute")
    func oneAsOfEverywhere() async throws {
        let s = await Self.demo
        let rfm = try #require(try s.store.latestAnalysisRun(kind: "rfm")).run.asOf
        let someone = try #require(try s.store.members(of: "champions").first)
        #expect(try s.store.history(of: "champions").last?.asOf.readableDate == rfm.readableDate)
        try await s.test { client in
            let (cookie, _) = try await signIn(client, key: s.read)
            let pages: [(String, String)] = [("/", "computed traits (RFM) as of \(rfm.readableDate)"), ("/", "<td>\(rfm.readableDate)</td>"),
                                             ("/segments/champions", "members as of \(rfm.readableDate)"), ("/rfm", "grid as of \(rfm.readableDate)"),
                                             ("/cohorts", "As of \(rfm.readableDate)"), ("/value", "as of \(rfm.readableDate), computed"),
                                             ("/value", "As of \(rfm.readableDate), computed"), ("/churn", "as of \(rfm.readableDate)"),
                                             ("/profiles/\(someone)", "As of \(rfm.readableDate) (the latest recompute)")]
            for (path, needle) in pages {
                try await client.execute(uri: path, method: .get, headers: [.cookie: cookie]) { r in
                    let html = String(buffer: r.body)
                    #expect(html.contains(needle), "\(path) should say \(needle)")
                    #expect(html.contains(rfm.readableDate), "\(path) should show \(rfm.readableDate)")
                }
            }
        }
    }

    @Test("every page renders the demo data: overview, segment, RFM, cohorts, value, profile, builder")
    func pages() async throws {
        let s = await Self.demo
        let someone = try #require(try s.store.members(of: "champions").first)
        try await s.test { client in
            let (cookie, _) = try await signIn(client, key: s.admin)
            let expectations: [(String, [String])] = [
                // Times read as people write them, ISO-8601 on hover.
                ("/", ["Overview", "champions", "<svg", "size over time", "<time datetime=\"", " UTC</time>"]),
                ("/segments/champions", ["Who:", "RFM segment is Champions or Loyal Customers", "title=\"computed.rfm_segment in (&quot;Champions&quot;, &quot;Loyal Customers&quot;)\"", "Members at each refresh", "RFM segments of the members", "Lifecycle mix: champions against all customers", "Export CSV", "Validation",
                                         "Why is someone in it, or not?"]),
                // Why a member is in: the condition with their value, and what would make them leave.
                ("/explain?segment=champions&profile=\(someone)", ["<b>is</b> in", "Condition by condition", "here: Champions", "What would make them leave"]),
                ("/segments/champions?compare=1", ["compared with the rest", "verdict"]),
                ("/rfm", ["Customers by recency (R) and frequency-monetary (FM) score", "Champions", "Customers per RFM segment"]),
                ("/cohorts", ["Share of each monthly cohort"]),
                ("/cohorts?period=week&by=plan", ["plan = "]),
                ("/value", ["Customers by 12-month CLV", "P(alive) against repeat purchases", "Personas", "coloured by persona",
                            // Terms explained on hover; no Markdown backticks shown.
                            "<abbr title=\"The chance the customer has not silently stopped buying", "<abbr title=\"How well people fit their persona", "the lifetimes library",
                            // The demo's orders are in several currencies: amounts stay plain numbers and the page says why.
                            "Amounts: orders are in "]),
                // The churn model the recompute trained: calibration, drivers in words, the riskiest people.
                ("/churn", ["held-out <abbr title=\"Area under the ROC curve", "Are the probabilities honest?", "What the risk depends on", "likely to churn (odds ×", "The riskiest people now", "href=\"/profiles/"]),
                // Titled by the person's name; nested traits as paths; scores in words, the trait name on hover.
                ("/profiles/\(someone)", ["profile \(someone)", "champions", "Recent activity", "Scores and predictions", "RFM segment",
                                          "title=\"computed trait rfm_segment\"", "company.size", "consent.marketing", "Why in or not?",
                                          // Each segment with since when, as of its last refresh.
                                          "Membership as of each segment", "title=\"in it since "]),
                ("/builder", ["Who belongs", "/assets/builder.js"]),
            ]
            // Page speed is measured by bench/dashboard.sh (docs/BENCHMARKS.md), not asserted here.
            for (path, needles) in expectations {
                try await client.execute(uri: path, method: .get, headers: [.cookie: cookie]) { r in
                    #expect(r.status == .ok, "\(path)")
                    let html = String(buffer: r.body)
                    for n in needles { #expect(html.contains(n), "\(path) should show \(n)") }
                }
            }
            try await client.execute(uri: "/segments/nope", method: .get, headers: [.cookie: cookie]) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/explain?segment=nope&profile=\(someone)", method: .get, headers: [.cookie: cookie]) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/explain?segment=champions", method: .get, headers: [.cookie: cookie]) { r in
                #expect(r.status == .badRequest && String(buffer: r.body).contains("Name a segment and a profile"))
            }
            // The export gives the columns on screen, or those chosen; a computed trait by its name.
            let firstMember = someone
            let onScreen = try s.store.computedTraits(of: firstMember)
            try await client.execute(uri: "/segments/champions/members.csv", method: .get, headers: [.cookie: cookie]) { r in
                let lines = String(buffer: r.body).split(separator: "\n").map(String.init)
                #expect(lines.first == "profile_id,email,plan,rfm_segment,lifecycle")
                let row = lines.first { $0.hasPrefix(firstMember + ",") }?.split(separator: ",", omittingEmptySubsequences: false).map(String.init) ?? []
                #expect(row.count == 5 && row[3] == onScreen["rfm_segment"]?.stringValue && row[4] == onScreen["lifecycle"]?.stringValue, "\(row)")
            }
            try await client.execute(uri: "/segments/champions/members.csv?columns=email,clv,company.size", method: .get, headers: [.cookie: cookie]) { r in
                let lines = String(buffer: r.body).split(separator: "\n").map(String.init)
                #expect(lines.first == "profile_id,email,clv,company.size")
                let row = lines.first { $0.hasPrefix(firstMember + ",") }?.split(separator: ",", omittingEmptySubsequences: false).map(String.init) ?? []
                #expect(row.count == 4, "\(row)")
                let clv = try #require(onScreen["clv"]?.numberValue)
                #expect(abs((Double(row.count == 4 ? row[2] : "") ?? .nan) - clv) < 0.01, "\(row)")
            }
            let many = (0...100).map { "t\($0)" }.joined(separator: ",")
            try await client.execute(uri: "/segments/champions/members.csv?columns=\(many)", method: .get, headers: [.cookie: cookie]) { r in
                #expect(r.status == .badRequest)
            }
        }
    }

    @Test("a profile page says which segments the person enters or leaves at the next refresh")
    func liveMembershipOnTheProfilePage() async throws {
        let s = try TestServer()
        _ = try s.store.apply([Message(kind: .identify, messageID: "1", userID: "u1", traits: ["plan": .string("free")])], source: "t", arrival: .now)
        _ = try s.store.createSegment(["name": "pros", "condition": ["trait": "plan", "op": "eq", "value": "pro"]])
        _ = try s.store.refresh("pros", asOf: .now)
        _ = try s.store.apply([Message(kind: .identify, messageID: "2", userID: "u1", traits: ["plan": .string("pro")])], source: "t", arrival: .now)
        try await s.test { client in
            let (cookie, _) = try await signIn(client, key: s.read)
            try await client.execute(uri: "/profiles/u1", method: .get, headers: [.cookie: cookie]) { r in
                let html = String(buffer: r.body)
                #expect(html.contains("In no segment"))
                #expect(html.contains("their data puts them in <a href=\"/explain?segment=pros&amp;profile=u1\">pros</a> (they enter at the next refresh)"), "\(html)")
            }
        }
    }

    @Test("forms need the session's CSRF token; the builder previews and saves (admins only); text is escaped")
    func forms() async throws {
        let s = try TestServer()
        _ = try s.store.apply([Message(kind: .identify, messageID: "1", userID: "u1", traits: ["plan": .string("pro")])], source: "t", arrival: .now)
        try await s.test { client in
            let (cookie, csrf) = try await signIn(client, key: s.admin)
            let definition = #"{"name":"pros","description":"<script>alert(1)</script>","condition":{"trait":"plan","op":"eq","value":"pro"}}"#
            var json: HTTPFields = [.cookie: cookie, .contentType: "application/json"]
            try await client.execute(uri: "/ui/preview", method: .post, headers: json, body: ByteBuffer(string: definition)) { #expect($0.status == .forbidden) }
            json[HTTPField.Name("X-CSRF-Token")!] = csrf
            try await client.execute(uri: "/ui/preview", method: .post, headers: json, body: ByteBuffer(string: definition)) { r in
                #expect(r.json.objectValue?["size"] == .number(1))
            }
            try await client.execute(uri: "/ui/preview", method: .post, headers: json, body: ByteBuffer(string: #"{"condition":{"trait":"plan","op":"like"}}"#)) { r in
                #expect(r.status == .unprocessableContent)
                #expect(r.json.objectValue?["message"]?.stringValue?.contains("/condition/op") == true)
            }
            try await client.execute(uri: "/ui/segments", method: .post, headers: json, body: ByteBuffer(string: definition)) { #expect($0.status == .created) }
            #expect(try s.store.members(of: "pros") == ["u1"])   // saved and refreshed
            try await client.execute(uri: "/segments/pros", method: .get, headers: [.cookie: cookie]) { r in
                let html = String(buffer: r.body)
                #expect(!html.contains("<script>alert(1)</script>") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            }
            let form: HTTPFields = [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"]
            try await client.execute(uri: "/segments/pros/refresh", method: .post, headers: form, body: ByteBuffer(string: "csrf=wrong")) { #expect($0.status == .forbidden) }
            // A second member joins before the refresh: the page then says what the refresh did, beside its button.
            _ = try s.store.apply([Message(kind: .identify, messageID: "2", userID: "u2", traits: ["plan": .string("pro")])], source: "t", arrival: .now)
            let landing = try await client.execute(uri: "/segments/pros/refresh", method: .post, headers: form, body: ByteBuffer(string: "csrf=\(csrf)")) { r -> String in
                #expect(r.status == .seeOther)
                return r.headers[.location] ?? ""
            }
            #expect(landing == "/segments/pros?refreshed=1&entered=1&exited=0&size=2&alerts=0")
            #expect(try s.store.history(of: "pros").count == 2)
            try await client.execute(uri: landing, method: .get, headers: [.cookie: cookie]) { r in
                #expect(String(buffer: r.body).contains("Refreshed just now: 1 entered, 0 left; 2 members now."))
            }
            let validated = try await client.execute(uri: "/segments/pros/validate", method: .post, headers: form, body: ByteBuffer(string: "csrf=\(csrf)")) { r -> String in
                r.headers[.location] ?? ""
            }
            #expect(validated.hasPrefix("/segments/pros?validated=1&pass="))
            try await client.execute(uri: validated, method: .get, headers: [.cookie: cookie]) { r in
                #expect(String(buffer: r.body).contains("Validated just now:"))
            }
            try await client.execute(uri: "/segments/pros?refreshed=1&entered=%3Cb%3E&size=-5", method: .get, headers: [.cookie: cookie]) { r in
                #expect(String(buffer: r.body).contains("Refreshed just now: 0 entered, 0 left; 0 members now."))   // numbers only
            }
            // A read key sees but cannot change.
            let reader = try await signIn(client, key: s.read)
            var readJSON: HTTPFields = [.cookie: reader.cookie, .contentType: "application/json"]
            readJSON[HTTPField.Name("X-CSRF-Token")!] = reader.csrf
            try await client.execute(uri: "/ui/segments", method: .post, headers: readJSON, body: ByteBuffer(string: #"{"name":"x","condition":{"trait":"plan","op":"eq","value":"pro"}}"#)) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/builder", method: .get, headers: [.cookie: reader.cookie]) { r in
                #expect(String(buffer: r.body).contains("Admins only"))
            }
        }
    }
}
