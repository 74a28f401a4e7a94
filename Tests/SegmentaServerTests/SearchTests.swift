import Foundation
import Hummingbird
import HummingbirdTesting
import SegmentaCore
import SegmentaStore
@testable import SegmentaServer
import Testing

/// Finding people by email, name or any id: the API, the Profiles page and segment members.
@Suite struct SearchTests {
    func seeded() throws -> TestServer {
        let s = try TestServer()
        let t = try Timestamp.parse("2026-11-01T00:00:00Z")
        _ = try s.store.apply([
            Message(kind: .identify, messageID: "1", userID: "u1", traits: ["email": "Ada.Lovelace@example.com", "name": "Ada Lovelace"], timestamp: t),
            Message(kind: .identify, messageID: "2", userID: "u2", traits: ["email": "ada.b@example.com", "name": "Ada Byron"], timestamp: t),
            Message(kind: .identify, messageID: "3", userID: "u3", anonymousID: "Anon-XYZ", traits: ["email": "grace@example.com", "name": "Grace Hopper"], timestamp: t),
        ], source: "test", arrival: t)
        _ = try s.store.createSegment(try JSONTextParser.parse(#"{"name":"everyone","condition":{"trait":"email","op":"exists","value":true}}"#))
        _ = try s.store.refresh("everyone", asOf: .now)
        return s
    }

    func ids(_ r: TestResponse) -> [String] {
        r.json.objectValue?["profiles"]?.arrayValues.compactMap { $0.objectValue?["id"]?.stringValue } ?? []
    }

    @Test("API: exact before prefix, case aside, by email, name, user or anonymous id; wildcards are literal; bad input is a 400")
    func api() async throws {
        let s = try seeded()
        let read = TestServer.bearer(s.read)
        try await s.test { client in
            try await client.execute(uri: "/api/v1/profiles?q=ADA.LOVELACE@example.com", method: .get, headers: read) { r in
                #expect(ids(r) == ["u1"])
                let first = r.json.objectValue?["profiles"]?.arrayValues.first?.objectValue
                #expect(first?["matched"] == .string("email") && first?["exact"] == .bool(true))
                #expect(first?["traits"] == .object(["email": "Ada.Lovelace@example.com", "name": "Ada Lovelace"]))
            }
            try await client.execute(uri: "/api/v1/profiles?q=ada", method: .get, headers: read) { #expect(ids($0) == ["u1", "u2"]) }
            try await client.execute(uri: "/api/v1/profiles?q=grace%20hop", method: .get, headers: read) { #expect(ids($0) == ["u3"]) }
            try await client.execute(uri: "/api/v1/profiles?q=anon-x", method: .get, headers: read) { r in
                #expect(ids(r) == ["u3"])
                #expect(r.json.objectValue?["profiles"]?.arrayValues.first?.objectValue?["matched"] == .string("identity"))
            }
            try await client.execute(uri: "/api/v1/profiles?q=u", method: .get, headers: read) { #expect(ids($0) == ["u1", "u2", "u3"]) }
            try await client.execute(uri: "/api/v1/profiles?q=u&limit=2", method: .get, headers: read) { #expect(ids($0).count == 2) }
            try await client.execute(uri: "/api/v1/profiles?q=%25", method: .get, headers: read) { #expect(ids($0).isEmpty) }   // "%" is not a wildcard
            try await client.execute(uri: "/api/v1/profiles", method: .get, headers: read) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/api/v1/profiles?q=a&limit=0", method: .get, headers: read) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/api/v1/profiles?q=a", method: .get, headers: TestServer.bearer(s.write)) { #expect($0.status == .forbidden) }
        }
    }

    @Test("dashboard: one match opens the profile, several are listed, none says so; segment members match email and name")
    func dashboard() async throws {
        let s = try seeded()
        try await s.test { client in
            let cookie = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                  body: ByteBuffer(string: "key=\(s.read)")) { r -> String in
                String((r.headers[.setCookie] ?? "").prefix { $0 != ";" })
            }
            try await client.execute(uri: "/profiles?q=grace%40EXAMPLE.com", method: .get, headers: [.cookie: cookie]) { r in
                #expect(r.status == .seeOther)
                #expect(r.headers[.location] == "/profiles/u3")
            }
            try await client.execute(uri: "/profiles?q=Ada", method: .get, headers: [.cookie: cookie]) { r in
                let html = String(buffer: r.body)
                #expect(r.status == .ok)
                #expect(html.contains("2 people match") && html.contains("href=\"/profiles/u1\"") && html.contains("href=\"/profiles/u2\""))
            }
            try await client.execute(uri: "/profiles?q=nobody", method: .get, headers: [.cookie: cookie]) { r in
                #expect(String(buffer: r.body).contains("Nobody matches"))
            }
            try await client.execute(uri: "/segments/everyone?q=grace", method: .get, headers: [.cookie: cookie]) { r in
                let html = String(buffer: r.body)
                #expect(html.contains("1 member matching “grace” (an id that starts with it, or email or name holding it)"))
                #expect(html.contains("/profiles/u3") && !html.contains("/profiles/u1"))
            }
        }
    }
}
