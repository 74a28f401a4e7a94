import Foundation
import Hummingbird
import HummingbirdTesting
import SegmentaCore
import SegmentaServer
import SegmentaStore
import Testing

/// The helpdesk's lookup (issue 38, item 2): one person by email or any id, with a support key that
/// can do nothing else. Every figure below is worked out by hand from the messages sent.
@Suite("Support lookup: one person at ticket time")
struct SupportLookupTests {
    static let t = (try? Timestamp.parse("2026-11-01T00:00:00Z")) ?? Timestamp(milliseconds: 0)

    func seeded() throws -> (TestServer, support: String) {
        let s = try TestServer()
        _ = try s.store.apply([
            Message(kind: .identify, messageID: "1", userID: "u1", anonymousID: "anon-1", traits: ["email": "Ada@Example.com", "plan": "pro", "consent": ["marketing": false]], timestamp: Self.t),
            Message(kind: .identify, messageID: "2", userID: "u2", traits: ["email": "twin@example.com", "phone": "+33 6 12-34-56-78"], timestamp: Self.t),
            Message(kind: .identify, messageID: "3", userID: "u3", traits: ["email": "twin@example.com", "phone": "(06) 12.34.56.78"], timestamp: Self.t),
            Message(kind: .track, messageID: "4", userID: "u1", event: "Ticket Created", properties: ["subject": "Invoice wrong", "channel": "email"], timestamp: Self.t.adding(days: 1)),
            Message(kind: .track, messageID: "5", userID: "u1", event: "Survey Answered", properties: ["csat": 4], timestamp: Self.t.adding(days: 2)),
            Message(kind: .track, messageID: "6", userID: "u1", event: "Ticket Created", properties: ["subject": "Cannot log in", "channel": "chat"], timestamp: Self.t.adding(days: 3)),
            Message(kind: .track, messageID: "7", userID: "u1", event: "Survey Answered", properties: ["comment": "no score"], timestamp: Self.t.adding(days: 4)),
        ], source: "test", arrival: Self.t.adding(days: 5))
        _ = try s.store.createSegment(["name": "pro", "condition": ["trait": "plan", "op": "eq", "value": "pro"]])
        _ = try s.store.refresh("pro", asOf: Self.t.adding(days: 5))
        return (s, try APIKeys.create(.support, name: "helpdesk", in: s.store).token)
    }

    @Test func byEmailOrIdTheSameAnswer() async throws {
        let (s, support) = try seeded()
        try await s.test { client in
            let key = TestServer.bearer(support)
            let byEmail = try await client.execute(uri: "/api/v1/support/lookup?email=%20ada@EXAMPLE.com", method: .get, headers: key) { r -> JSONValue in
                #expect(r.status == .ok)
                return r.json
            }
            #expect(byEmail["profile"] == "u1")
            #expect(byEmail["ids"] == [["id": "u1", "kind": "user_id"], ["id": "anon-1", "kind": "anonymous_id"]])
            #expect(byEmail["segments"] == [["segment": "pro", "since": "2026-11-06T00:00:00.000Z"]])
            #expect(byEmail["live"]?["segments"] == ["pro"])
            #expect(byEmail["marketing_consent"] == ["value": false, "denied": true])
            // Newest first; the survey without a score is not a CSAT.
            #expect(byEmail["recent_tickets"]?.arrayValues.map { $0["properties"]?["subject"] } == ["Cannot log in", "Invoice wrong"])
            #expect(byEmail["last_csat"] == ["score": 4, "at": "2026-11-03T00:00:00.000Z"])
            #expect(byEmail["last_seen"] == "2026-11-05T00:00:00.000Z")
            #expect(byEmail["scores"]?["rfm_segment"] == .null)
            try await client.execute(uri: "/api/v1/support/lookup?user_id=anon-1", method: .get, headers: key) { r in
                // The same person (`live` is as of each request's time).
                #expect(r.json.objectValue?.filter { $0.key != "live" } == byEmail.objectValue?.filter { $0.key != "live" })
            }
        }
    }

    /// A phone number is compared by its digits, as Zendesk's own phone search does: u2 keeps
    /// "+33 6 12-34-56-78", u3 "(06) 12.34.56.78".
    @Test func byPhoneItsDigits() async throws {
        let (s, support) = try seeded()
        try await s.test { client in
            let key = TestServer.bearer(support)
            for (typed, who) in [("%2B33612345678", "u2"), ("33%206%2012%2034%2056%2078", "u2"), ("06-12-34-56-78", "u3"), ("0612345678", "u3")] {
                try await client.execute(uri: "/api/v1/support/lookup?phone=" + typed, method: .get, headers: key) { r in
                    #expect(r.status == .ok, "\(typed)")
                    #expect(r.json["profile"]?.stringValue == who, "\(typed)")
                }
            }
        }
    }

    @Test func mistakesAreSaidAndASupportKeyDoesNothingElse() async throws {
        let (s, support) = try seeded()
        try await s.test { client in
            let key = TestServer.bearer(support)
            for (uri, status, words) in [("/api/v1/support/lookup", HTTPResponse.Status.badRequest, "one of the three"),
                                         ("/api/v1/support/lookup?email=a@b.c&user_id=u1", .badRequest, "one of the three"),
                                         ("/api/v1/support/lookup?email=a@b.c&phone=0612", .badRequest, "one of the three"),
                                         ("/api/v1/support/lookup?email=ada", .badRequest, "\"ada\" is not an email address"),
                                         ("/api/v1/support/lookup?phone=call%20me", .badRequest, "\"call me\" is not a phone number"),
                                         ("/api/v1/support/lookup?email=nobody@example.com", .notFound, "nobody has the email"),
                                         ("/api/v1/support/lookup?phone=0033612345678", .notFound, "nobody has the phone \"0033612345678\""),
                                         ("/api/v1/support/lookup?user_id=ghost", .notFound, "nobody is known by"),
                                         ("/api/v1/support/lookup?email=twin@example.com", .conflict, "2 people have the email")] {
                try await client.execute(uri: uri, method: .get, headers: key) { r in
                    #expect(r.status == status, "\(uri)")
                    #expect(r.json["message"]?.stringValue?.contains(words) == true, "\(uri): \(r.json)")
                }
            }
            // No lists, no profiles, no exports, no dashboard.
            for uri in ["/api/v1/profiles/u1", "/api/v1/profiles?q=ada", "/api/v1/segments", "/api/v1/segments/pro/members?format=csv"] {
                try await client.execute(uri: uri, method: .get, headers: key) { r in
                    #expect(r.status == .forbidden, "\(uri)")
                    #expect(r.json["message"]?.stringValue?.contains("support keys look up one person at a time") == true)
                }
            }
            try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "key=\(support)")) { r in
                #expect(r.status == .forbidden && String(buffer: r.body).contains("Support keys look up one person"))
            }
            // Read keys may look up too.
            try await client.execute(uri: "/api/v1/support/lookup?user_id=u1", method: .get, headers: TestServer.bearer(s.read)) { #expect($0.status == .ok) }
        }
    }
}
