public import ArgumentParser
import Foundation
public import SegmentaCore
import SegmentaStore
import Synchronization

/// `--db` or `--store`: where the store is, shared by every command that reads or writes it. The
/// SQLite file is the default; `--store postgres://…` (or `SEGMENTA_STORE`) puts it on PostgreSQL.
/// This is the one place that picks the backend: commands get `any Storage`.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The SQLite store file (default: $SEGMENTA_DB or ./segmenta.sqlite).", valueName: "path"))
    var db: String?

    @Option(name: .customLong("store"), help: ArgumentHelp("A PostgreSQL store instead of the SQLite file, e.g. postgres://segmenta:secret@127.0.0.1:5432/segmenta (default: $SEGMENTA_STORE).", valueName: "url"))
    var storeURL: String?

    @Option(name: .customLong("events"), help: ArgumentHelp("Keep and read events (track, page, screen) in ClickHouse: clickhouse://HOST:8123/DB, or HOST1:8123,HOST2:8123/DB?cluster=NAME for a sharded cluster (default: $SEGMENTA_EVENTS). Profiles, orders, segments and keys stay in the store.", valueName: "url"))
    var eventsURL: String?

    /// The ClickHouse URL in force: the flag, then `SEGMENTA_EVENTS`.
    var clickHouseURL: String? {
        eventsURL ?? ProcessInfo.processInfo.environment["SEGMENTA_EVENTS"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func validate() throws {
        if db != nil && storeURL != nil { throw ValidationError("pass --db (a SQLite file) or --store (a postgres:// URL), not both") }
    }

    /// The PostgreSQL URL in force: the flag, then `SEGMENTA_STORE` (unless --db was given).
    var postgresURL: String? {
        if let storeURL { return storeURL }
        guard db == nil else { return nil }
        return ProcessInfo.processInfo.environment["SEGMENTA_STORE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The path in force: the flag, then `SEGMENTA_DB`, then `segmenta.sqlite`.
    var path: String {
        db ?? ProcessInfo.processInfo.environment["SEGMENTA_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "segmenta.sqlite"
    }

    /// Where the store is, for messages (never a password).
    var location: String {
        guard let url = postgresURL else { return path }
        return (try? PostgresURL(url).location).map { "postgres://" + $0 } ?? "PostgreSQL"
    }

    /// The configured store behind the storage protocols. A SQLite file is created when missing
    /// unless `existing` (commands that only read refuse a missing file); a PostgreSQL database is
    /// migrated (its connection pool runs until the command ends).
    /// With `--events` (or `SEGMENTA_EVENTS`), events are kept and read in ClickHouse, whose
    /// tables are created where missing.
    func storage(existing: Bool = true, cache: SQLiteStore.CacheSizes = .command) async throws -> any Storage {
        let events = try clickHouseURL.map { text throws in ClickHouseEventStore(url: try ClickHouseURL(text)) }
        let primary: any EventsElsewherePrimary
        if let url = postgresURL {
            let backend = try PostgresBackend(url: url)
            PostgresPools.start(backend)
            try await backend.open()
            primary = backend
        } else {
            primary = (existing ? try openExisting(cache: cache) : try open(cache: cache)).backend
        }
        guard let events else { return primary }
        try await events.migrate()
        return ClickHouseEventsStorage(primary: primary, events: events)
    }

    /// Opens the SQLite store, creating it if needed (a store this command creates is removed
    /// again if the command fails: a failed command leaves no empty store behind).
    private func open(cache: SQLiteStore.CacheSizes) throws -> SQLiteStore {
        let existed = FileManager.default.fileExists(atPath: path)
        let store = try SQLiteStore(path: path, cache: cache)
        if !existed { CreatedStores.remember(path) }
        return store
    }

    /// Opens a SQLite store that must already exist (for commands that only read).
    private func openExisting(cache: SQLiteStore.CacheSizes) throws -> SQLiteStore {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("no store at \(path). Run `segmenta demo` to build a sample one, or `segmenta import orders FILE.csv` to start your own (or pass --db PATH, or --store postgres://…).")
        }
        return try open(cache: cache)
    }
}

/// The PostgreSQL connection pools of this process, running until it exits.
enum PostgresPools {
    static let tasks = Mutex<[Task<Void, Never>]>([])

    static func start(_ backend: PostgresBackend) {
        tasks.withLock { $0.append(Task { await backend.run() }) }
    }
}

/// How to read a delimited file.
struct FileFormatOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Field separator: , ; | tab space or whitespace (runs of blanks).", valueName: "sep"))
    var delimiter: String = ","

    @Flag(help: "The file has no header line; name the columns with --columns.")
    var noHeader = false

    @Option(help: ArgumentHelp("Column names, comma-separated (with --no-header, or to rename a header's columns).", valueName: "a,b,c"))
    var columns: String?

    func validate() throws {
        if CSVDelimiter(name: delimiter) == nil {
            throw ValidationError("--delimiter \"\(delimiter)\" is not one of , ; | tab space whitespace (or a single character)")
        }
        if noHeader && columns == nil {
            throw ValidationError("--no-header needs --columns to name the columns, e.g. --columns customer_id,date,cds,amount")
        }
    }

    var options: DelimitedFileOptions {
        DelimitedFileOptions(delimiter: CSVDelimiter(name: delimiter) ?? .comma, hasHeader: !noHeader,
                             columnNames: columns.map { $0.split(separator: ",").map(String.init) })
    }
}

/// Which columns of an orders file are which.
struct OrderColumnOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The customer id column (default customer_id).", valueName: "name"))
    var customerColumn: String?
    @Option(help: ArgumentHelp("The date or timestamp column (default date, then timestamp).", valueName: "name"))
    var dateColumn: String?
    @Option(help: ArgumentHelp("The amount column (default amount).", valueName: "name"))
    var amountColumn: String?
    @Option(help: ArgumentHelp("The order id column (default order_id, if present).", valueName: "name"))
    var orderIdColumn: String?
    @Option(help: ArgumentHelp("The currency column (default currency, if present).", valueName: "name"))
    var currencyColumn: String?
    @Option(help: ArgumentHelp("How dates are written: %Y-%m-%d (ISO, the default), %m/%d/%Y (12/31/2024), %d/%m/%Y (31/12/2024, 31.12.2024), or auto (read off the file; a file whose every date reads both ways is refused).", valueName: "format"))
    var dateFormat = "%Y-%m-%d"
    @Option(help: ArgumentHelp("The amounts' decimal separator: point (12.50) or comma (12,50 and 1.234,56).", valueName: "mark"))
    var decimal: DecimalMark = .point

    func validate() throws {
        guard dateFormat.lowercased() == "auto" || DateFormat(name: dateFormat) != nil else {
            throw ValidationError("--date-format \"\(dateFormat)\" is not one of %Y-%m-%d, %m/%d/%Y, %d/%m/%Y, auto")
        }
    }

    var columns: OrderColumns {
        var c = OrderColumns(customer: customerColumn, date: dateColumn, amount: amountColumn, orderID: orderIdColumn, currency: currencyColumn)
        c.dateFormat = DateFormat(name: dateFormat) ?? .iso
        c.detectDateFormat = dateFormat.lowercased() == "auto"
        c.decimal = decimal
        return c
    }
}

/// How to read an orders file: its format, its columns, and what to do with bad rows.
struct OrderFileOptions: ParsableArguments {
    @OptionGroup var format: FileFormatOptions
    @OptionGroup var mapping: OrderColumnOptions
    @OptionGroup var errors: ImportOptions
}

/// `--format`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// Parses a date flag (a date, 00:00 UTC, or an ISO-8601 timestamp); the error names the flag the user typed (`flag`, default `--as-of`).
func parseAsOf(_ text: String?, flag: String = "--as-of") throws -> Timestamp? {
    guard let text else { return nil }
    do { return try Timestamp.parse(text) } catch {
        throw ValidationError("\(flag) \"\(text)\" is not a date: \(error.reason). Write e.g. 2026-01-31.")
    }
}

extension ErrorPolicy: ExpressibleByArgument {}
extension DecimalMark: ExpressibleByArgument {}
extension CohortPeriod: ExpressibleByArgument {}
extension RefundPolicy: ExpressibleByArgument {}

/// Store files created by this process, removed by ``reportingErrors(_:)`` when the command fails.
enum CreatedStores {
    static let paths = Mutex<[String]>([])

    static func remember(_ path: String) { paths.withLock { $0.append(path) } }

    /// Removes every store file this process created, with its WAL and shared-memory files.
    static func removeAll() {
        for path in paths.withLock({ p in defer { p = [] }; return p }) {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
    }
}

extension ScanReport {
    /// Refuses a file that gave no valid row (a header alone, or every row skipped): an analysis of
    /// nothing would print "0 customers as of 1970-01-01" and exit 0.
    func requireRows(in file: String) throws {
        guard rowsValid == 0 else { return }
        if rowsRead == 0 { throw CLIError("\(file) has no rows after its header: there is nothing to read") }
        throw CLIError("no valid row in \(file): \(issueSummary), so nothing is left to use\(issues.first.map { "; the first: \($0)" } ?? "")")
    }
}
