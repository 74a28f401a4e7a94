public import SegmentaCore
import PostgresNIO

/// PostgreSQL as an ``SQLExecutor``: statements rendered with `$n` placeholders, on one pooled
/// connection in a read-only or a write transaction.
extension PostgresBackend: SQLExecutor {
    /// PostgreSQL.
    public var dialect: SQLDialect { .postgres }

    /// ``SQLExecutor/rows(_:)`` on PostgreSQL.
    public func rows(_ statement: SQLStatement) async throws(SegmentaError) -> [SQLRow] {
        try await read { pg in try await PostgresSession(pg: pg, backend: self).rows(statement) }
    }

    /// ``SQLExecutor/execute(_:)`` on PostgreSQL.
    public func execute(_ statement: SQLStatement) async throws(SegmentaError) {
        try await write { pg in try await PostgresSession(pg: pg, backend: self).execute(statement) }
    }

    /// ``SQLExecutor/transaction(_:)`` on PostgreSQL.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) async throws(SegmentaError) -> T) async throws(SegmentaError) -> T {
        try await write { pg in
            let session = PostgresSession(pg: pg, backend: self)
            defer { session.close() }
            return try await body(session)
        }
    }
}
