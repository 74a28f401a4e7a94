public import SegmentaCore
import Foundation
import PostgresNIO
import NIOSSL
import Logging

/// A `postgres://user:password@host:port/database?sslmode=…` URL, read the way `psql` reads one:
/// port 5432, user `postgres`, database named like the user, the password from `PGPASSWORD` when
/// the URL has none, and `sslmode` `prefer` unless said (`disable`, `prefer` or `require`). A
/// malformed URL is refused with what to write instead.
public struct PostgresURL: Sendable {
    var configuration: PostgresClient.Configuration
    /// The same target for one connection (the check made before the pool starts).
    let host: String, port: Int, user: String, password: String?, database: String, sslmode: String
    /// `host:port/database`, for messages (never the password).
    public var location: String

    /// Parses a URL.
    public init(_ text: String) throws(SegmentaError) {
        let example = "write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE, e.g. postgres://segmenta@127.0.0.1:5432/segmenta"
        guard let url = URLComponents(string: text), let scheme = url.scheme, ["postgres", "postgresql"].contains(scheme.lowercased()) else {
            throw SegmentaError(.invalidInput, "\"\(Self.redacted(text))\" is not a PostgreSQL URL; \(example)")
        }
        guard let host = url.host, !host.isEmpty else { throw SegmentaError(.invalidInput, "the PostgreSQL URL names no host; \(example)") }
        let port = url.port ?? 5432
        guard (1...65535).contains(port) else { throw SegmentaError(.invalidInput, "port \(port) is not a TCP port; \(example)") }
        let user = url.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? "postgres"
        // Without a password in the URL, PGPASSWORD (as psql reads it): keeps it out of `ps`.
        let password = url.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
            ?? ProcessInfo.processInfo.environment["PGPASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        let database = path.isEmpty ? user : path
        let tls: PostgresClient.Configuration.TLS
        let sslmode = url.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer"
        switch sslmode {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require": tls = .require(.makeClientConfiguration())
        case let other: throw SegmentaError(.invalidInput, "sslmode=\(other) is not supported; use disable, prefer or require")
        }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.maximumConnections = 20
        configuration.options.connectTimeout = .seconds(5)
        self.configuration = configuration
        location = "\(host):\(port)/\(database)"
        (self.host, self.port, self.user, self.password, self.database, self.sslmode) = (host, port, user, password, database, sslmode)
    }

    /// Connects once and closes: a wrong URL, an unreachable server or refused credentials fail
    /// here at once with the server's reason (the pool itself would keep retrying).
    func check(logger: Logger) async throws(SegmentaError) {
        do {
            let tls: PostgresConnection.Configuration.TLS
            switch sslmode {
            case "disable": tls = .disable
            case "require": tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            default: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            var configuration = PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
            configuration.options.connectTimeout = .seconds(5)
            let connection = try await PostgresConnection.connect(on: PostgresClient.defaultEventLoopGroup.next(), configuration: configuration, id: 0, logger: logger).get()
            try await connection.close()
        } catch let e as PSQLError {
            throw SegmentaError(.storage, "cannot open the PostgreSQL store at \(location): \(PostgresBackend.describe(e)). Check --store or SEGMENTA_STORE.", underlying: e)
        } catch {
            throw SegmentaError(.storage, "cannot open the PostgreSQL store at \(location): \(error). Check --store or SEGMENTA_STORE.")
        }
    }

    /// The URL without its password, for messages.
    public static func redacted(_ text: String) -> String {
        guard var url = URLComponents(string: text), url.password != nil else { return text }
        url.password = "…"
        return url.string ?? text
    }
}
