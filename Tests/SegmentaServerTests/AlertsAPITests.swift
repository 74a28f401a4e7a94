import Foundation
import Hummingbird
import HummingbirdTesting
import SegmentaCore
import SegmentaServer
import SegmentaStore
import Testing

@Suite("Drift alerts over the API")
struct AlertsAPITests {
    /// 100 pro profiles refreshed weekly five times (size 100: limits 70–130), then 40 leave the plan:
    /// the refresh answers with the alert, GET /alerts lists it, /metrics counts it.
    @Test("a refresh that shifts a segment answers with its alerts; GET /api/v1/alerts lists them; /metrics counts them; bad queries are 4xx")
    func alertsOverTheAPI() async throws {
        let s = try TestServer()
        let start = Timestamp(year: 2026, month: 3, day: 2)
        _ = try s.store.apply((0..<150).map { i in
            Message(kind: .identify, messageID: "i\(i)", userID: "u\(i)", traits: ["plan": .string(i < 100 ? "pro" : "free")], timestamp: start.adding(days: -1))
        }, source: "t", arrival: start)
        _ = try s.store.createSegment(try JSONTextParser.parse(#"{"name": "pros", "condition": {"trait": "plan", "op": "eq", "value": "pro"}}"#))
        let admin = TestServer.bearer(s.admin), read = TestServer.bearer(s.read)
        try await s.test { client in
            for week in 0..<5 {
                try await client.execute(uri: "/api/v1/segments/pros/refresh?as_of=\(start.adding(days: 7 * week).dateString)", method: .post, headers: admin) { r in
                    #expect(r.status == .ok)
                    #expect(r.json.objectValue?["alerts"]?.arrayValues.isEmpty == true)
                }
            }
        }
        _ = try s.store.apply((0..<40).map { Message(kind: .identify, messageID: "m\($0)", userID: "u\($0)", traits: ["plan": "free"], timestamp: start.adding(days: 30)) },
                             source: "t", arrival: start.adding(days: 30))
        try await s.test { client in
            try await client.execute(uri: "/api/v1/segments/pros/refresh?as_of=\(start.adding(days: 35).dateString)", method: .post, headers: admin) { r in
                #expect(r.json.objectValue?["alerts"]?.arrayValues.first?.objectValue?["message"]?.stringValue?.hasPrefix("pros shrank 40% in a week: 60 members") == true)
            }
            try await client.execute(uri: "/api/v1/alerts", method: .get, headers: read) { r in
                #expect(r.status == .ok)
                let alerts = r.json.objectValue?["alerts"]?.arrayValues.compactMap(\.objectValue) ?? []
                #expect(alerts.map { $0["kind"] } == [.string("size")] && alerts.first?["segment"] == .string("pros"))
            }
            try await client.execute(uri: "/api/v1/alerts?segment=pros&limit=1", method: .get, headers: read) { #expect($0.json.objectValue?["alerts"]?.arrayValues.count == 1) }
            try await client.execute(uri: "/api/v1/alerts?segment=nope", method: .get, headers: read) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/alerts?limit=0", method: .get, headers: read) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/api/v1/alerts", method: .get, headers: TestServer.bearer(s.write)) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/metrics", method: .get) { r in
                #expect(String(buffer: r.body).contains(#"segmenta_segment_alerts_total{kind="size"} 1"#))
            }
            // The overview and the segment's page show it, in words.
            let cookie = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                  body: ByteBuffer(string: "key=\(s.read)&next=%2F")) { r -> String in String((r.headers[.setCookie] ?? "").prefix { $0 != ";" }) }
            for page in ["/", "/segments/pros"] {
                try await client.execute(uri: page, method: .get, headers: [.cookie: cookie]) { r in
                    let html = String(buffer: r.body)
                    #expect(html.contains("<h2>Alerts</h2>") && html.contains("pros shrank 40% in a week: 60 members"), "\(page)")
                }
            }
        }
    }
}
