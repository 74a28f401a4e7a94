import SegmentaCore
import GRDB
import GRDBSQLite
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A time limit on the SQL a piece of work runs: the server sets one around each request
/// (``SQLiteStore`` then installs an SQLite progress handler that interrupts any statement still
/// running past it), so that no request can hold a connection, or the server's shutdown, for
/// longer. Reads and writes under the limit that run out fail with a `timeout` error; a write is
/// rolled back whole. The CLI and scheduled recomputes set none.
public enum QueryDeadline {
    /// The deadline of the current work, in monotonic nanoseconds (nil: no limit).
    @TaskLocal public static var current: UInt64?

    /// The deadline `limit` from now.
    public static func deadline(after limit: Duration) -> UInt64 {
        let (seconds, attoseconds) = limit.components
        return now() &+ UInt64(clamping: max(0, seconds)) &* 1_000_000_000 &+ UInt64(clamping: max(0, attoseconds / 1_000_000_000))
    }

    /// Runs `body` with a limit of `limit` from now.
    public static func with<T>(_ limit: Duration, _ body: () throws -> T) rethrows -> T {
        try $current.withValue(deadline(after: limit), operation: body)
    }

    /// Monotonic nanoseconds.
    static func now() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
    }

    /// Set once a server's shutdown grace period has passed: every SQL statement still running
    /// (analyses and recomputes have no time limit) is interrupted and its transaction rolled back.
    private static let stopped = Atomic<Bool>(false)

    /// Stops all SQL work of this process from now on (see ``stopped``).
    public static func stopEverything() { stopped.store(true, ordering: .releasing) }

    /// Whether ``stopEverything()`` was called.
    public static var isStopped: Bool { stopped.load(ordering: .acquiring) }

    /// Runs `body` on `db` with the current deadline enforced, if there is one, and the
    /// process-wide stop (``stopEverything()``) always.
    static func enforce<T>(_ db: Database, _ body: (Database) throws -> T) throws -> T {
        guard let connection = db.sqliteConnection else { return try body(db) }
        if isStopped { throw SegmentaError(.cancelled, stoppedMessage) }
        let deadline = current ?? .max
        if now() > deadline { throw SegmentaError(.timeout, timeoutMessage) }
        let box = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        box.initialize(to: deadline)
        // Every 10,000 virtual-machine instructions SQLite asks whether to go on; non-zero interrupts.
        sqlite3_progress_handler(connection, 10_000, { context in
            guard let context else { return 0 }
            return QueryDeadline.isStopped || QueryDeadline.now() > context.load(as: UInt64.self) ? 1 : 0
        }, box)
        defer {
            sqlite3_progress_handler(connection, 0, nil, nil)
            box.deallocate()
        }
        do {
            return try body(db)
        } catch let e as DatabaseError where e.resultCode == .SQLITE_INTERRUPT {
            if isStopped { throw SegmentaError(.cancelled, stoppedMessage, underlying: e) }
            throw SegmentaError(.timeout, timeoutMessage, underlying: e)
        }
    }

    static let stoppedMessage = "the server is shutting down: the work was stopped and nothing of it was saved"

    static let timeoutMessage = "the query took longer than the server's time limit (--query-time-limit) and was stopped; narrow it (a shorter window, a smaller segment) or raise the limit"
}
