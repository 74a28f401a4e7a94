import Foundation
import Hummingbird
import HummingbirdTesting
import SegmentaCore
import SegmentaServer
import SegmentaStore
import Testing

/// Ids with accents, spaces, `/`, `+` and `%` can be looked up on every path; `é` written composed
/// or decomposed is one id (NFC, docs/API.md).
@Suite("Ids in paths")
struct IdentifierTests {
    static let ids = ["José", "Ana María", "team/ops", "a+b", "100%", "ü/ä ö+%"]

    /// Each character of a path segment percent-encoded the way browsers and curl users do.
    static func encoded(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.subtracting(CharacterSet(charactersIn: "é"))) ?? s
    }

    @Test("GET /api/v1/profiles/{id} and /events find every id, percent-encoded", arguments: ids)
    func apiLookup(_ id: String) async throws {
        let s = try TestServer()
        _ = try s.store.apply([Message(kind: .identify, messageID: "1", userID: id, traits: ["email": .string("x@y.test")])], source: "t", arrival: .now)
        try await s.test { client in
            try await client.execute(uri: "/api/v1/profiles/" + Self.encoded(id), method: .get, headers: TestServer.bearer(s.read)) { r in
                #expect(r.status == .ok, "\(id) → \(Self.encoded(id))")
                #expect(r.json.objectValue?["traits"]?.objectValue?["email"] == .string("x@y.test"))
            }
            try await client.execute(uri: "/api/v1/profiles/" + Self.encoded(id) + "/events", method: .get, headers: TestServer.bearer(s.read)) { #expect($0.status == .ok) }
        }
    }

    @Test("é composed (U+00E9) or decomposed (e + U+0301) is one person, whichever form arrives first")
    func normalisation() async throws {
        let s = try TestServer()
        let nfd = "Jose\u{301}", nfc = "Jos\u{E9}"
        #expect(Array(nfd.utf8) != Array(nfc.utf8))
        _ = try s.store.apply([Message(kind: .identify, messageID: "1", userID: nfd, traits: ["plan": .string("pro")])], source: "t", arrival: .now)
        _ = try s.store.apply([Message(kind: .track, messageID: "2", userID: nfc, event: "Logged In")], source: "t", arrival: .now)
        #expect(try s.store.counts().profiles == 1)
        try await s.test { client in
            for form in [nfd, nfc] {
                let path = "/api/v1/profiles/" + (form.addingPercentEncoding(withAllowedCharacters: .alphanumerics.subtracting(CharacterSet(charactersIn: "é"))) ?? form)
                try await client.execute(uri: path, method: .get, headers: TestServer.bearer(s.read)) { r in
                    #expect(r.status == .ok)
                    #expect(r.json.objectValue?["traits"]?.objectValue?["plan"] == .string("pro"))
                }
            }
            try await client.execute(uri: "/api/v1/profiles/bad%ZZ", method: .get, headers: TestServer.bearer(s.read)) { r in
                #expect(r.status == .badRequest)
                #expect(r.json.objectValue?["message"]?.stringValue?.contains("percent-encoding") == true)
            }
        }
    }
}
