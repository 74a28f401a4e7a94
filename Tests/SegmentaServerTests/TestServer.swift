import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SegmentaCore
import SegmentaServer
import SegmentaStore

/// A server over a fresh in-memory store, with one key of each kind.
struct TestServer {
    let store: SQLiteStore
    let parts: ServerParts
    let write: String, read: String, admin: String

    init(configure: (inout ServerConfiguration) -> Void = { _ in }) throws {
        store = try SQLiteStore()
        var config = ServerConfiguration()
        config.refreshInterval = nil
        config.webhookRetryBase = .milliseconds(100)
        config.webhookNetworks.allowLoopback = true   // the tests' receivers listen on 127.0.0.1
        configure(&config)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        parts = ServerParts(store: store, configuration: config, logger: logger)
        write = try APIKeys.create(.write, name: "w", in: store).token
        read = try APIKeys.create(.read, name: "r", in: store).token
        admin = try APIKeys.create(.admin, name: "a", in: store).token
    }

    func test<T>(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        try await buildApplication(parts).test(.router, body)
    }

    static func basic(_ key: String, colon: Bool = true) -> HTTPFields {
        [.authorization: "Basic " + Data((key + (colon ? ":" : "")).utf8).base64EncodedString()]
    }

    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer " + token] }
}

extension TestResponse {
    /// The body as JSON.
    var json: JSONValue { (try? JSONTextParser.parse(String(buffer: body))) ?? .null }
}

extension ByteBuffer {
    init(json: String) { self.init(string: json) }
}
