import Foundation
import Hummingbird
import HummingbirdTesting
import SegmentaCore
@testable import SegmentaServer
import SegmentaStore
import Testing

/// Every route of the OpenAPI route table × every kind of caller, against the documented access
/// rule: generated from the table, so a new route is covered the day it is added.
@Suite("Auth matrix: every route × (no key, write, read, admin, support, revoked)")
struct AuthMatrixTests {
    enum Caller: String, CaseIterable, Sendable { case none, write, read, admin, support, revoked }

    /// Whether a caller may use a route of an access level (the rule in docs/API.md).
    static func allowed(_ access: OpenAPIDocument.Access, path: String, _ caller: Caller) -> Bool {
        switch (access, caller) {
        case (.none, _): return true
        case (.signed, _): return false   // no key opens it: only the helpdesk's signature
        case (_, .none), (_, .revoked): return false
        case (.support, .support), (.support, .read), (.support, .admin): return true   // the one-person lookup
        case (.support, _), (_, .support): return false   // a support key can do nothing else
        case (.write, .write): return true
        case (.write, .admin): return path.hasPrefix("/api/")   // apps' assignment route takes admin keys too; ingestion takes write keys only
        case (.write, .read): return false
        case (.read, .read), (.read, .admin): return true
        case (.read, .write): return false
        case (.admin, .admin): return true
        case (.admin, _): return false
        }
    }

    static let routes = OpenAPIDocument.routes.map { r in "\(r.method.uppercased()) \(r.path)" }

    @Test("the documented rule holds", arguments: routes)
    func route(_ line: String) async throws {
        let route = try #require(OpenAPIDocument.routes.first { "\($0.method.uppercased()) \($0.path)" == line })
        let s = try TestServer()
        let revoked = try APIKeys.create(.admin, name: "gone", in: s.store)
        try await s.store.backend.revokeKey(id: revoked.key.id)
        let support = try APIKeys.create(.support, name: "helpdesk", in: s.store).token
        let path = route.path.replacing("{name}", with: "nobody").replacing("{id}", with: "1").replacing("{kind}", with: "rfm")
        let method = HTTPRequest.Method(rawValue: route.method.uppercased()) ?? .get
        let ingestion = !route.path.hasPrefix("/api/") && route.access == .write
        let posthog = route.path.hasPrefix("/batch") || route.path.contains("capture") || route.path.hasPrefix("/i/v0") || route.path == "/e/"
        let cases: [(Caller, String?)] = [(.none, nil), (.write, s.write), (.read, s.read), (.admin, s.admin), (.support, support), (.revoked, revoked.token)]
        let statuses = try await s.test { client in
            var out: [HTTPResponse.Status] = []
            for (_, token) in cases {
                // Segment routes and the API take the key in a header; PostHog's only in the body.
                let headers: HTTPFields = posthog ? [:] : token.map { ingestion ? TestServer.basic($0) : TestServer.bearer($0) } ?? [:]
                let key = token.map { #""api_key":"\#($0)","# } ?? ""
                let body = !ingestion ? ByteBuffer(string: "{}")
                    : posthog ? ByteBuffer(string: route.path.hasPrefix("/batch") ? #"{\#(key)"batch":[]}"# : #"{\#(key)"event":"e","distinct_id":"u"}"#)
                    : ByteBuffer(string: route.path == "/v1/batch" || route.path == "/v1/b" ? #"{"batch":[]}"# : #"{"userId":"u","event":"e","groupId":"g","previousId":"p"}"#)
                let uri = path + (route.path.hasSuffix("assignment") ? "?userId=u" : "")
                out.append(try await client.execute(uri: uri, method: method, headers: headers, body: body) { $0.status })
            }
            return out
        }
        for ((caller, _), status) in zip(cases, statuses) {
            let refused = status == .unauthorized || status == .forbidden
            let expectAllowed = Self.allowed(route.access, path: route.path, caller)
            #expect(refused != expectAllowed, "\(line) as \(caller.rawValue): \(status.code)")
            if !expectAllowed {
                // No key or a dead key: 401; a live key of the wrong kind: 403 on the API, 401 on ingestion (SDKs stop retrying on 401)
                // and on the signed card (only a signature opens it).
                let wanted: HTTPResponse.Status = caller == .none || caller == .revoked || ingestion || route.access == .signed ? .unauthorized : .forbidden
                #expect(status == wanted, "\(line) as \(caller.rawValue): \(status.code), expected \(wanted.code)")
            }
            #expect(status.code < 500, "\(line) as \(caller.rawValue): \(status.code)")
        }
    }
}

/// The OpenAPI document's route table against the router the server runs: every API, ingestion
/// and system route is documented, and every documented route is served — the document cannot
/// drift from the code (issue 35). The dashboard's HTML pages are not part of the API.
@Suite("The OpenAPI document lists exactly the routes the server serves")
struct OpenAPIRouteTableTests {
    @Test func theDocumentAndTheRouterAgree() throws {
        let s = try TestServer()
        let served = Set(buildRouter(s.parts).routes.compactMap { r -> String? in
            // `:name` as the document writes it, `{name}`; the router matches with or without a trailing slash.
            let path = Self.normalised(r.path.description.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/"))
            let api = ["/api/", "/v1/", "/batch", "/capture", "/i/v0/", "/e", "/flags", "/decide", "/health", "/metrics", "/openapi.json", "/support/card"].contains { p in
                path == p || path.hasPrefix(p.hasSuffix("/") ? p : p + "/")
            }
            return api ? "\(r.method.rawValue) \(path)" : nil
        })
        let documented = Set(OpenAPIDocument.routes.map { "\($0.method.uppercased()) \(Self.normalised($0.path))" })
        #expect(served.subtracting(documented).sorted() == [], "served but not in the OpenAPI document")
        #expect(documented.subtracting(served).sorted() == [], "in the OpenAPI document but not served")
        #expect(documented.count > 40)
    }

    /// A path with one leading slash and none at the end.
    static func normalised(_ path: String) -> String {
        "/" + path.split(separator: "/").joined(separator: "/")
    }
}
