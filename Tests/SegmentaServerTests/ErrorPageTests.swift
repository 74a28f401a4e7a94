import Foundation
import Hummingbird
import HummingbirdTesting
import SegmentaCore
import SegmentaStore
@testable import SegmentaServer
import Testing

/// A browser never gets raw JSON or an empty page from the dashboard: errors are styled pages with the right status.
@Suite struct ErrorPageTests {
    @Test("unknown URL, unknown segment and unknown profile: HTML pages with 404; the API keeps JSON")
    func pages() async throws {
        let s = try TestServer()
        let html: HTTPFields = [.accept: "text/html,application/xhtml+xml"]
        try await s.test { client in
            try await client.execute(uri: "/no-such-page", method: .get, headers: html) { r in
                #expect(r.status == .notFound)
                #expect(r.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(String(buffer: r.body).contains("There is no page at /no-such-page"))
            }
            // curl's */* and no Accept at all get the page too, never an empty 404.
            for accept in ["*/*", nil] as [String?] {
                try await client.execute(uri: "/no-such-page", method: .get, headers: accept.map { [.accept: $0] } ?? [:]) { r in
                    #expect(r.status == .notFound)
                    #expect(String(buffer: r.body).contains("There is no page at /no-such-page"), "Accept: \(accept ?? "none")")
                }
            }
            let cookie = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                  body: ByteBuffer(string: "key=\(s.read)")) { r -> String in
                String((r.headers[.setCookie] ?? "").prefix { $0 != ";" })
            }
            var signedIn = html
            signedIn[.cookie] = cookie
            try await client.execute(uri: "/segments/nope", method: .get, headers: signedIn) { r in
                #expect(r.status == .notFound)
                #expect(String(buffer: r.body).contains("no segment named"))
                #expect(!String(buffer: r.body).hasPrefix("{"))
            }
            try await client.execute(uri: "/profiles/nobody%3Cb%3E", method: .get, headers: signedIn) { r in
                #expect(r.status == .notFound)
                let body = String(buffer: r.body)
                #expect(body.contains("Nobody is known by") && body.contains("nobody&lt;b&gt;") && !body.contains("nobody<b>"))
            }
            // The API answers JSON whatever the Accept header says.
            try await client.execute(uri: "/api/v1/segments/nope", method: .get, headers: [.accept: "text/html", .authorization: "Bearer \(s.read)"]) { r in
                #expect(r.status == .notFound)
                #expect(r.json.objectValue?["code"] == .string("not_found"))
            }
        }
    }
}
