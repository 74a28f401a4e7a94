import CompressNIO
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SegmentaCore
@testable import SegmentaServer
import SegmentaStore
import Testing

/// The browser SDKs' requests (`tests/sdk/wire/*.json`, taken from `shared/wire`) replayed at the
/// wire level: paths, headers (Origin, text/plain), gzip without Content-Encoding, arrays,
/// preflights. Each SDK's anonymous → identified flow must end with every event on one profile.
/// The same files are replayed against a live server on PostgreSQL and ClickHouse by
/// `tests/sdk/browser_wire.py` (CI's SDK runs).
@Suite("Browser SDKs: analytics.js, posthog-js and RudderStack's JS land unmodified")
struct BrowserSDKTests {
    /// One recorded SDK session.
    struct Recording {
        var sdk: String, user: String, anonymous: String
        var headers: [String: String]
        var preflights: [(path: String, headers: [String: String])]
        var requests: [(path: String, body: String, encoding: String?, contentType: String?)]

        static let recordedKey = "wk_js_acceptance_0123456789abcdef"

        init(_ file: String) throws {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../tests/sdk/wire/\(file)")
            let o = try #require(try JSONTextParser.parse(String(contentsOf: url, encoding: .utf8)).objectValue)
            func strings(_ v: JSONValue?) -> [String: String] { (v?.objectValue ?? [:]).compactMapValues(\.stringValue) }
            sdk = o["sdk"]?.stringValue ?? file
            user = o["user"]?.stringValue ?? ""
            anonymous = o["anonymous"]?.stringValue ?? ""
            headers = strings(o["headers"])
            preflights = (o["preflights"]?.arrayValues ?? []).map { ($0.objectValue?["path"]?.stringValue ?? "", strings($0.objectValue?["headers"])) }
            requests = (o["requests"]?.arrayValues ?? []).compactMap { r in
                guard let r = r.objectValue, let path = r["path"]?.stringValue, let body = r["body"]?.stringValue else { return nil }
                return (path, body, r["encoding"]?.stringValue, r["content-type"]?.stringValue)
            }
        }

        /// The request's headers and body as the SDK sends them, with this server's write key.
        func prepared(_ r: (path: String, body: String, encoding: String?, contentType: String?), key: String) throws -> (HTTPFields, ByteBuffer) {
            var fields = HTTPFields()
            for (name, value) in headers {
                guard let n = HTTPField.Name(name) else { continue }
                fields[n] = value.replacingOccurrences(of: "BASIC_WRITE_KEY", with: Data((key + ":").utf8).base64EncodedString())
                    .replacingOccurrences(of: "BASE64_ANONYMOUS_ID", with: Data(anonymous.utf8).base64EncodedString())
            }
            if let c = r.contentType { fields[.contentType] = c }
            let text = r.body.replacingOccurrences(of: Self.recordedKey, with: key)
            switch r.encoding {
            case "gzip":
                var plain = ByteBuffer(string: text)
                return (fields, try plain.compress(with: .gzip()))
            case "base64-form":
                let data = Data(text.utf8).base64EncodedString().addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                return (fields, ByteBuffer(string: "data=\(data)"))
            default:
                return (fields, ByteBuffer(string: text))
            }
        }
    }

    static let files = ["analytics-next.json", "posthog-js.json", "rudder-analytics-js.json", "posthog-node.json"]

    @Test(arguments: files)
    func everyEventOfTheRecordedSessionLandsOnOneProfile(file: String) async throws {
        let rec = try Recording(file)
        let s = try TestServer()
        try await s.test { client in
            for p in rec.preflights {
                var fields = HTTPFields()
                for (n, v) in p.headers { if let name = HTTPField.Name(n) { fields[name] = v } }
                try await client.execute(uri: p.path, method: .options, headers: fields) { r in
                    #expect(r.status == .noContent, "\(rec.sdk) preflight \(p.path)")
                    #expect(r.headers[.accessControlAllowOrigin] == p.headers["origin"])
                    let allowed = Set((r.headers[.accessControlAllowHeaders] ?? "").lowercased().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                    for asked in (p.headers["access-control-request-headers"] ?? "").split(separator: ",") {
                        #expect(allowed.contains(String(asked)), "\(rec.sdk) preflight must allow \(asked)")
                    }
                    #expect(r.headers[.accessControlAllowMethods]?.contains("POST") == true)
                }
            }
            for req in rec.requests {
                let (fields, body) = try rec.prepared(req, key: s.write)
                try await client.execute(uri: req.path, method: .post, headers: fields, body: body) { r in
                    #expect(r.status == .ok, "\(rec.sdk) \(req.path): \(String(buffer: r.body))")
                    if let origin = rec.headers["origin"] { #expect(r.headers[.accessControlAllowOrigin] == origin) }
                }
            }
        }
        let profile = try #require(try s.store.profileID(forExternalID: rec.user), "\(rec.sdk): no profile for \(rec.user)")
        #expect(try s.store.profileID(forExternalID: rec.anonymous) == profile, "\(rec.sdk): the anonymous id is on another profile")
        let detail = try #require(try s.store.profileDetail(profile)?.json.objectValue)
        let counts = detail["event_counts"]?.objectValue
        #expect(counts?["by_type"]?.objectValue?["page"] == .number(1), "\(rec.sdk): \(String(describing: counts))")
        #expect(counts?["by_event"]?.objectValue?["Product Viewed"] == .number(1), "\(rec.sdk): \(String(describing: counts))")
        #expect(counts?["by_event"]?.objectValue?["Order Completed"] == .number(1), "\(rec.sdk): \(String(describing: counts))")
        #expect(detail["traits"]?.objectValue?["plan"] == .string("pro"))
        let userIDs = (detail["identities"]?.arrayValues ?? []).filter { $0.objectValue?["kind"] == .string("user_id") }
        #expect(userIDs.count == 1, "\(rec.sdk): never two user ids on one profile: \(userIDs)")
    }

    @Test("the snippets in docs/API.md send to routes that take what those SDKs send")
    func documentedSnippets() async throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/API.md")
        let doc = try String(contentsOf: url, encoding: .utf8)
        func value(after marker: String) throws -> String {
            let start = try #require(doc.range(of: marker), "docs/API.md has no \(marker)").upperBound
            return String(doc[start...].prefix { $0 != "\"" })
        }
        // analytics.js posts to protocol://apiHost/<first letter of the type>; posthog-js to api_host/e/; RudderStack to dataPlaneUrl/v1/<type>.
        let apiHost = try value(after: #"apiHost: ""#), scheme = try value(after: #"protocol: ""#)
        let posthogHost = try value(after: #"api_host: ""#)
        let rudderHost = try #require(doc.range(of: #"rudderanalytics.load("sgw_…", ""#).map { String(doc[$0.upperBound...].prefix { $0 != "\"" }) })
        let host = "segmenta.example.com"
        let posted = ["\(scheme)://\(apiHost)/t", "\(scheme)://\(apiHost)/p", "\(posthogHost)/e/", "\(rudderHost)/v1/page"]
        let s = try TestServer()
        try await s.test { client in
            for target in posted {
                let path = try #require(target.range(of: host).map { String(target[$0.upperBound...]) }, "no host in \(target)")
                #expect(target.hasPrefix("https://"), "\(target)")
                let body = path.hasPrefix("/e/") ? #"{"event":"E","distinct_id":"d","properties":{"token":"\#(s.write)"}}"#
                                                 : #"{"type":"track","event":"E","userId":"d","writeKey":"\#(s.write)"}"#
                try await client.execute(uri: path, method: .post, headers: [.contentType: "text/plain", .origin: "https://shop.example"], body: ByteBuffer(string: body)) { r in
                    #expect(r.status == .ok, "\(target): \(String(buffer: r.body))")
                }
            }
        }
    }

    @Test("analytics.js's one-letter paths take every type; the write key may be in the body or in Basic auth")
    func oneLetterPaths() async throws {
        let s = try TestServer()
        let bodies: [(String, String)] = [
            ("/v1/t", #"{"type":"track","event":"E","userId":"u","messageId":"1","writeKey":"KEY"}"#),
            ("/v1/p", #"{"type":"page","name":"Home","userId":"u","messageId":"2","writeKey":"KEY"}"#),
            ("/v1/s", #"{"type":"screen","name":"Feed","userId":"u","messageId":"3","writeKey":"KEY"}"#),
            ("/v1/i", #"{"type":"identify","traits":{"plan":"pro"},"userId":"u","messageId":"4","writeKey":"KEY"}"#),
            ("/v1/g", #"{"type":"group","groupId":"acme","userId":"u","messageId":"5","writeKey":"KEY"}"#),
            ("/v1/a", #"{"type":"alias","previousId":"old-u","userId":"u","messageId":"6","writeKey":"KEY"}"#),
        ]
        try await s.test { client in
            for (path, body) in bodies {
                try await client.execute(uri: path, method: .post, headers: [.contentType: "text/plain"], body: ByteBuffer(string: body.replacingOccurrences(of: "KEY", with: s.write))) { r in
                    #expect(r.status == .ok, "\(path): \(String(buffer: r.body))")
                }
            }
            // Basic auth and no key in the body, as analytics.js sends with `protocol` settings of a proxy.
            try await client.execute(uri: "/v1/t/", method: .post, headers: TestServer.basic(s.write), body: ByteBuffer(string: #"{"event":"F","userId":"u","messageId":"7"}"#)) { #expect($0.status == .ok) }
        }
        let detail = try #require(try s.store.profileDetail("u")?.json.objectValue)
        #expect(detail["event_counts"]?.objectValue?["by_type"] == .object(["track": .number(2), "page": .number(1), "screen": .number(1),
                                                                           "identify": .number(1), "group": .number(1), "alias": .number(1)]))
        #expect(detail["accounts"]?.arrayValues.first?.objectValue?["id"] == .string("acme"))
        #expect(try s.store.profileID(forExternalID: "old-u") == "u")
    }

    @Test("CORS opens ingestion only: errors carry it, the API and the dashboard never do")
    func corsOnlyOnIngestion() async throws {
        let s = try TestServer()
        let origin: HTTPFields = [.origin: "https://shop.example"]
        try await s.test { client in
            // An error on ingestion is readable by the page's SDK (it sees the 401, not a CORS failure).
            try await client.execute(uri: "/v1/t", method: .post, headers: origin, body: ByteBuffer(string: #"{"event":"E","userId":"u","writeKey":"sgw_nope_nope_nope"}"#)) { r in
                #expect(r.status == .unauthorized)
                #expect(r.headers[.accessControlAllowOrigin] == "https://shop.example")
                #expect(r.headers[.vary] == "Origin")
            }
            try await client.execute(uri: "/e/?compression=gzip-js", method: .post, headers: origin, body: ByteBuffer(string: "not json")) { r in
                #expect(r.status == .badRequest)
                #expect(r.headers[.accessControlAllowOrigin] == "https://shop.example")
            }
            // Nothing else is opened: not the admin API (preflight or request), not the dashboard, not health.
            var preflight = origin
            preflight[.accessControlRequestMethod] = "POST"
            preflight[.accessControlRequestHeaders] = "authorization,content-type"
            for path in ["/api/v1/segments", "/api/v1/privacy/delete", "/", "/login", "/health", "/metrics"] {
                try await client.execute(uri: path, method: .options, headers: preflight) { r in
                    #expect(r.headers[.accessControlAllowOrigin] == nil, "OPTIONS \(path)")
                    #expect(r.status != .noContent && r.status != .ok, "OPTIONS \(path) answered \(r.status)")
                }
            }
            var bearer = TestServer.bearer(s.admin)
            bearer[.origin] = "https://evil.example"
            try await client.execute(uri: "/api/v1/segments", method: .get, headers: bearer) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.accessControlAllowOrigin] == nil)
                #expect(r.headers[.accessControlAllowCredentials] == nil)
            }
            try await client.execute(uri: "/", method: .get, headers: [.origin: "https://evil.example", .accept: "text/html"]) { r in
                #expect(r.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }

    @Test("a write key made for some origins takes pages of those only (the refusal readable by the page); servers send no Origin")
    func originsOfAWriteKey() async throws {
        let s = try TestServer()
        let (_, site) = try await APIKeys.create(.write, name: "shop", origins: ["https://Shop.example", "https://shop.example", "http://localhost:3000"], in: s.store.backend)
        let body = ByteBuffer(string: #"{"type":"track","event":"E","userId":"u","messageId":"o1","writeKey":"\#(site)"}"#)
        try await s.test { client in
            try await client.execute(uri: "/v1/t", method: .post, headers: [.origin: "https://evil.example"], body: body) { r in
                #expect(r.status == .forbidden)
                #expect(r.json.objectValue?["code"] == .string("origin_not_allowed"))
                #expect(r.headers[.accessControlAllowOrigin] == "https://evil.example")   // the page's SDK reads the 403 and stops
            }
            for origin in ["https://shop.example", "http://localhost:3000"] {
                try await client.execute(uri: "/v1/t", method: .post, headers: [.origin: origin], body: body) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: "/v1/t", method: .post, body: body) { #expect($0.status == .ok) }   // a server SDK
        }
        #expect(try s.store.counts().events == 1)
        await #expect(throws: SegmentaError.self) { _ = try await APIKeys.create(.admin, name: "x", origins: ["https://shop.example"], in: s.store.backend) }
        for bad in ["shop.example", "https://shop.example/path", "ftp://shop.example", "https://"] {
            #expect(throws: SegmentaError.self, "\(bad)") { _ = try APIKey.normalizedOrigin(bad) }
        }
    }

    @Test("posthog-js's flag calls get PostHog's answer with no flags, so the SDK does not retry them")
    func flags() async throws {
        let s = try TestServer()
        try await s.test { client in
            for uri in ["/flags/?v=2&config=true&ip=0&_=1796608399325&ver=1.369.3&compression=base64", "/decide/?v=3"] {
                try await client.execute(uri: uri, method: .post, headers: [.origin: "http://localhost:8000"], body: ByteBuffer(string: "data=e30%3D")) { r in
                    #expect(r.status == .ok)
                    #expect(r.headers[.accessControlAllowOrigin] == "http://localhost:8000")
                    let o = r.json.objectValue
                    #expect(o?["flags"] == .object([:]) && o?["featureFlags"] == .object([:]) && o?["errorsWhileComputingFlags"] == .bool(false))
                }
            }
        }
        #expect(try s.store.counts().events == 0)
    }

    @Test("posthog-js's lz64 and base64 forms, and sendBeacon's gzip array, are read; a bad form is a 400 that says why")
    func posthogBodies() async throws {
        let s = try TestServer()
        // A posthog-js event array and its `LZString.compressToBase64` by Python's lzstring 1.0.4 (as in BrowserBodyTests).
        let text = #"[{"event":"$pageview","properties":{"distinct_id":"anon-lz","token":"TOKEN","$is_identified":false,"$current_url":"https://shop.example/home"},"uuid":"01a24e34-aaaa-7000-8000-000000000001","timestamp":"2026-12-07T01:53:19.243Z"}]"#
        let lz = "NobwRApgbhB2AuYBcYAkAHAhgc2gSwgHcwAaMdAJwHt0IL4CBnZcAEz0YdgGN4B9PK2RhMsKrAC0AGwBepMPCoBrOMIAqAeQDSAUQBy81BwGs4DAGYEhSc5imMIZVNwCuFCmb5upwgBbx4dEYkAHoQxl8aADoIAA9MAFt0KQgQyISIMABfMhcXQWEABgBGTAAmABYIAGYKiUwGzAkAdkK2iQAONsKJbr6+4vkGDM5E9GEywrKANglist7mtRKkAFZqpGKATijK6oAtbIBdIA"
        try await s.test { client in
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let lzBody = "data=" + (lz.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") + "&compression=lz64"
            try await client.execute(uri: "/e/?ip=1&_=1&ver=1.100.0", method: .post, headers: form,
                                     body: ByteBuffer(string: lzBody)) { r in
                // The vector holds "TOKEN" as its key: the server refuses it, which proves it read the lz64 body.
                #expect(r.status == .unauthorized, "\(String(buffer: r.body))")
            }
            let json = text.replacingOccurrences(of: "TOKEN", with: s.write)
            let b64 = Data(json.utf8).base64EncodedString()
            try await client.execute(uri: "/e/?compression=base64", method: .post, headers: form, body: ByteBuffer(string: "data=" + b64)) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
            }
            try await client.execute(uri: "/e/?compression=lz64", method: .post, headers: form, body: ByteBuffer(string: "data=AAAA")) { r in
                #expect(r.status == .badRequest)
                #expect(r.json.objectValue?["code"] == .string("invalid_lz64"))
            }
        }
        #expect(try s.store.profileID(forExternalID: "anon-lz") != nil)
        #expect(try s.store.counts().events == 1)
    }

    @Test("a message the server does not store is never answered 200: the answer lists it, the others are stored once")
    func refusalsAreInTheAnswer() async throws {
        let s = try TestServer()
        let pad = String(repeating: "y", count: 33 * 1024)
        let mixed = #"{"batch":[{"type":"track","userId":"u","event":"Ok","messageId":"a"},{"type":"track","event":"NoUser","messageId":"b"},{"type":"track","userId":"u","event":"Big","messageId":"c","properties":{"p":"\#(pad)"}}]}"#
        let onlyBig = #"{"batch":[{"type":"track","userId":"u","event":"Ok2","messageId":"d"},{"type":"track","userId":"u","event":"Big","messageId":"e","properties":{"p":"\#(pad)"}}]}"#
        try await s.test { client in
            for _ in 0..<2 {   // an SDK's retry: the stored message stays stored once
                try await client.execute(uri: "/v1/batch", method: .post, headers: TestServer.basic(s.write), body: ByteBuffer(string: mixed)) { r in
                    #expect(r.status == .badRequest)
                    let o = r.json.objectValue
                    #expect(o?["code"] == .string("messages_refused"))
                    #expect(o?["stored"] == .number(1) && o?["refused_count"] == .number(2))
                    let refused = o?["refused"]?.arrayValues.compactMap { $0.objectValue } ?? []
                    #expect(refused.map { $0["index"] } == [.number(1), .number(2)])
                    #expect(refused.map { $0["code"] } == [.string("missing_user_id"), .string("message_too_large")])
                    #expect(o?["message"]?.stringValue?.contains("2 of 3 messages were refused") == true)
                }
            }
            try await client.execute(uri: "/v1/batch", method: .post, headers: TestServer.basic(s.write), body: ByteBuffer(string: onlyBig)) { r in
                #expect(r.status == .contentTooLarge)
                #expect(r.json.objectValue?["refused"]?.arrayValues.first?.objectValue?["reason"]?.stringValue?.contains("32 KiB") == true)
            }
            // PostHog routes too: an event with no name.
            try await client.execute(uri: "/capture/", method: .post, body: ByteBuffer(string: #"{"api_key":"\#(s.write)","distinct_id":"p"}"#)) { r in
                #expect(r.status == .badRequest)
                #expect(r.json.objectValue?["message"]?.stringValue == #"the message was refused: a PostHog event needs an "event" name"#)
            }
        }
        let counts = try #require(try s.store.profileDetail("u")?.json.objectValue?["event_counts"]?.objectValue?["by_event"])
        #expect(counts == .object(["Ok": .number(1), "Ok2": .number(1)]))
    }
}
