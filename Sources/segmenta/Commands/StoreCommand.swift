import ArgumentParser
import Foundation
import SegmentaCore
import SegmentaStore

extension Segmenta {
    /// `segmenta store …`.
    struct Store: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a store between SQLite and PostgreSQL, or its events into ClickHouse.",
            subcommands: [Copy.self, Migrate.self]
        )
    }
}

extension Segmenta.Store {
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or update the store's tables (and, with --events, ClickHouse's on every server), then say what is there.",
            discussion: "Every command does this when it opens a store; run it on its own to prepare a new server or to check a URL.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await reportingErrors {
                let db = try await store.storage(existing: false)
                let counts = try await db.counts()
                print("store \(store.location): \(counts.profiles) profiles, \(counts.orders) orders")
                if let split = db as? ClickHouseEventsStorage {
                    for (host, version) in try await split.events.appliedVersions().sorted(by: { $0.key < $1.key }) {
                        print("ClickHouse \(host): migrations \(version.map(String.init).joined(separator: ", "))")
                    }
                }
                print("events: \(counts.events)")
            }
        }
    }

    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy every table of a store into a new, empty one: sqlite:PATH ↔ postgres://…",
            discussion: """
            The source is only read; stop servers that write to it first. The row counts of every table
            are compared at the end. Into PostgreSQL the copy is one transaction (a failure leaves the
            database as it was); a SQLite target must be a new file, removed again if the copy fails.
              segmenta store copy --from sqlite:segmenta.sqlite --to postgres://segmenta@127.0.0.1/segmenta
              segmenta store copy --from postgres://segmenta@127.0.0.1/segmenta --to sqlite:backup.sqlite
            With --events-to, only the events go, into ClickHouse (the source keeps them too), where
            `segmenta segments refresh --events URL` evaluates event conditions:
              segmenta store copy --from sqlite:segmenta.sqlite --events-to clickhouse://127.0.0.1:8123/segmenta
            """
        )
        @Option(help: ArgumentHelp("The store to read: sqlite:PATH or postgres://…", valueName: "store")) var from: String
        @Option(help: ArgumentHelp("The empty store to write: sqlite:PATH (a new file) or postgres://…", valueName: "store")) var to: String?
        @Option(name: .customLong("events-to"), help: ArgumentHelp("Copy only the events (track, page, screen) and the ids they resolve through, into ClickHouse: clickhouse://HOST:8123/DB, or HOST1:8123,HOST2:8123/DB?cluster=NAME for a sharded cluster (tables created where missing; the database must hold no events yet).", valueName: "url"))
        var eventsTo: String?

        func validate() throws {
            if (to == nil) == (eventsTo == nil) { throw ValidationError("pass --to (a whole store) or --events-to (events into ClickHouse), one of the two") }
        }

        func run() async throws {
            try await reportingErrors {
                let clock = Stopwatch()
                let source = try await Self.endpoint(from, flag: "--from", creating: false)
                if let eventsTo {
                    let events = ClickHouseEventStore(url: try ClickHouseURL(eventsTo))
                    let copied = try await StoreCopy.copyEvents(from: source, to: events) { n in
                        if n > 0 { Terminal.note("  events: \(Fmt.thousands(n)) sent") }
                    }
                    print("copied \(Fmt.thousands(copied.events)) events and \(Fmt.thousands(copied.identities)) ids from \(PostgresURL.redacted(from)) to ClickHouse at \(events.location); the event counts match (\(Fmt.fixed(clock.seconds, 1)) s)")
                    print("use them with --events '\(ClickHouseURL.redacted(eventsTo))' (or SEGMENTA_EVENTS) on any command")
                    return
                }
                guard let to else { return }
                let target = try await Self.endpoint(to, flag: "--to", creating: true)
                // A new SQLite target is removed again if the copy fails (reportingErrors).
                let copied = try await StoreCopy.run(from: source, to: target) { table, rows in
                    if rows > 0 { Terminal.note("  \(table): \(Fmt.thousands(rows)) rows") }
                }
                let total = copied.reduce(0) { $0 + $1.rows }
                print("copied \(Fmt.thousands(total)) rows in \(copied.count) tables from \(PostgresURL.redacted(from)) to \(PostgresURL.redacted(to)); every table's count matches (\(Fmt.fixed(clock.seconds, 1)) s)")
            }
        }

        /// `sqlite:PATH` (or a path) or a postgres:// URL, opened and migrated. A SQLite target must not exist yet.
        static func endpoint(_ text: String, flag: String, creating: Bool) async throws -> StoreCopy.Endpoint {
            if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
                let backend = try PostgresBackend(url: text)
                PostgresPools.start(backend)
                try await backend.open()
                return .postgres(backend)
            }
            let path = text.hasPrefix("sqlite:") ? String(text.dropFirst("sqlite:".count)) : text
            guard !path.isEmpty else { throw ValidationError("\(flag) needs sqlite:PATH or a postgres:// URL") }
            let exists = FileManager.default.fileExists(atPath: path)
            if creating && exists { throw CLIError("\(flag) \(path) exists already; the copy writes a new file (move it away, or pick another path)") }
            if !creating && !exists { throw CLIError("\(flag) \(path): no such store") }
            let store = try SQLiteStore(path: path)
            if creating { CreatedStores.remember(path) }
            return .sqlite(store, path: path)
        }
    }
}
