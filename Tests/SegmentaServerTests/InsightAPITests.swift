import Foundation
import Hummingbird
import HummingbirdTesting
import SegmentaCore
import SegmentaServer
import SegmentaStore
import Testing

@Suite("Insight over the API: compare, validate, hypotheses, experiments")
struct InsightAPITests {
    /// u1 (pro, one 40 order), u2 (pro), u3 (free), u4 (free, one 10 order); segment "pro" refreshed.
    func seeded() throws -> TestServer {
        let s = try TestServer()
        let t = try Timestamp.parse("2026-11-01T00:00:00Z")
        _ = try s.store.apply([
            Message(kind: .identify, messageID: "1", userID: "u1", traits: ["plan": .string("pro")], timestamp: t),
            Message(kind: .identify, messageID: "2", userID: "u2", traits: ["plan": .string("pro")], timestamp: t),
            Message(kind: .identify, messageID: "3", userID: "u3", traits: ["plan": .string("free")], timestamp: t),
            Message(kind: .identify, messageID: "5", userID: "u4", traits: ["plan": .string("free")], timestamp: t),
            Message(kind: .track, messageID: "6", userID: "u4", event: "Order Completed", properties: ["revenue": .number(10), "order_id": .string("o2")], timestamp: t),
            Message(kind: .track, messageID: "4", userID: "u1", event: "Order Completed", properties: ["revenue": .number(40), "order_id": .string("o1")], timestamp: t),
        ], source: "test", arrival: t)
        _ = try s.store.createSegment(try JSONTextParser.parse(#"{"name":"pro","condition":{"trait":"plan","op":"eq","value":"pro"},"card":{"objective":"upsell","actions":"call"}}"#))
        _ = try s.store.refresh("pro", asOf: .now)
        return s
    }

    @Test("compare: a segment against the rest with the documented JSON shape; by a trait; errors")
    func compare() async throws {
        let s = try seeded()
        let read = TestServer.bearer(s.read)
        try await s.test { client in
            try await client.execute(uri: "/api/v1/compare?a=pro&kpis=revenue", method: .get, headers: read) { r in
                #expect(r.status == .ok)
                let o = r.json.objectValue
                #expect(o?["a"] == .object(["name": .string("pro"), "size": .number(2)]))
                #expect(o?["b"] == .object(["name": .string("the rest"), "size": .number(2)]))
                let kpi = o?["kpis"]?.arrayValues.first?.objectValue
                #expect(kpi?["kpi"] == .string("revenue"))
                #expect(kpi?["a"] == .number(20))      // (40 + 0) / 2
                #expect(kpi?["b"] == .number(5))       // (0 + 10) / 2
                #expect(kpi?["difference"] == .number(15))
            }
            try await client.execute(uri: "/api/v1/compare?by=plan&kpis=revenue", method: .get, headers: read) { r in
                let names = r.json.objectValue?["comparisons"]?.arrayValues.compactMap { $0.objectValue?["a"]?.objectValue?["name"]?.stringValue }
                #expect(names == ["plan = free", "plan = pro"])
            }
            try await client.execute(uri: "/api/v1/compare", method: .get, headers: read) { #expect($0.status == .badRequest) }
            try await client.execute(uri: "/api/v1/compare?a=nope", method: .get, headers: read) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/api/v1/compare?a=pro&kpis=vibes", method: .get, headers: read) { #expect($0.status == .badRequest) }
        }
    }

    @Test("validate: the five criteria, kept as runs")
    func validate() async throws {
        let s = try seeded()
        try await s.test { client in
            try await client.execute(uri: "/api/v1/segments/pro/validate", method: .post, headers: TestServer.bearer(s.admin)) { r in
                let names = r.json.objectValue?["criteria"]?.arrayValues.compactMap { $0.objectValue?["name"]?.stringValue }
                #expect(names == ["distinct", "measurable", "accessible", "substantial", "actionable"])
            }
            try await client.execute(uri: "/api/v1/segments/pro/validations", method: .get, headers: TestServer.bearer(s.read)) { r in
                #expect(r.json.objectValue?["runs"]?.arrayValues.count == 1)
            }
        }
    }

    @Test("experiments: stable assignment for apps (write key), exposure recorded, outsiders 409, results per variant")
    func experiments() async throws {
        let s = try seeded()
        try await s.test { client in
            let e = #"{"name":"cta","segment":"pro","goal":"Order Completed","variants":["control","treatment"],"split":[50,50]}"#
            try await client.execute(uri: "/api/v1/experiments", method: .post, headers: TestServer.bearer(s.admin), body: ByteBuffer(json: e)) { #expect($0.status == .created) }
            try await client.execute(uri: "/api/v1/experiments", method: .post, headers: TestServer.bearer(s.admin), body: ByteBuffer(json: #"{"name":"x","segment":"pro","goal":"G","split":[70,70]}"#)) {
                #expect($0.status == .unprocessableContent)
            }
            let first = try await client.execute(uri: "/api/v1/experiments/cta/assignment?userId=u1", method: .get, headers: TestServer.bearer(s.write)) { r in
                #expect(r.status == .ok)
                return r.json.objectValue?["variant"]
            }
            let again = try await client.execute(uri: "/api/v1/experiments/cta/assignment?userId=u1", method: .get, headers: TestServer.bearer(s.admin)) { $0.json.objectValue?["variant"] }
            #expect(first == again)
            let expected = try Experiment(name: "cta", segment: "pro", variants: ["control", "treatment"], split: [50, 50], goal: "Order Completed").variant(for: "u1")
            #expect(first == .string(expected))
            try await client.execute(uri: "/api/v1/experiments/cta/assignment?userId=u3", method: .get, headers: TestServer.bearer(s.write)) { #expect($0.status == .conflict) }
            try await client.execute(uri: "/api/v1/experiments/cta/assignment?userId=u1", method: .get, headers: TestServer.bearer(s.read)) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/experiments/cta/results", method: .get, headers: TestServer.bearer(s.read)) { r in
                let exposed = r.json.objectValue?["variants"]?.arrayValues.reduce(0.0) { $0 + ($1.objectValue?["exposed"]?.numberValue ?? 0) }
                #expect(exposed == 1)
            }
        }
    }

    @Test("hypotheses: create, test (observational warning), list with run count")
    func hypotheses() async throws {
        let s = try seeded()
        let admin = TestServer.bearer(s.admin)
        try await s.test { client in
            let h = #"{"name":"orders-early","did":"Order Completed","within_days_of_signup":7,"outcome":"revenue:30"}"#
            try await client.execute(uri: "/api/v1/hypotheses", method: .post, headers: admin, body: ByteBuffer(json: h)) { #expect($0.status == .created) }
            try await client.execute(uri: "/api/v1/hypotheses", method: .post, headers: admin, body: ByteBuffer(json: #"{"name":"bad","did":"X","within_days_of_signup":7,"outcome":"happiness"}"#)) {
                #expect($0.status == .unprocessableContent)
            }
            try await client.execute(uri: "/api/v1/hypotheses/orders-early/test", method: .post, headers: admin) { r in
                #expect(r.status == .ok)
                #expect(r.json.objectValue?["warning"]?.stringValue?.isEmpty == false)
            }
            try await client.execute(uri: "/api/v1/hypotheses", method: .get, headers: TestServer.bearer(s.read)) { r in
                #expect(r.json.objectValue?["hypotheses"]?.arrayValues.first?.objectValue?["runs"] == .number(1))
            }
        }
    }
}
