public import SegmentaCore
import Foundation
import GRDB
import PostgresNIO

/// `segmenta store copy`: every table of one store into an empty other one (SQLite → PostgreSQL or
/// back), a page at a time in key order, then the row counts compared table by table. The source
/// is only read. Into PostgreSQL everything is one transaction, so a failure leaves the database as
/// it was; a SQLite target is a new file, removed again when the copy fails.
public enum StoreCopy {
    /// Where a copy reads or writes.
    public enum Endpoint: Sendable {
        case sqlite(SQLiteStore, path: String)
        case postgres(PostgresBackend)

        var label: String {
            switch self {
            case .sqlite(_, let path): return "sqlite:" + path
            case .postgres(let p): return "postgres://" + p.location
            }
        }
    }

    /// Rows read per page.
    static let page = 5_000

    /// Copies every table; returns the rows copied per table, in copy order.
    public static func run(from source: Endpoint, to target: Endpoint, progress: @Sendable (String, Int) -> Void = { _, _ in }) async throws(SegmentaError) -> [(table: String, rows: Int)] {
        var expected: [(table: String, rows: Int)] = []
        for t in StoreTable.all { expected.append((t.name, try await count(source, t))) }
        switch target {
        case .postgres(let backend):
            try await backend.write { pg in
                let present = try await postgresCounts(pg)
                if let (table, n) = present.first(where: { $0.1 > 0 }) {
                    throw SegmentaError(.conflict, "the target \(target.label) already holds data (\(n) rows in \(table)); copy into an empty database")
                }
                for (t, want) in zip(StoreTable.all, expected) {
                    try await copyTable(t, from: source) { rows in try await insert(pg, t, rows) }
                    progress(t.name, want.rows)
                }
                for name in StoreTable.serial {
                    try await pg.execute(PostgresQuery(unsafeSQL: "SELECT setval(pg_get_serial_sequence('\(name)', 'id'), COALESCE((SELECT max(id) FROM \(name)), 0) + 1, false)"))
                }
                let got = try await postgresCounts(pg)
                try verify(expected, got.map { (table: $0.0, rows: $0.1) }, target: target)
            }
        case .sqlite(let store, _):
            let present = try StoreTable.all.map { t throws(SegmentaError) in (t.name, try store.copyCount(t)) }
            if let (table, n) = present.first(where: { $0.1 > 0 }) {
                throw SegmentaError(.conflict, "the target \(target.label) already holds data (\(n) rows in \(table)); copy into a new file")
            }
            for (t, want) in zip(StoreTable.all, expected) {
                try await copyTable(t, from: source) { rows throws(SegmentaError) in try store.copyInsert(t, rows) }
                progress(t.name, want.rows)
            }
            try verify(expected, try StoreTable.all.map { t throws(SegmentaError) in (table: t.name, rows: try store.copyCount(t)) }, target: target)
        }
        return expected
    }

    static func verify(_ expected: [(table: String, rows: Int)], _ got: [(table: String, rows: Int)], target: Endpoint) throws(SegmentaError) {
        for (e, g) in zip(expected, got) where e.rows != g.rows {
            throw SegmentaError(.storage, "the copy into \(target.label) holds \(g.rows) rows in \(e.table) where the source has \(e.rows) (was the source written to meanwhile? stop the servers first); nothing was kept")
        }
    }

    static func count(_ e: Endpoint, _ t: StoreTable) async throws(SegmentaError) -> Int {
        switch e {
        case .sqlite(let store, _): return try store.copyCount(t)
        case .postgres(let backend):
            return try await backend.read { pg in try await pg.value(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(t.name)"), as: Int.self) ?? 0 }
        }
    }

    static func postgresCounts(_ pg: PG) async throws -> [(String, Int)] {
        var out: [(String, Int)] = []
        for t in StoreTable.all { out.append((t.name, try await pg.value(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(t.name)"), as: Int.self) ?? 0)) }
        return out
    }

    /// Reads a table a page at a time in key order, handing each page to `write`.
    static func copyTable(_ t: StoreTable, from source: Endpoint, _ write: ([[SQLArgument]]) async throws -> Void) async throws(SegmentaError) {
        let keyIndex = t.key.compactMap { k in t.columns.firstIndex { $0.name == k } }
        var after: [SQLArgument]?
        while true {
            let rows: [[SQLArgument]]
            switch source {
            case .sqlite(let store, _): rows = try store.copyPage(t, after: after, limit: page)
            case .postgres(let backend): rows = try await backend.read { pg in try await Self.postgresPage(pg, t, after: after, limit: page) }
            }
            guard let last = rows.last else { return }
            do { try await write(rows) } catch let e as SegmentaError { throw e } catch {
                throw SegmentaError(.storage, "copying \(t.name) failed: \(error)", underlying: error)
            }
            after = keyIndex.map { last[$0] }
            if rows.count < page { return }
        }
    }

    /// `WHERE (k1, k2) > ($1, $2) ORDER BY k1, k2`: the next page after `after` (any dialect).
    static func pageSQL(_ t: StoreTable, select: [String], after: [SQLArgument]?, dialect: SQLDialect) -> String {
        let keys = t.key.joined(separator: ", ")
        var sql = "SELECT \(select.joined(separator: ", ")) FROM \(t.name)"
        if after != nil {
            sql += " WHERE (\(keys)) > (\((1...t.key.count).map(dialect.placeholder).joined(separator: ", ")))"
        }
        return sql + " ORDER BY \(keys) LIMIT \(page)"
    }

    static func postgresPage(_ pg: PG, _ t: StoreTable, after: [SQLArgument]?, limit: Int) async throws -> [[SQLArgument]] {
        let select = t.columns.map { c -> String in
            switch c.kind {
            case .json: return "\(c.name)::text"
            case .flag: return "\(c.name)::int::bigint"
            default: return c.name
            }
        }
        let rows = try await pg.rows(PG.query(pageSQL(t, select: select, after: after, dialect: .postgres), after ?? []))
        return try rows.map { row in
            var out: [SQLArgument] = []
            for (cell, column) in zip(row, t.columns) {
                switch column.kind {
                case .text, .json: out.append(try cell.decode(String?.self).map(SQLArgument.text) ?? .null)
                case .integer, .flag: out.append(try cell.decode(Int64?.self).map(SQLArgument.integer) ?? .null)   // int4 columns widen
                case .real: out.append(try cell.decode(Double?.self).map(SQLArgument.real) ?? .null)
                }
            }
            return out
        }
    }

    /// Inserts rows through `jsonb_populate_recordset`: PostgreSQL converts each value to its column's type.
    static func insert(_ pg: PG, _ t: StoreTable, _ rows: [[SQLArgument]]) async throws {
        var json = "["
        for (r, row) in rows.enumerated() {
            if r > 0 { json += "," }
            json += "{"
            for (i, (column, value)) in zip(t.columns, row).enumerated() {
                if i > 0 { json += "," }
                JSONValue.writeString(column.name, to: &json)
                json += ":"
                switch (value, column.kind) {
                case (.null, _), (.textArray, _): json += "null"
                case (.text(let s), .json): json += s
                case (.text(let s), _): JSONValue.writeString(s, to: &json)
                case (.integer(let n), .flag): json += n != 0 ? "true" : "false"
                case (.integer(let n), _): json += String(n)
                case (.real(let d), _): JSONValue.number(d).write(to: &json)
                }
            }
            json += "}"
        }
        json += "]"
        let columns = t.columnNames.joined(separator: ", ")
        var binds = PostgresBindings()
        binds.append(PostgresBackend.withoutNUL(json))
        try await pg.execute(PostgresQuery(unsafeSQL: "INSERT INTO \(t.name) (\(columns)) SELECT \(columns) FROM jsonb_populate_recordset(NULL::\(t.name), $1::jsonb)", binds: binds))
    }
}

extension SQLiteStore {
    func copyCount(_ t: StoreTable) throws(SegmentaError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(t.name)") ?? 0 }
    }

    func copyPage(_ t: StoreTable, after: [SQLArgument]?, limit: Int) throws(SegmentaError) -> [[SQLArgument]] {
        try read { db in
            let sql = StoreCopy.pageSQL(t, select: t.columnNames, after: after, dialect: .sqlite)
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments((after ?? []).map(\.databaseValue))).map { row in
                (0..<t.columns.count).map { i -> SQLArgument in
                    switch row[i] as DatabaseValue {
                    case let v where v.isNull: return .null
                    case let v:
                        switch v.storage {
                        case .int64(let n): return .integer(n)
                        case .double(let d): return .real(d)
                        case .string(let s): return .text(s)
                        case .blob(let b): return .text(String(decoding: b, as: UTF8.self))
                        case .null: return .null
                        }
                    }
                }
            }
        }
    }

    func copyInsert(_ t: StoreTable, _ rows: [[SQLArgument]]) throws(SegmentaError) {
        try write { db in
            let marks = Array(repeating: "?", count: t.columns.count).joined(separator: ", ")
            let insert = try db.makeStatement(sql: "INSERT INTO \(t.name) (\(t.columnNames.joined(separator: ", "))) VALUES (\(marks))")
            for row in rows { try insert.execute(arguments: StatementArguments(row.map(\.databaseValue))) }
        }
    }
}
