import Foundation
import Testing
@testable import SegmentaCore
@testable import SegmentaStore

/// `store copy` between backends: every table arrives, reads answer the same, a target that
/// already holds data is refused and left as it was.
@Suite struct StoreCopyTests {
    static func t(_ s: String) -> Timestamp { (try? Timestamp.parse(s)) ?? Timestamp(milliseconds: 0) }

    /// A store with something in most tables.
    static func fill(_ store: any Storage) async throws {
        let at = t("2026-03-01T12:00:00Z")
        _ = try await store.apply([
            Message(kind: .identify, messageID: "m1", userID: "ada", anonymousID: "x1", traits: ["plan": "pro", "email": "ada@example.com"], timestamp: at),
            Message(kind: .track, messageID: "m2", userID: "ada", event: "Order Completed", properties: ["revenue": 42.1, "order_id": "o-1"], timestamp: at),
            Message(kind: .group, messageID: "m3", userID: "ada", traits: ["industry": "fintech"], groupID: "acme", timestamp: at),
            Message(kind: .identify, messageID: "m4", userID: "bob", traits: ["plan": "free", "consent": ["marketing": false]], timestamp: at),
        ], source: "web", arrival: at)
        _ = try await store.importOrders([Order(id: "o-2", customerID: "bob", timestamp: at.adding(days: 1), amount: 9.99, currency: "EUR")], source: "file")
        var rows = ComputedTraitRows(names: ["rfm_segment"])
        rows.append("ada", [.string("Champions")])
        try await store.replaceComputedTraits(rows, computedAt: at)
        try await store.recordAnalysis(kind: "rfm", asOf: at, parameters: .object([:]), summary: .object(["n": 2]), values: [("ada", "Champions"), ("bob", "Lost")], at: at)
        _ = try await store.createSegment(try JSONTextParser.parse(#"{"name":"pro","condition":{"trait":"plan","op":"eq","value":"pro"}}"#), allowUnknownComputed: false)
        _ = try await store.createWebhook(segment: "pro", url: "https://crm.example.com/hook", secret: "a-long-random-secret")
        _ = try await store.refresh("pro", asOf: at.adding(days: 2))
        try await store.insertKey(APIKey(id: "k1", kind: .admin, name: "admin", prefix: "sga_1234", createdAt: at), hash: "h1")
        _ = try await store.deletePeople(["nobody"], suppress: true, requestID: "r1")
    }

    /// What the copy must keep, read through the protocols.
    static func facts(_ store: any Storage) async throws -> [String] {
        let totals = try await store.customerTotals(before: nil)
        return [
            "\(try await store.counts())",
            "\(totals.ids) \(totals.monetary) \(totals.count)",
            try await store.profileDetail("x1")?.json.jsonText ?? "none",
            "\(try await store.members(of: "pro")) \(try await store.history(of: "pro").map(\.size))",
            "\(try await store.dueWebhookDeliveries(now: t("2030-01-01")).map(\.body))",
            "\(try await store.keys().map(\.id)) \(try await store.activeKey(hash: "h1")?.id ?? "-")",
            "\(try await store.suppressed(among: ["nobody", "ada"]))",
            "\(try await store.sortedAnalysisValues(kind: "rfm", asOf: t("2027-01-01"))?.map { "\($0.profile)=\($0.value)" } ?? [])",
            "\(try await store.computedTraitValues("rfm_segment"))",
        ]
    }

    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("copy-\(UUID().uuidString).sqlite").path
    }

    @Test(arguments: ContractBackend.available)
    func everyTableArrivesAndReadsAnswerTheSame(through middle: ContractBackend) async throws {
        let sourcePath = Self.temporaryPath(), backPath = Self.temporaryPath(), middlePath = Self.temporaryPath()
        defer { for p in [sourcePath, backPath, middlePath] { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: p + s) } } }
        let source = try SQLiteStore(path: sourcePath)
        try await Self.fill(source.backend)
        let expected = try await Self.facts(source.backend)
        let back = try SQLiteStore(path: backPath)
        try await middle.with { store in
            let target: StoreCopy.Endpoint
            if let pg = store as? PostgresBackend { target = .postgres(pg) } else { target = .sqlite(try SQLiteStore(path: middlePath), path: middlePath) }
            let copied = try await StoreCopy.run(from: .sqlite(source, path: sourcePath), to: target)
            #expect(copied.first { $0.table == "events" }?.rows == 4)
            if case .postgres = target { #expect(try await Self.facts(store) == expected) }
            _ = try await StoreCopy.run(from: target, to: .sqlite(back, path: backPath))
        }
        #expect(try await Self.facts(back.backend) == expected)
        // Copying into a store that holds data is refused, and changes nothing there.
        await #expect(throws: SegmentaError.self) { _ = try await StoreCopy.run(from: .sqlite(source, path: sourcePath), to: .sqlite(back, path: backPath)) }
        #expect(try await Self.facts(back.backend) == expected)
    }
}
