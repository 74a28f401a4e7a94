import Foundation
import Testing
@testable import SegmentaCore
@testable import SegmentaStore

/// The ClickHouse the tests run against: `SEGMENTA_TEST_CLICKHOUSE` (a 2-shard cluster on
/// loopback that `bash tests/clickhouse/server.sh start` starts, as CI does). Each test gets a
/// database of its own on every host, dropped at the end.
enum ClickHouseCluster {
    static var url: String? {
        ProcessInfo.processInfo.environment["SEGMENTA_TEST_CLICKHOUSE"].flatMap { $0.isEmpty ? nil : $0 }
    }
    static var configured: Bool { url != nil }

    /// Runs `body` with an event store in a fresh database (tables created).
    static func with(_ body: (ClickHouseEventStore, ClickHouseURL) async throws -> Void) async throws {
        guard let text = url else { return }
        var url = try ClickHouseURL(text)
        url.database = "segmenta_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let store = ClickHouseEventStore(url: url)
        try await store.migrate()
        do { try await body(store, url) } catch {
            try? await drop(url)
            throw error
        }
        try await drop(url)
    }

    static func drop(_ url: ClickHouseURL) async throws {
        let client = ClickHouseClient(url)
        for host in url.hosts { try await client.execute("DROP DATABASE IF EXISTS \(url.database)", on: host, database: false) }
    }

    /// Writes the primary store's identities (with each profile's signup) to ClickHouse.
    static func recordIdentities(of primary: any Storage, into events: ClickHouseEventStore, version: UInt64) async throws {
        let signups = try await primary.signupTimes()
        try await events.record(try await primary.identityMap().map { .init(id: $0.id, profile: $0.profile, signup: signups[$0.profile]) }, version: version)
    }
}
