public import SegmentaCore
import GRDB
import Synchronization
public import Logging

/// The embedded store: one SQLite file in WAL mode, through GRDB.
///
/// Keeps its `DatabaseWriter` private (GRDB's `AppDatabase` pattern); every method is one
/// transaction, so an import either lands whole or leaves the file as it was.
public final class SQLiteStore: Sendable {
    let writer: any DatabaseWriter
    /// The store file (nil in memory).
    let path: String?
    /// A connection kept only to ask `PRAGMA data_version` (``dataVersion()``), opened at the
    /// first ask (the server's; commands never open it): a connection's data version changes when
    /// another connection commits, so this one sees every commit — the store's own writer's and
    /// other processes'. Not read-only: whichever connection closes last checkpoints the WAL into
    /// the file, as before, so a closed store is one file.
    private let watching = Mutex<DatabaseQueue?>(nil)
    let logger: Logger
    /// The time of day the store stamps rows with (creation, revocation, deliveries, snapshots).
    public let clock: any WallClock

    /// Opens (creating if needed) the store at `path` and migrates it to the current schema.
    /// - Parameters:
    ///   - path: the SQLite file, e.g. `segmenta.sqlite`.
    ///   - logger: where to log.
    /// How much memory SQLite may keep as page cache, per connection.
    public struct CacheSizes: Sendable {
        /// The one writing connection.
        public var writerMiB: Int
        /// Each reading connection (a pool keeps up to ``maximumReaders``).
        public var readerMiB: Int
        /// Reading connections kept open at most.
        public var maximumReaders: Int
        /// How much of the database file is read through a memory map instead of a system call
        /// per page (0: none). Saves about a second of system time when `rfm` reads a million
        /// customers' orders and rewrites their traits; a disk error then stops the process
        /// (SIGBUS) instead of failing one statement, so only commands use it, not the server.
        public var mappedMiB: Int

        /// Cache sizes in MiB for the writer and each reader, readers at most, and memory-mapped I/O.
        public init(writerMiB: Int, readerMiB: Int, maximumReaders: Int, mappedMiB: Int = 0) {
            self.writerMiB = writerMiB
            self.readerMiB = readerMiB
            self.maximumReaders = maximumReaders
            self.mappedMiB = mappedMiB
        }

        /// Commands: one process, one big job (imports, scans) — large caches.
        public static let command = CacheSizes(writerMiB: 256, readerMiB: 256, maximumReaders: 5, mappedMiB: 2048)
        /// The server: a long-running process whose memory must stay flat however large the store
        /// grows — at most 64 + 4 × 32 = 192 MiB of page cache in all.
        public static let server = CacheSizes(writerMiB: 64, readerMiB: 32, maximumReaders: 4)
    }

    /// Opens (or creates) the store file at `path`, migrating it; stamps rows with `clock`.
    public init(path: String, cache: CacheSizes = .command, logger: Logger = Logger(label: "segmenta.store"), clock: any WallClock = SystemClock()) throws(SegmentaError) {
        self.logger = logger
        self.clock = clock
        do {
            var config = Self.configuration()
            config.maximumReaderCount = cache.maximumReaders
            config.prepareDatabase { db in
                db.add(function: Self.timestampFunction)
                db.add(function: Self.foldFunction)
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                try db.execute(sql: "PRAGMA busy_timeout = 5000")
                // A large page cache (SQLite's default is 2 MiB; commands take 256 MiB): large imports
                // and scans stay in memory instead of spilling pages to the WAL through system calls.
                let mib = db.configuration.readonly ? cache.readerMiB : cache.writerMiB
                try db.execute(sql: "PRAGMA cache_size = -\(mib * 1024)")
                try db.execute(sql: "PRAGMA temp_store = MEMORY")
                try db.execute(sql: "PRAGMA mmap_size = \(cache.mappedMiB * 1_048_576)")
                // Checkpoint every 64 MiB of WAL instead of SQLite's 4 MiB: index pages that many
                // small commits touch again and again are copied into the database file once, not
                // at every checkpoint (ingestion commits often; segment refreshes write in bulk).
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 16384")
            }
            writer = try DatabasePool(path: path, configuration: config)
            if try writer.read({ db in try Self.migrator.hasBeenSuperseded(db) }) {
                throw SegmentaError(.conflict, "the store \(path) was written by a newer segmenta (its schema has migrations this one does not know); upgrade segmenta to use it")
            }
            try Self.migrator.migrate(writer)
            self.path = path
        } catch let e as SegmentaError {
            throw e
        } catch {
            throw SegmentaError(.storage, "cannot open the database \(path): \(error). Check the path (--db or SEGMENTA_DB) and that the folder is writable.", underlying: error)
        }
    }

    /// The connection that watches the data version (nil in memory), opened at the first call.
    func watcher() throws -> DatabaseQueue? {
        guard let path else { return nil }
        return try watching.withLock { (queue: inout DatabaseQueue?) throws -> DatabaseQueue in
            if let queue { return queue }
            let opened = try DatabaseQueue(path: path)
            queue = opened
            return opened
        }
    }

    /// Whether reads can run while a write transaction is open (a file store in WAL mode; an
    /// in-memory store has one connection).
    public var readsBesideWrites: Bool { writer is DatabasePool }

    /// An in-memory store, for tests.
    public init(inMemory: Void = (), logger: Logger = Logger(label: "segmenta.store"), clock: any WallClock = SystemClock()) throws(SegmentaError) {
        self.logger = logger
        self.clock = clock
        do {
            var config = Self.configuration()
            config.prepareDatabase { db in
                db.add(function: Self.timestampFunction)
                db.add(function: Self.foldFunction)
            }
            writer = try DatabaseQueue(configuration: config)
            path = nil
            try Self.migrator.migrate(writer)
        } catch {
            throw SegmentaError(.storage, "cannot create an in-memory database: \(error)", underlying: error)
        }
    }

    static func configuration() -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        return config
    }

    /// `seg_ts(text)`: milliseconds of an ISO-8601 date or timestamp, NULL for anything else —
    /// the same parser as the rest of Segmenta, so SQL and the reference evaluator agree.
    static let timestampFunction = DatabaseFunction("seg_ts", argumentCount: 1, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]), values[0].storage.isText else { return nil }
        return try? Timestamp.parse(text).milliseconds
    }

    /// `seg_fold(text)`: the text as a search compares it (``SearchFold``), NULL for anything else.
    static let foldFunction = DatabaseFunction("seg_fold", argumentCount: 1, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]), values[0].storage.isText else { return nil }
        return SearchFold.fold(text)
    }

    /// The journal mode in force (`wal` for a file store).
    public func journalMode() throws(SegmentaError) -> String {
        try read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// Names of the migrations applied, in order.
    public func appliedMigrations() throws(SegmentaError) -> [String] {
        try read { db in try Self.migrator.appliedMigrations(db) }
    }

    /// ``ProfileStore/counts`` on SQLite.
    public func counts() throws(SegmentaError) -> StoreCounts {
        try read { db in
            StoreCounts(
                profiles: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM profiles") ?? 0,
                events: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0,
                orders: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM orders") ?? 0,
                accounts: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM accounts") ?? 0)
        }
    }

    /// Runs `body` in a read transaction, mapping database errors to ``SegmentaError``.
    func read<T>(_ body: (Database) throws -> T) throws(SegmentaError) -> T {
        do { return try writer.read { db in try QueryDeadline.enforce(db, body) } } catch let e as SegmentaError { throw e } catch {
            throw SegmentaError(.storage, "database read failed: \(error)", underlying: error)
        }
    }

    /// Runs `body` in one write transaction (rolled back on any error).
    func write<T>(_ body: (Database) throws -> T) throws(SegmentaError) -> T {
        do { return try writer.write { db in try QueryDeadline.enforce(db, body) } } catch let e as SegmentaError { throw e } catch {
            throw SegmentaError(.storage, "database write failed, nothing was changed: \(error)", underlying: error)
        }
    }

    /// Runs `body` in one write transaction without SQLite's per-row foreign-key lookups, for bulk
    /// loads that insert every parent row before its children in the same transaction (so the
    /// references hold by construction). Foreign keys are switched back on before returning.
    func writeParentsFirst<T>(_ body: (Database) throws -> T) throws(SegmentaError) -> T {
        do {
            return try writer.writeWithoutTransaction { db in
                // The pragma is a no-op inside a transaction, hence outside GRDB's `write`.
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
                var result: T?
                try db.inTransaction {
                    result = try QueryDeadline.enforce(db, body)
                    return .commit
                }
                guard let result else { throw SegmentaError(.storage, "the bulk write returned nothing; nothing was changed") }
                return result
            }
        } catch let e as SegmentaError { throw e } catch {
            throw SegmentaError(.storage, "database write failed, nothing was changed: \(error)", underlying: error)
        }
    }
}

extension DatabaseValue.Storage {
    var isText: Bool { if case .string = self { return true }; return false }
}
