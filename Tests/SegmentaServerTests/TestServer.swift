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
        var config = ServerConfiguration()
        config.refreshInterval = nil
        config.webhookRetryBase = .milliseconds(100)
        config.webhookNetworks.allowLoopback = true   // the tests' receivers listen on 127.0.0.1
        config.webhookPollInterval = nil   // tests deliver with parts.webhooks.deliverDue(), without waiting
        config.supportCardSecret = TestServer.cardSecret
        configure(&config)
        store = try SQLiteStore(clock: config.clock)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        parts = try ServerParts(storage: store.backend, configuration: config, logger: logger)
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

    /// The secret the support card is signed with in tests.
    static let cardSecret = "helpdesk-card-secret-0123"
}

extension TestResponse {
    /// The body as JSON.
    var json: JSONValue { (try? JSONTextParser.parse(String(buffer: body))) ?? .null }
}

extension ByteBuffer {
    init(json: String) { self.init(string: json) }
}

extension APIKeys {
    /// Creates a key in an SQLite store, synchronously (a fresh token cannot be stored already): for test set-ups.
    static func create(_ kind: APIKey.Kind, name: String, in store: SQLiteStore) throws(SegmentaError) -> (key: APIKey, token: String) {
        let token = prefix(kind) + randomHex(bytes: 32)
        let key = APIKey(id: randomHex(bytes: 6), kind: kind, name: name, prefix: String(token.prefix(12)), createdAt: .now)
        try store.insertKey(key, hash: hash(token))
        return (key, token)
    }
}
