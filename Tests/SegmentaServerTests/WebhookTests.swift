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
        let received = Mutex<[(body: String, signature: String)]>([])
        let receiver = Router()
        receiver.post("hook") { request, _ -> HTTPResponse.Status in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
            received.withLock { $0.append((body, request.headers[values: .init("X-Segmenta-Signature")!].first ?? "")) }
            return .ok
        }
        try await Application(router: receiver, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { hookClient in
            let port = try #require(hookClient.port)
            let s = try TestServer()
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
                for _ in 0..<100 where received.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(50)) }
                let got = try #require(received.withLock { $0.first })
                #expect(got.signature == "sha256=" + WebhookQueue.signature(body: got.body, secret: "0123456789abcdef-secret"))
                let body = try JSONTextParser.parse(got.body).objectValue
                #expect(body?["segment"] == .string("pro"))
                #expect(body?["entered"] == .array([.string("a")]))   // b denied marketing consent
                #expect(body?["exited"] == .array([]))
                for _ in 0..<40 {
                    let status = try await client.execute(uri: "/api/v1/segments/pro/webhooks", method: .get, headers: admin) { r in
                        r.json.objectValue?["deliveries"]?.arrayValues.first?.objectValue?["status"]
                    }
                    if status == .string("delivered") { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                try await client.execute(uri: "/api/v1/segments/pro/webhooks", method: .get, headers: admin) { r in
                    let d = r.json.objectValue?["deliveries"]?.arrayValues.first?.objectValue
                    #expect(d?["status"] == .string("delivered"))
                    #expect(d?["response_status"] == .number(200))
                    #expect(r.json.objectValue?["webhooks"]?.arrayValues.first?.objectValue?["secret"] == nil)
                }
            }
        }
    }

    @Test("a failing endpoint is retried with backoff, then marked failed with the reason")
    func retried() async throws {
        let s = try TestServer { $0.webhookAttempts = 3; $0.webhookTimeout = .milliseconds(300) }
        _ = try s.store.apply([Message(kind: .identify, messageID: "1", userID: "a", traits: ["plan": .string("pro")])], source: "t", arrival: .now)
        _ = try s.store.createSegment(try JSONTextParser.parse(#"{"name":"pro","condition":{"trait":"plan","op":"eq","value":"pro"}}"#))
        _ = try s.store.createWebhook(segment: "pro", url: "http://127.0.0.1:9/closed", secret: "0123456789abcdef")
        try await s.test { client in
            try await client.execute(uri: "/api/v1/segments/pro/refresh", method: .post, headers: TestServer.bearer(s.admin)) { #expect($0.status == .ok) }
            for _ in 0..<100 {
                if try s.store.webhookDeliveries(segment: "pro").first?.status == .failed { break }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        let d = try #require(try s.store.webhookDeliveries(segment: "pro").first)
        #expect(d.status == .failed)
        #expect(d.attempts == 3)
        #expect(d.lastError != nil)
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
        _ = try s.store.createWebhook(segment: "frequent", url: "http://127.0.0.1:9/none", secret: "0123456789abcdef")
        await s.parts.recompute.runOnce()
        #expect(try s.store.computedTraits(of: "d")["rfm_frequency"] == .number(4))
        #expect(try s.store.computedTraits(of: "a")["lifecycle"] != nil)
        #expect(try s.store.members(of: "frequent") == ["c", "d"])
        #expect(try s.store.analysisRuns(kind: "validation", parameter: "frequent").count == 1)
        #expect(try s.store.webhookDeliveries(segment: "frequent").count == 1)
        let metrics = s.parts.metrics.registry.emitToString()
        #expect(metrics.contains(#"segmenta_segment_refreshes_total{outcome="ok"} 1"#))
        #expect(metrics.contains(#"segmenta_recompute_steps_total{step="rfm",outcome="ok"} 1"#))
    }
}
