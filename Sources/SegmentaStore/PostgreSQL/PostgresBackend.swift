public import SegmentaCore
public import Logging
import PostgresNIO
import Synchronization

/// The PostgreSQL store behind the storage protocols (``Storage``), on postgres-nio: one
/// `PostgresClient` (a connection pool) that must be running while the backend is used — run it
/// with ``run()`` as a service (the server), or use ``with(url:logger:_:)`` (commands, tests).
///
/// The schema is the SQLite one in PostgreSQL types: times as `bigint` milliseconds, amounts as
/// `double precision`, traits, properties and computed traits as `jsonb`, ids with the `C`
/// collation (byte order, as SQLite). Every statement binds its values; every write is one
/// transaction.
public struct PostgresBackend: EventsElsewherePrimary {
    let client: PostgresClient
    let logger: Logger
    /// The time of day the store stamps rows with.
    public let clock: any WallClock
    /// Where it connects, for messages (`host:port/database`, never the password).
    public let location: String
    let target: PostgresURL

    /// A backend for a `postgres://` URL; nothing is connected until ``run()`` runs. The pool's
    /// own retries log at `info` and below; `logger` decides whether they show.
    public init(url: String, logger: Logger = PostgresBackend.quietLogger, clock: any WallClock = SystemClock()) throws(SegmentaError) {
        self.clock = clock
        target = try PostgresURL(url)
        client = PostgresClient(configuration: target.configuration, backgroundLogger: logger)
        self.logger = logger
        location = target.location
    }

    /// A logger that shows warnings and errors only.
    public static var quietLogger: Logger {
        var logger = Logger(label: "segmenta.postgres")
        logger.logLevel = .warning
        return logger
    }

    /// Checks that the server answers with these credentials (one connection, failing fast with
    /// the server's reason), then brings the schema up to date. Call with the pool running.
    public func open() async throws(SegmentaError) {
        try await target.check(logger: logger)
        try await migrate()
    }

    /// Runs the connection pool until the task is cancelled.
    public func run() async { await client.run() }

    /// Runs `body` with a backend for `url` (migrated first, unless told not to), the pool
    /// running around it.
    public static func with<T>(url: String, logger: Logger = PostgresBackend.quietLogger, migrating: Bool = true,
                               _ body: (PostgresBackend) async throws -> T) async throws -> T {
        let backend = try PostgresBackend(url: url, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await backend.run() }
            defer { group.cancelAll() }
            if migrating { try await backend.open() } else { try await backend.target.check(logger: logger) }
            return try await body(backend)
        }
    }

    // MARK: - running statements

    /// Runs `body` on one connection in one transaction (rolled back on any error).
    func write<T: Sendable>(_ body: (PG) async throws -> T) async throws(SegmentaError) -> T {
        do {
            return try await client.withConnection { connection in
                try await PG(connection: connection, logger: logger).transaction("BEGIN", body)
            }
        } catch {
            throw mapped(error, doing: "write (nothing was changed)")
        }
    }

    /// Runs `body` on one connection, in a read-only transaction (one consistent snapshot).
    func read<T: Sendable>(_ body: (PG) async throws -> T) async throws(SegmentaError) -> T {
        do {
            return try await client.withConnection { connection in
                try await PG(connection: connection, logger: logger).transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
            }
        } catch {
            throw mapped(error, doing: "read")
        }
    }

    /// A ``SegmentaError`` that says what failed, from a driver error (server messages are kept;
    /// postgres-nio's own description hides them).
    func mapped(_ error: any Error, doing what: String) -> SegmentaError {
        if let e = error as? SegmentaError { return e }
        if let e = error as? PSQLError {
            if e.serverInfo?[.sqlState] == "57014" {
                return SegmentaError(.timeout, QueryDeadline.timeoutMessage, underlying: e)
            }
            return SegmentaError(.storage, "PostgreSQL \(what) failed at \(location): \(Self.describe(e))", underlying: e)
        }
        return SegmentaError(.storage, "PostgreSQL \(what) failed at \(location): \(error)")
    }

    /// A one-line description of a driver error: the server's message, or what went wrong with the connection.
    static func describe(_ e: PSQLError) -> String {
        if let message = e.serverInfo?[.message] {
            let detail = e.serverInfo?[.detail].map { " (\($0))" } ?? ""
            return message + detail
        }
        switch e.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed:
            let cause = e.underlying.map { "\($0)" } ?? "\(e.code)"
            return "cannot connect (\(cause)); check that the server is running and that host, port, user and database in the URL are right"
        case .sslUnsupported:
            return "the server does not support TLS; connect with ?sslmode=disable or enable TLS on the server"
        default:
            return "\(e.code)" + (e.underlying.map { ": \($0)" } ?? "")
        }
    }
}

/// One connection's statements, as the backend runs them.
struct PG: Sendable {
    let connection: PostgresConnection
    let logger: Logger

    /// Runs a statement, discarding rows.
    func execute(_ query: PostgresQuery) async throws {
        try await whileOpen { [connection, logger] in try await connection.query(query, logger: logger).consume() }
    }

    /// Every row of a query.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await whileOpen { [connection, logger] in try await connection.query(query, logger: logger).collect() }
    }

    /// `body` in a transaction opened by `begin`: committed when it returns, rolled back when it throws.
    /// (Not postgres-nio's `withTransaction`: its `ROLLBACK` after a lost connection could wait forever.)
    nonisolated(nonsending) func transaction<T>(_ begin: PostgresQuery, _ body: (PG) async throws -> T) async throws -> T {
        try await execute(begin)
        do {
            try await applyDeadline()
            let result = try await body(self)
            try await execute("COMMIT")
            return result
        } catch {
            try? await execute("ROLLBACK")
            throw error
        }
    }

    /// A statement's answer, or an error as soon as the connection closes. postgres-nio (1.33) can
    /// leave a statement waiting forever when its connection closes under it (a database restart):
    /// the statement is written to a closed channel and its answer never comes. The storage-fault
    /// tests saw the ingestion writer stop for good that way. The statement runs in a task of its
    /// own, so that the caller can go on (and the pool replace the connection) while it waits.
    func whileOpen<T: Sendable>(_ statement: @escaping @Sendable () async throws -> T) async throws -> T {
        let race = ClosedRace<T>()
        let closed = connection.closeFuture
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { c in
                race.caller.withLock { $0 = c }
                let work = Task {
                    do {
                        let value = try await statement()
                        race.take()?.resume(returning: value)
                    } catch {
                        race.take()?.resume(throwing: error)
                    }
                }
                race.work.withLock { $0 = work }
                closed.whenComplete { _ in
                    guard let c = race.take() else { return }
                    work.cancel()
                    c.resume(throwing: SegmentaError(.storage, "the connection to PostgreSQL closed during the statement (the server restarted or went away); nothing of it was committed"))
                }
            }
        } onCancel: { [connection] in
            // A server past its shutdown grace, a lookup past its bound: the caller goes on, and
            // the connection is closed, so that the server rolls its transaction back and the
            // pool never lends it again with a statement or a transaction still open on it.
            guard let c = race.take() else { return }
            race.work.withLock { $0 }?.cancel()
            Task { try? await connection.close() }
            c.resume(throwing: SegmentaError(.cancelled, "the statement was cancelled (the server is shutting down, or the storage did not answer in time); nothing of it was committed"))
        }
    }

    /// The first column of the first row, nil without rows (or when it is NULL).
    func value<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type = T.self) async throws -> T? where T._DecodableType == T {
        guard let row = try await rows(query).first else { return nil }
        return try row.decode(T?.self)
    }

    /// Whether a query returns any row.
    func exists(_ query: PostgresQuery) async throws -> Bool { try await !rows(query).isEmpty }

    /// The first column of every row.
    func column<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type = T.self) async throws -> [T] {
        try await rows(query).map { try $0.decode(T.self) }
    }

    /// A statement built at run time (segment conditions) with its arguments bound.
    static func query(_ sql: String, _ arguments: [SQLArgument]) -> PostgresQuery {
        var binds = PostgresBindings(capacity: arguments.count)
        for a in arguments {
            switch a {
            case .null: binds.appendNull()
            case .integer(let i): binds.append(i)
            case .real(let d): binds.append(d)
            case .text(let s): binds.append(s)
            case .textArray(let list): binds.append(list)
            }
        }
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    /// Sets the statement time limit of the request this work belongs to, if it has one.
    func applyDeadline() async throws {
        guard let deadline = QueryDeadline.current else { return }
        let now = QueryDeadline.now()
        guard deadline > now else { throw SegmentaError(.timeout, QueryDeadline.timeoutMessage) }
        let ms = max(1, Int((deadline - now) / 1_000_000))
        try await execute("SELECT set_config('statement_timeout', \(String(ms)), true)")
    }
}

/// The caller of ``PG/whileOpen(_:)``, resumed once: by the statement's answer or by the connection closing.
private final class ClosedRace<T: Sendable>: Sendable {
    let caller = Mutex<CheckedContinuation<T, any Error>?>(nil)
    let work = Mutex<Task<Void, Never>?>(nil)
    func take() -> CheckedContinuation<T, any Error>? { caller.withLock { $0.take() } }
}

extension PostgresRowSequence {
    /// Reads and drops every row (so that the connection is free for the next statement).
    func consume() async throws { for try await _ in self {} }
}

extension PostgresBackend {
    /// Runs one statement outside any transaction (`CREATE DATABASE`, `DROP DATABASE`); the text
    /// must come from code, never from input.
    func executeOutsideTransaction(_ sql: String) async throws(SegmentaError) {
        do {
            try await client.withConnection { connection in
                try await PG(connection: connection, logger: logger).execute(PostgresQuery(unsafeSQL: sql))
            }
        } catch {
            throw mapped(error, doing: "statement")
        }
    }
}
