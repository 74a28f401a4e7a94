public import SegmentaCore

/// What a SQL backend offers the rules written once above it: statements rendered in the
/// backend's dialect, one at a time in their own transaction or several in one. Inside
/// ``transaction(_:)`` use the session only: another write on the same backend would wait for
/// the transaction that waits for it. SQLite and PostgreSQL
/// implement it; the store protocols' rules that are only SQL (keys, sessions, …) are written once
/// against it (`AccessStore+SQL`), instead of once per backend.
public protocol SQLExecutor: Sendable {
    /// The dialect statements are rendered in (for the few fragments written per dialect).
    var dialect: SQLDialect { get }
    /// Where the time stamped on rows comes from.
    var clock: any WallClock { get }
    /// The rows of one statement that reads, in a read transaction of its own.
    func rows(_ statement: SQLStatement) async throws(SegmentaError) -> [SQLRow]
    /// Runs one statement that changes rows, in a write transaction of its own.
    func execute(_ statement: SQLStatement) async throws(SegmentaError)
    /// Runs `body` in one write transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) async throws(SegmentaError) -> T) async throws(SegmentaError) -> T
}

/// Statements inside one transaction (``SQLExecutor/transaction(_:)``).
public protocol SQLSession: Sendable {
    /// The rows of a statement (a write with `RETURNING` too).
    func rows(_ statement: SQLStatement) async throws(SegmentaError) -> [SQLRow]
    /// Runs a statement.
    func execute(_ statement: SQLStatement) async throws(SegmentaError)
}
