public import SegmentaCore
import Foundation
import PostgresNIO
import Synchronization

/// One PostgreSQL transaction's statements (``SQLSession``): each value decoded by its column's
/// type into the values both SQL backends give. Closed when its transaction ends: its connection
/// goes back to the pool, so a statement sent later fails instead of running outside it.
final class PostgresSession: SQLSession {
    let pg: PG
    let backend: PostgresBackend
    private let open = Mutex(true)

    init(pg: PG, backend: PostgresBackend) {
        self.pg = pg
        self.backend = backend
    }

    /// The transaction ended.
    func close() { open.withLock { $0 = false } }

    private func checkOpen() throws(SegmentaError) {
        guard open.withLock({ $0 }) else { throw SegmentaError(.storage, "a statement was sent after its transaction ended; nothing was run") }
    }

    /// ``SQLSession/rows(_:)`` on PostgreSQL.
    func rows(_ statement: SQLStatement) async throws(SegmentaError) -> [SQLRow] {
        try checkOpen()
        let (sql, arguments) = statement.rendered(.postgres)
        do {
            return try await pg.rows(PG.query(sql, arguments)).map(Self.row)
        } catch {
            throw backend.mapped(error, doing: "statement")
        }
    }

    /// ``SQLSession/execute(_:)`` on PostgreSQL.
    func execute(_ statement: SQLStatement) async throws(SegmentaError) {
        try checkOpen()
        let (sql, arguments) = statement.rendered(.postgres)
        do {
            try await pg.execute(PG.query(sql, arguments))
        } catch {
            throw backend.mapped(error, doing: "statement")
        }
    }

    /// A row's values by their column types: integers and booleans as integers, floating and
    /// numeric values as reals, anything else as its text.
    static func row(_ row: PostgresRow) throws -> SQLRow {
        var values: [SQLArgument] = []
        for cell in row {
            guard cell.bytes != nil else { values.append(.null); continue }
            switch cell.dataType {
            case .int2, .int4, .int8: values.append(.integer(try cell.decode(Int64.self)))
            case .bool: values.append(.integer(try cell.decode(Bool.self) ? 1 : 0))
            case .float4, .float8: values.append(.real(try cell.decode(Double.self)))
            case .numeric: values.append(.real(Double(try cell.decode(Decimal.self).description) ?? .nan))
            default: values.append(.text(try cell.decode(String.self)))
            }
        }
        return SQLRow(values)
    }
}
