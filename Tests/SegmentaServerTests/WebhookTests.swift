import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SegmentaCore
import SegmentaServer
import SegmentaStore
import Synchronization
import Testing

@Suite("Webhooks")
struct WebhookTests {
    @Test("the signature is HMAC-SHA256 (RFC 4231 test case 2)")
    func signature() {
        #expect(WebhookQueue.signature(body: "what do ya want for nothing?", secret: "Jefe")
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test("after a refresh, who entered and left is POSTed, signed, to a live receiver; consent-denied profiles are left out; the log shows it")
    func delivered() async throws {
        let received = Mutex<[(body: String, signature: String, timestamp: String, delivery: String)]>([])
        let receiver = Router()
        receiver.post("hook") { request, _ -> HTTPResponse.Status in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
            let h = { (name: String) in HTTPField.Name(name).flatMap { request.headers[values: $0].first } ?? "" }
            received.withLock { $0.append((body, h("X-Segmenta-Signature"), h("X-Segmenta-Timestamp"), h("X-Segmenta-Delivery"))) }
            return .ok
        }
        try await Application(router: receiver, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { hookClient in
            let port = try #require(hookClient.port)
            let clock = ManualClock()
            let s = try TestServer { $0.clock = clock }
            _ = try s.store.apply([
                Message(kind: .identify, messageID: "1", userID: "a", traits: ["plan": .string("pro")]),
                Message(kind: .identify, messageID: "2", userID: "b", traits: ["plan": .string("pro"), "consent": .object(["marketing": .bool(false)])]),
            ], source: "t", arrival: .now)
            _ = try s.store.createSegment(try JSONTextParser.parse(#"{"name":"pro","condition":{"trait":"plan","op":"eq","value":"pro"}}"#))
            let admin = TestServer.bearer(s.admin)
            try await s.test { client in
                let hook = #"{"url":"http://127.0.0.1:\#(port)/hook","secret":"0123456789abcdef-secret"}"#
                try await client.execute(uri: "/api/v1/segments/pro/webhooks", method: .post, headers: admin, body: ByteBuffer(json: hook)) { #expect($0.status == .created) }
                try await client.execute(uri: "/api/v1/segments/pro/webhooks", method: .post, headers: admin, body: ByteBuffer(json: #"{"url":"ftp://x","secret":"0123456789abcdef"}"#)) {
                    #expect($0.status == .unprocessableContent)
                }
                try await client.execute(uri: "/api/v1/segments/pro/refresh", method: .post, headers: admin) { #expect($0.status == .ok) }
                await s.parts.webhooks.deliverDue()
                #expect(received.withLock { $0.count } == 1)
                let got = try #require(received.withLock { $0.first })
                // Signed over "TIMESTAMP.DELIVERY.BODY" (replay protection), not the body alone.
                let delivery = try #require(Int64(got.delivery))
                let sent = try #require(Int64(got.timestamp))
                #expect(sent == clock.now.milliseconds / 1000)   // the sender's clock, in Unix seconds
                #expect(got.signature == "sha256=" + WebhookQueue.signature(body: "\(got.timestamp).\(delivery).\(got.body)", secret: "0123456789abcdef-secret"))
                #expect(got.signature != "sha256=" + WebhookQueue.signature(body: got.body, secret: "0123456789abcdef-secret"))
                let body = try JSONTextParser.parse(got.body).objectValue
                #expect(body?["segment"] == .string("pro"))
                #expect(body?["entered"] == .array([.string("a")]))   // b denied marketing consent
                #expect(body?["exited"] == .array([]))
                // Delivered once: another pass sends nothing more.
                await s.parts.webhooks.deliverDue()
                #expect(received.withLock { $0.count } == 1)
                try await client.execute(uri: "/api/v1/segments/pro/webhooks", method: .get, headers: admin) { r in
                    let d = r.json.objectValue?["deliveries"]?.arrayValues.first?.objectValue
                    #expect(d?["status"] == .string("delivered"))
                    #expect(d?["response_status"] == .number(200))
                    #expect(r.json.objectValue?["webhooks"]?.arrayValues.first?.objectValue?["secret"] == nil)
                }
                // Erased through the privacy API: the receiver is told at once, with the id alone
                // and the reason; once delivered, the log no longer holds the id.
                try await client.execute(uri: "/api/v1/privacy/delete", method: .post, headers: admin, body: ByteBuffer(json: #"{"userIds":["a"]}"#)) {
                    #expect($0.status == .ok)
                }
                await s.parts.webhooks.deliverDue()
                let departure = try JSONTextParser.parse(try #require(received.withLock { $0.count == 2 ? $0[1].body : nil })).objectValue
                #expect(departure?["type"] == "departure" && departure?["reason"] == "erased" && departure?["exited"] == ["a"] && departure?["entered"] == [])
                let log = try await s.store.backend.webhookDeliveries(segment: "pro", limit: 10)
                #expect(log.map(\.status) == [.delivered, .delivered])
                #expect(try log.map { try JSONTextParser.parse($0.body).objectValue?["exited"] } == [[], []])
                // The next snapshot counts them: 2 − 1 erased = 1 (b, who denied consent, still counts).
                try await client.execute(uri: "/api/v1/segments/pro/refresh", method: .post, headers: admin) { r in
                    #expect(r.json.objectValue?["snapshot"]?.objectValue?["erased"] == 1 && r.json.objectValue?["snapshot"]?.objectValue?["size"] == 1)
                }
            }
        }
    }

    @Test("a failing endpoint is retried with backoff (30 s, then 60 s), then marked failed with the reason")
    func retried() async throws {
        let clock = ManualClock()
        let s = try TestServer { $0.webhookAttempts = 3; $0.webhookTimeout = .milliseconds(300); $0.webhookRetryBase = .seconds(30); $0.clock = clock }
        _ = try s.store.apply([Message(kind: .identify, messageID: "1", userID: "a", traits: ["plan": .string("pro")])], source: "t", arrival: .now)
        _ = try s.store.createSegment(try JSONTextParser.parse(#"{"name":"pro","condition":{"trait":"plan","op":"eq","value":"pro"}}"#))
        _ = try await s.store.backend.createWebhook(segment: "pro", url: "http://127.0.0.1:9/closed", secret: "0123456789abcdef")
        try await s.test { client in
            try await client.execute(uri: "/api/v1/segments/pro/refresh", method: .post, headers: TestServer.bearer(s.admin)) { #expect($0.status == .ok) }
        }
        func attempts() async throws -> Int { try await s.store.backend.webhookDeliveries(segment: "pro", limit: 100).first?.attempts ?? -1 }
        await s.parts.webhooks.deliverDue()
        #expect(try await attempts() == 1)
        // Not due again before its backoff has passed…
        clock.advance(by: .seconds(29))
        await s.parts.webhooks.deliverDue()
        #expect(try await attempts() == 1)
        // …then retried; the next wait doubles.
        clock.advance(by: .seconds(1))
        await s.parts.webhooks.deliverDue()
        #expect(try await attempts() == 2)
        clock.advance(by: .seconds(59))
        await s.parts.webhooks.deliverDue()
        #expect(try await attempts() == 2)
        clock.advance(by: .seconds(1))
        await s.parts.webhooks.deliverDue()
        let d = try #require(try await s.store.backend.webhookDeliveries(segment: "pro", limit: 100).first)
        #expect(d.status == .failed)
        #expect(d.attempts == 3)
        #expect(d.lastError != nil)
        // Failed for good: never tried again.
        clock.advance(by: .seconds(3600))
        await s.parts.webhooks.deliverDue()
        #expect(try await attempts() == 3)
    }
}

@Suite("Webhook targets (SSRF)")
struct WebhookTargetTests {
    @Test("addresses are classified by range", arguments: [
        ("8.8.8.8", WebhookTarget.Scope.global), ("127.0.0.1", .loopback), ("127.9.9.9", .loopback), ("::1", .loopback),
        ("169.254.169.254", .linkLocal), ("fe80::1", .linkLocal), ("0.0.0.0", .unspecified), ("::", .unspecified),
        ("10.1.2.3", .privateNetwork), ("172.16.0.1", .privateNetwork), ("172.31.255.255", .privateNetwork), ("172.32.0.1", .global),
        ("192.168.1.1", .privateNetwork), ("100.64.0.1", .privateNetwork), ("fd00::1", .privateNetwork),
        ("::ffff:127.0.0.1", .loopback), ("::ffff:169.254.169.254", .linkLocal), ("224.0.0.1", .multicast), ("255.255.255.255", .multicast),
        ("2606:4700::1111", .global), ("192.0.2.1", .reserved), ("198.51.100.200", .reserved), ("203.0.113.9", .reserved), ("203.0.114.9", .global),
    ])
    func scopes(_ literal: String, _ scope: WebhookTarget.Scope) throws {
        #expect(try #require(WebhookTarget.Address(literal: literal)).scope == scope)
    }

    @Test("the default policy refuses loopback, link-local and private; --webhooks-allow-private admits private only")
    func policy() throws {
        let strict = WebhookNetworkPolicy(), lenient = WebhookNetworkPolicy(allowPrivate: true)
        let metadata = try #require(WebhookTarget.Address(literal: "169.254.169.254"))
        let crm = try #require(WebhookTarget.Address(literal: "10.0.0.5"))
        let local = try #require(WebhookTarget.Address(literal: "127.0.0.1"))
        #expect(strict.refusal(metadata) != nil && lenient.refusal(metadata) != nil)
        #expect(strict.refusal(crm) != nil && lenient.refusal(crm) == nil)
        #expect(strict.refusal(local) != nil && lenient.refusal(local) != nil)
        // A name is judged by what it resolves to: localhost is loopback.
        guard case .failure(let why) = WebhookTarget.check("http://localhost:9/x", policy: strict) else { Issue.record("localhost was accepted"); return }
        #expect(why.reason.contains("loopback"))
    }

    @Test("creating a webhook to a loopback, metadata or private literal is a 422; a read key sees webhook URLs masked")
    func refusedAtCreation() async throws {
        let s = try TestServer { $0.webhookNetworks = WebhookNetworkPolicy() }
        _ = try s.store.createSegment(try JSONTextParser.parse(#"{"name":"pro","condition":{"trait":"plan","op":"eq","value":"pro"}}"#))
        _ = try await s.store.backend.createWebhook(segment: "pro", url: "https://crm.example.com/hooks/T0KEN-in-path?sig=abc", secret: "0123456789abcdef")
        try await s.test { client in
            for url in ["http://127.0.0.1:8080/x", "http://169.254.169.254/latest/meta-data", "http://[::ffff:127.0.0.1]/", "http://10.0.0.1/", "http://localhost/", "http://user:pw@example.com/",
                        // Loopback written as resolvers also read it, and the documentation ranges (RFC 5737).
                        "http://2130706433/", "http://0x7f000001/", "http://127.1/", "http://0177.0.0.1/", "http://localhost./", "http://api.localhost./",
                        "http://192.0.2.10/", "http://198.51.100.7/", "https://203.0.113.1/"] {
                let body = #"{"url":"\#(url)","secret":"0123456789abcdef"}"#
                try await client.execute(uri: "/api/v1/segments/pro/webhooks", method: .post, headers: TestServer.bearer(s.admin), body: ByteBuffer(json: body)) { r in
                    #expect(r.status == .unprocessableContent, "\(url)")
                }
            }
            try await client.execute(uri: "/api/v1/segments/pro/webhooks", method: .get, headers: TestServer.bearer(s.read)) { r in
                #expect(r.json.objectValue?["webhooks"]?.arrayValues.first?.objectValue?["url"] == .string("https://crm.example.com/…"))
            }
            try await client.execute(uri: "/api/v1/segments/pro/webhooks", method: .get, headers: TestServer.bearer(s.admin)) { r in
                #expect(r.json.objectValue?["webhooks"]?.arrayValues.first?.objectValue?["url"] == .string("https://crm.example.com/hooks/T0KEN-in-path?sig=abc"))
            }
        }
    }

    @Test("a stored webhook whose host resolves to loopback is refused at delivery, once, with the reason (no retries)")
    func refusedAtDelivery() async throws {
        let s = try TestServer { $0.webhookNetworks = WebhookNetworkPolicy(); $0.webhookAttempts = 5 }
        _ = try s.store.apply([Message(kind: .identify, messageID: "1", userID: "a", traits: ["plan": .string("pro")])], source: "t", arrival: .now)
        _ = try s.store.createSegment(try JSONTextParser.parse(#"{"name":"pro","condition":{"trait":"plan","op":"eq","value":"pro"}}"#))
        _ = try await s.store.backend.createWebhook(segment: "pro", url: "http://localhost:9/hook", secret: "0123456789abcdef")
        try await s.test { client in
            try await client.execute(uri: "/api/v1/segments/pro/refresh", method: .post, headers: TestServer.bearer(s.admin)) { #expect($0.status == .ok) }
        }
        await s.parts.webhooks.deliverDue()
        let d = try #require(try await s.store.backend.webhookDeliveries(segment: "pro", limit: 100).first)
        #expect(d.status == .failed)
        #expect(d.attempts == 1)
        #expect(d.lastError?.contains("loopback") == true)
    }
}

@Suite("Scheduled recompute")
struct RecomputeTests {
    @Test("one recompute: computed traits (RFM, lifecycle), every dynamic segment refreshed and validated, webhooks queued, metrics counted")
    func recompute() async throws {
        let s = try TestServer()
        let t = try Timestamp.parse("2026-10-01T00:00:00Z")
        var messages: [Message] = []
        for (i, user) in ["a", "b", "c", "d"].enumerated() {
            for k in 0...i {
                messages.append(Message(kind: .track, messageID: "\(user)\(k)", userID: user, event: "Order Completed",
                                        properties: ["revenue": .number(Double(10 * (k + 1))), "order_id": .string("\(user)-\(k)")], timestamp: t.adding(days: 7 * k)))
            }
        }
        _ = try s.store.apply(messages, source: "t", arrival: t.adding(days: 30))
        // Frequent buyers: F score 4 or 5 (computed by the recompute itself).
        _ = try s.store.createSegment(try JSONTextParser.parse(#"{"name":"frequent","condition":{"computed":"rfm_frequency","op":"gte","value":3}}"#))
        _ = try await s.store.backend.createWebhook(segment: "frequent", url: "http://127.0.0.1:9/none", secret: "0123456789abcdef")
        await s.parts.recompute.runOnce()
        #expect(try s.store.computedTraits(of: "d")["rfm_frequency"] == .number(4))
        #expect(try s.store.computedTraits(of: "a")["lifecycle"] != nil)
        #expect(try s.store.members(of: "frequent") == ["c", "d"])
        #expect(try await s.store.backend.analysisRuns(kind: "validation", parameter: "frequent").count == 1)
        #expect(try await s.store.backend.webhookDeliveries(segment: "frequent", limit: 100).count == 1)
        let metrics = s.parts.metrics.registry.emitToString()
        #expect(metrics.contains(#"segmenta_segment_refreshes_total{outcome="ok"} 1"#))
        #expect(metrics.contains(#"segmenta_recompute_steps_total{step="rfm",outcome="ok"} 1"#))
    }
}
