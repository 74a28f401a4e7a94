import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import SegmentaCore
import SegmentaServer
import SegmentaStore
import Testing

/// The support card for a helpdesk's sidebar (issue 38, item 3): Help Scout's dynamic-app request
/// and the timestamped form, each signature computed independently (Python's `hmac`) for these
/// exact bytes and the tests' secret.
@Suite("Support card: a signed request, an escaped HTML card")
struct SupportCardTests {
    static let now = Timestamp(milliseconds: 1_796_086_800_000)   // 2026-12-01T01:00:00Z
    static let helpScoutBody = #"{"ticket":{"id":1,"subject":"Invoice"},"customer":{"id":9,"fname":"Ada","email":"Ada@Example.com","emails":["Ada@Example.com"]}}"#
    static let helpScoutSignature = "0+o4q0CSxyQQMif246SGOU5ETok="
    static let stampedBody = #"{"user_id":"u1"}"#
    static let stampedSignature = "v1=c73bd5a5008dfa9674970e162158013b1199497adc9c62688168e0fe2100f41e"

    func server() throws -> TestServer {
        let s = try TestServer { $0.clock = ManualClock(Self.now) }
        let t = Self.now.adding(days: -3)
        _ = try s.store.apply([
            Message(kind: .identify, messageID: "1", userID: "u1", traits: ["email": "ada@example.com", "name": "Ada <Lovelace>", "plan": "pro"], timestamp: t),
            Message(kind: .track, messageID: "2", userID: "u1", event: "Ticket Created", properties: ["subject": "Invoice <b>wrong</b>", "channel": "email"], timestamp: t),
        ], source: "test", arrival: t)
        _ = try s.store.createSegment(["name": "pro", "condition": ["trait": "plan", "op": "eq", "value": "pro"]])
        _ = try s.store.refresh("pro", asOf: t)
        return s
    }

    @Test func helpScoutsSignedRequestGetsTheCardEscaped() async throws {
        let s = try server()
        try await s.test { client in
            let signed: HTTPFields = [.contentType: "application/json", try #require(HTTPField.Name("X-HelpScout-Signature")): Self.helpScoutSignature]
            try await client.execute(uri: "/support/card", method: .post, headers: signed, body: ByteBuffer(string: Self.helpScoutBody)) { r in
                #expect(r.status == .ok)
                let html = r.json["html"]?.stringValue ?? ""
                #expect(html.contains("<b>Ada &lt;Lovelace&gt;</b>") && html.contains("pro (since"))
                #expect(html.contains("Invoice &lt;b&gt;wrong&lt;/b&gt;") && !html.contains("<b>wrong"))
                #expect(html.contains("marketing allowed"))
            }
            // One byte changed: refused.
            try await client.execute(uri: "/support/card", method: .post, headers: signed, body: ByteBuffer(string: Self.helpScoutBody.replacingOccurrences(of: "Ada@", with: "Bob@"))) { r in
                #expect(r.status == .unauthorized && r.json["message"]?.stringValue?.contains("X-HelpScout-Signature does not match") == true)
            }
        }
    }

    @Test func theTimestampedFormIsRefusedWhenOldOrUnsigned() async throws {
        let s = try server()
        try await s.test { client in
            let stamp = try #require(HTTPField.Name("X-Segmenta-Timestamp")), signature = try #require(HTTPField.Name("X-Segmenta-Signature"))
            try await client.execute(uri: "/support/card", method: .post, headers: [stamp: "1796086800", signature: Self.stampedSignature],
                                     body: ByteBuffer(string: Self.stampedBody)) { r in
                #expect(r.status == .ok && r.json["html"]?.stringValue?.contains("profile u1") == true)
            }
            // The same request, signed again with a time six minutes off: too old.
            try await client.execute(uri: "/support/card", method: .post, headers: [stamp: "1796086440", signature: Self.stampedSignature],
                                     body: ByteBuffer(string: Self.stampedBody)) { r in
                #expect(r.status == .unauthorized && r.json["message"]?.stringValue?.contains("within 300 s") == true)
            }
            try await client.execute(uri: "/support/card", method: .post, headers: [stamp: "1796086800", signature: "v1=00"], body: ByteBuffer(string: Self.stampedBody)) { r in
                #expect(r.status == .unauthorized)
            }
            try await client.execute(uri: "/support/card", method: .post, body: ByteBuffer(string: Self.stampedBody)) { r in
                #expect(r.status == .unauthorized && r.json["message"]?.stringValue?.contains("sign the request") == true)
            }
            // A key is not a signature.
            try await client.execute(uri: "/support/card", method: .post, headers: TestServer.bearer(s.admin), body: ByteBuffer(string: Self.stampedBody)) { r in
                #expect(r.status == .unauthorized)
            }
        }
    }

    @Test func offWithoutASecret() async throws {
        let s = try TestServer { $0.supportCardSecret = nil }
        try await s.test { client in
            try await client.execute(uri: "/support/card", method: .post, body: ByteBuffer(string: "{}")) { r in
                #expect(r.status == .notFound && r.json["message"]?.stringValue?.contains("--support-card-secret") == true)
            }
        }
    }
}
