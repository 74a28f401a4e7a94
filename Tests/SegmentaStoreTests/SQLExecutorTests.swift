import Foundation
import SegmentaCore
import Testing
@testable import SegmentaStore

/// The statements layer the shared store rules run on (``SQLExecutor``), on every SQL backend:
/// values come back the same, arguments are data, a transaction is all or nothing, and a
/// transaction's session cannot be used once it ended.
@Suite struct SQLExecutorTests {
    static func executor(_ store: any EventsElsewherePrimary) throws -> any SQLExecutor {
        try #require(store as? any SQLExecutor)
    }

    @Test("values and arguments come back the same on every backend", arguments: ContractBackend.available)
    func values(backend: ContractBackend) async throws {
        try await backend.with { store in
            let sql = try Self.executor(store)
            let row = try #require(try await sql.rows("SELECT 42, NULL, 'é', 1.5").first)
            #expect(row.values == [.integer(42), .null, .text("é"), .real(1.5)])
            let name = "a'b\"); DROP TABLE api_keys; --"
            let key = APIKey(id: "k1", kind: .admin, name: name, prefix: "sga_1", createdAt: Timestamp(milliseconds: 5))
            try await store.insertKey(key, hash: "h")
            let back = try await sql.rows("SELECT name, created_at, revoked_at FROM api_keys WHERE name = \(name)")
            #expect(back.map(\.values) == [[.text(name), .integer(5), .null]])
        }
    }

    @Test("a transaction is all or nothing, and several at once each see their own", arguments: ContractBackend.available)
    func transactions(backend: ContractBackend) async throws {
        try await backend.with { store in
            let sql = try Self.executor(store)
            try await store.insertKey(APIKey(id: "k", kind: .admin, name: "k", prefix: "sga_k", createdAt: Timestamp(milliseconds: 1)), hash: "h")
            @Sendable func insert(_ s: any SQLSession, _ id: String) async throws(SegmentaError) {
                try await s.execute("INSERT INTO dashboard_sessions (id_hash, key_id, kind, csrf, expires_at) VALUES (\(id), 'k', 'admin', 'c', \(Int64(9)))")
            }
            // Rolled back: the first insert is undone when the body throws; the error is the body's.
            await #expect(throws: SegmentaError.self) {
                try await sql.transaction { s throws(SegmentaError) in
                    try await insert(s, "gone")
                    throw SegmentaError(.conflict, "changed my mind")
                }
            }
            // Twenty at once, two rows each, one of them failing half-way.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        do {
                            try await sql.transaction { s throws(SegmentaError) in
                                try await insert(s, "t\(i)a")
                                if i == 7 { throw SegmentaError(.conflict, "half-way") }
                                try await insert(s, "t\(i)b")
                            }
                        } catch where i == 7 {}
                    }
                }
                try await group.waitForAll()
            }
            let ids = try await sql.rows("SELECT id_hash FROM dashboard_sessions ORDER BY id_hash").map { try $0.text(0) }
            #expect(ids == (0..<20).filter { $0 != 7 }.flatMap { ["t\($0)a", "t\($0)b"] }.sorted())
            // A session kept past its transaction refuses statements.
            let kept = try await sql.transaction { s throws(SegmentaError) in s }
            await #expect(throws: SegmentaError.self) { _ = try await kept.rows("SELECT 1") }
        }
    }
}

/// The analysis runs written once above the executor, on every SQL backend, against a history
/// written by hand.
@Suite struct AnalysisRunsOnEveryBackendTests {
    @Test("runs listed by subject, their dates, the high-water id and pruning", arguments: ContractBackend.available)
    func runs(backend: ContractBackend) async throws {
        try await backend.with { store in
            let t1 = Timestamp(milliseconds: 86_400_000), t2 = Timestamp(milliseconds: 2 * 86_400_000), t3 = Timestamp(milliseconds: 3 * 86_400_000)
            for (kind, subject, asOf) in [("validation", "a'b", t1), ("validation", "a'b", t2), ("validation", "c", t2)] {
                try await store.recordAnalysis(kind: kind, asOf: asOf, parameters: ["subject": .string(subject)], summary: ["n": 1], values: [], at: asOf)
            }
            try await store.recordAnalysis(kind: "rfm", asOf: t3, parameters: [:], summary: [:], values: [], at: t3)
            #expect(try await store.analysisRuns(kind: "validation", parameter: "a'b").map(\.asOf) == [t1, t2])
            #expect(try await store.analysisRuns(kind: "validation", parameter: nil).map { $0.parameters.objectValue?["subject"] } == ["a'b", "a'b", "c"])
            #expect(try await store.analysisRuns(kind: "validation", parameter: "c").first?.summary == ["n": 1])
            #expect(try await store.analysisDates(kind: "validation") == [t2, t1])
            #expect(try await store.analysisHighWater(kinds: ["validation"]) == 3)
            #expect(try await store.analysisHighWater(kinds: ["validation", "rfm"]) == 4)
            #expect(try await store.analysisHighWater(kinds: ["none"]) == 0)
            #expect(try await store.analysisHighWater(kinds: []) == 0)
            #expect(try await store.pruneAnalysisRuns(kind: "validation", subject: "a'b", keep: 1) == 1)
            #expect(try await store.analysisRuns(kind: "validation", parameter: "a'b").map(\.asOf) == [t2])
            #expect(try await store.pruneAnalysisRuns(kind: "validation", subject: "a'b", keep: 1) == 0)
            #expect(try await store.analysisRuns(kind: "validation", parameter: "c").count == 1)
        }
    }
}

/// A segment's versions, read once above the executor, on every SQL backend.
@Suite struct SegmentVersionsOnEveryBackendTests {
    @Test("every edit is a version, oldest first, each read back parsed", arguments: ContractBackend.available)
    func versions(backend: ContractBackend) async throws {
        try await backend.with { store in
            _ = try await store.createSegment(["name": "pro", "condition": ["trait": "plan", "op": "eq", "value": "pro"]], allowUnknownComputed: false)
            _ = try await store.updateSegment(["name": "pro", "condition": ["trait": "plan", "op": "in", "value": ["pro", "team"]]], allowUnknownComputed: false)
            let versions = try await store.versions(of: "pro")
            #expect(versions.map(\.version) == [1, 2])
            #expect(versions.map { $0.definition.condition } == [try ConditionParser.condition(["trait": "plan", "op": "eq", "value": "pro"]),
                                                                 try ConditionParser.condition(["trait": "plan", "op": "in", "value": ["pro", "team"]])])
            #expect(try await store.versions(of: "nobody").isEmpty)
        }
    }
}
