import Foundation
public import SegmentaCore
import GRDB
import Synchronization

/// SQLite as an ``SQLExecutor``: one statement runs in a read or write transaction of its own on
/// the backend's threads; a transaction of several holds the writer while its body, which awaits,
/// sends its statements to the thread that holds it (``SQLiteTransactionBridge``).
extension SQLiteBackend: SQLExecutor {
    /// SQLite.
    public var dialect: SQLDialect { .sqlite }
    /// The store's clock.
    public var clock: any WallClock { store.clock }

    /// ``SQLExecutor/rows(_:)`` on SQLite.
    public func rows(_ statement: SQLStatement) async throws(SegmentaError) -> [SQLRow] {
        try await run { s throws(SegmentaError) in try s.read { db in try Self.rows(db, statement) } }
    }

    /// ``SQLExecutor/execute(_:)`` on SQLite.
    public func execute(_ statement: SQLStatement) async throws(SegmentaError) {
        try await run { s throws(SegmentaError) in try s.write { db in try Self.execute(db, statement) } }
    }

    /// ``SQLExecutor/transaction(_:)`` on SQLite.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) async throws(SegmentaError) -> T) async throws(SegmentaError) -> T {
        let bridge = SQLiteTransactionBridge()
        let lent = LentStore(store), deadline = QueryDeadline.current
        // The connection is held on a thread of its own for as long as the body runs: not one of
        // the backend's pooled threads, which a body waiting for its task's turn would take from
        // every other caller. The thread lets go of the store before the caller goes on: were it
        // the last to hold it, the store would close there, racing whatever opens the file next.
        let serving = Task { () async -> Result<Void, SegmentaError> in
            await withCheckedContinuation { reply in
                let thread = Thread {
                    let served = QueryDeadline.$current.withValue(deadline) { () -> Result<Void, SegmentaError> in
                        guard let store = lent.take() else { return .failure(SegmentaError(.storage, "the store was closed before the transaction began")) }
                        return Result { () throws(SegmentaError) in try store.write { db in try bridge.serve(db) } }
                    }
                    bridge.close()
                    reply.resume(returning: served)
                }
                thread.name = "segmenta.sqlite.transaction"
                thread.start()
            }
        }
        let outcome: Result<T, SegmentaError>
        do throws(SegmentaError) { outcome = .success(try await body(bridge)) } catch { outcome = .failure(error) }
        bridge.finish(commit: (try? outcome.get()) != nil)
        let served = await serving.value
        switch (outcome, served) {
        case (.failure(let e), _), (.success, .failure(let e)): throw e
        case (.success(let value), .success): return value
        }
    }

    /// The rows of a statement on a connection.
    static func rows(_ db: Database, _ statement: SQLStatement) throws -> [SQLRow] {
        let (sql, arguments) = statement.rendered(.sqlite)
        return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments.map(\.databaseValue))).map { row in
            SQLRow(row.databaseValues.map { value in
                switch value.storage {
                case .null: return .null
                case .int64(let n): return .integer(n)
                case .double(let d): return .real(d)
                case .string(let s): return .text(s)
                case .blob(let data): return .text(String(decoding: data, as: UTF8.self))
                }
            })
        }
    }

    /// Runs a statement on a connection.
    static func execute(_ db: Database, _ statement: SQLStatement) throws {
        let (sql, arguments) = statement.rendered(.sqlite)
        try db.execute(sql: sql, arguments: StatementArguments(arguments.map(\.databaseValue)))
    }
}

/// The store lent to a transaction's thread, taken once (the thread keeps no reference after).
final class LentStore: Sendable {
    private let store: Mutex<SQLiteStore?>

    init(_ store: SQLiteStore) { self.store = Mutex(store) }

    /// The store, the first time; nil after.
    func take() -> SQLiteStore? { store.withLock { held in defer { held = nil }; return held } }
}
