import GRDB
import GRDBSQLite

/// A prepared statement bound and stepped through SQLite's C API, for the loops that insert a
/// million rows: no argument array or boxing per row. Values are still bound (never spliced into
/// SQL); text is copied by SQLite (`SQLITE_TRANSIENT`). Use inside one GRDB write transaction.
struct BulkInsert {
    private let statement: Statement
    private var handle: OpaquePointer { statement.sqliteStatement }
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
    }

    /// The connection's cached statement for `sql` (prepared once per connection, for paths that
    /// run once per batch, like the server's group commit).
    init(cached db: Database, sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
    }

    func bind(_ index: Int32, _ text: String) {
        var text = text
        text.withUTF8 { bytes in
            _ = sqlite3_bind_text(handle, index, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, Int32(clamping: bytes.count), Self.transient)
        }
    }

    /// Binds UTF-8 text from a buffer (copied by SQLite).
    func bind(_ index: Int32, utf8 bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return bind(index, "") }
        _ = sqlite3_bind_text(handle, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(clamping: bytes.count), Self.transient)
    }

    func bind(_ index: Int32, _ value: Int64) { _ = sqlite3_bind_int64(handle, index, value) }

    func bind(_ index: Int32, _ value: Double) { _ = sqlite3_bind_double(handle, index, value) }

    func bindNull(_ index: Int32) { _ = sqlite3_bind_null(handle, index) }

    func bind(_ index: Int32, _ text: String?) { if let text { bind(index, text) } else { bindNull(index) } }

    func bind(_ index: Int32, _ value: Int64?) { if let value { bind(index, value) } else { bindNull(index) } }

    /// Runs the statement once with what is bound, then resets it for the next row.
    /// - Returns: rows changed (0 when an `ON CONFLICT DO NOTHING` skipped the row).
    @discardableResult
    func step(_ db: Database) throws -> Int {
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
        }
        return Int(sqlite3_changes(db.sqliteConnection))
    }
}
