import Foundation
import Testing
@testable import SegmentaCore
@testable import SegmentaStore

/// The backends the storage contract runs on: SQLite always, PostgreSQL when
/// `SEGMENTA_TEST_POSTGRES` names a server (`bash tests/postgres/server.sh start` starts one).
/// Each test gets an empty store: an in-memory SQLite database, or a new PostgreSQL database
/// dropped at the end.
enum ContractBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    /// The backends configured here.
    static var available: [ContractBackend] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["SEGMENTA_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    var testDescription: String { rawValue }

    /// Runs `body` with an empty store of this backend.
    func with(_ body: @Sendable (any EventsElsewherePrimary) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            try await body(try SQLiteStore().backend)
        case .postgres:
            guard let admin = Self.postgresURL, var url = URLComponents(string: admin) else { return }
            let name = "segmenta_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            try await PostgresBackend.with(url: admin, migrating: false) { server in
                try await server.executeOutsideTransaction("CREATE DATABASE \(name)")
            }
            url.path = "/" + name
            do {
                try await PostgresBackend.with(url: url.string ?? admin) { backend in try await body(backend) }
            } catch {
                try? await Self.drop(name, admin: admin)
                throw error
            }
            try await Self.drop(name, admin: admin)
        }
    }

    static func drop(_ name: String, admin: String) async throws {
        try await PostgresBackend.with(url: admin, migrating: false) { server in
            try await server.executeOutsideTransaction("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }
}
