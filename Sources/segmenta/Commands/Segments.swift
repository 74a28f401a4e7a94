import ArgumentParser
import Foundation
import SegmentaCore
import SegmentaStore
import SegmentaJobs

extension Segmenta {
    /// `segmenta segments …`.
    struct Segments: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Define segments as JSON conditions, refresh them into snapshots, and read members and history.",
            discussion: "The definition language is documented in docs/SEGMENTS.md.",
            subcommands: [Create.self, Update.self, Delete.self, List.self, Show.self, Refresh.self, Members.self, History.self,
                          Alerts.self, Diff.self, Explain.self, ImportStatic.self, Freeze.self]
        )
    }
}

/// Reads a definition document from a file (or `-` for standard input).
func readDefinition(_ path: String) throws -> JSONValue {
    let data: Data
    if path == "-" {
        data = FileHandle.standardInput.readDataToEndOfFile()
    } else {
        guard let d = FileManager.default.contents(atPath: path) else { throw CLIError("no file at \(path): check the path") }
        data = d
    }
    do { return try JSONTextParser.parse(String(decoding: data, as: UTF8.self)) } catch {
        throw CLIError("\(path): \(error.description); a definition is one JSON object (see docs/SEGMENTS.md)")
    }
}

func describe(_ info: SegmentInfo) -> String {
    let size = info.size.map(Fmt.thousands) ?? "never refreshed"
    return "\(info.name) (\(info.kind.rawValue), version \(info.version)): \(size)"
}

extension Segmenta.Segments {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a segment from a JSON definition.")
        @Option(help: ArgumentHelp("The definition (JSON), or - for standard input.", valueName: "file")) var file: String
        @Flag(help: "Refresh it right away.") var refresh = false
        @Flag(help: "Accept computed traits no analysis has written yet (otherwise a misspelt one is refused).") var allowUnknown = false
        @OptionGroup var drift: DriftOptions
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await reportingErrors {
                let db = try await store.storage(existing: false)
                let info = try await db.createSegment(try readDefinition(file), allowUnknownComputed: allowUnknown)
                print("created \(describe(info))")
                if refresh {
                    let outcome = try await SegmentRefresh(store: db, drift: drift.options).run(info.name, asOf: .now)
                    printRefresh(outcome.refresh)
                    if let error = outcome.driftError { throw error }
                    for alert in outcome.alerts { print("  alert: " + alert.message) }
                }
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace a segment's definition (a new version; older ones stay readable).")
        @Option(help: ArgumentHelp("The definition (JSON), or - for standard input.", valueName: "file")) var file: String
        @Flag(help: "Accept computed traits no analysis has written yet.") var allowUnknown = false
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await reportingErrors {
                let info = try await store.storage().updateSegment(try readDefinition(file), allowUnknownComputed: allowUnknown)
                print("updated \(describe(info))")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a segment with its versions, snapshots and history.")
        @Argument var name: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await reportingErrors {
                try await store.storage().deleteSegment(name)
                print("deleted \(name)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List segments: name, kind, version, size, last refresh.")
        @Option(help: "Output: table or json.") var format: OutputFormat = .table
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await reportingErrors {
                let all = try await store.storage().segments()
                if format == .json {
                    print(JSONValue.array(all.map { s in
                        .object(["name": .string(s.name), "kind": .string(s.kind.rawValue), "version": .number(Double(s.version)),
                                 "size": s.size.map { .number(Double($0)) } ?? .null,
                                 "last_refresh": s.lastRefreshAt.map { .string($0.iso8601) } ?? .null,
                                 "last_error": s.lastError.map(JSONValue.string) ?? .null])
                    }).jsonText)
                    return
                }
                guard !all.isEmpty else { print("no segments yet; create one with `segmenta segments create --file DEF.json`"); return }
                var t = TextTable(["name", "kind", "version", "size", "last refresh", "error"], rightAligned: [2, 3])
                for s in all {
                    t.add([s.name, s.kind.rawValue, String(s.version), s.size.map(Fmt.thousands) ?? "–",
                           s.lastRefreshAt.map { String($0.iso8601.prefix(16)).replacingOccurrences(of: "T", with: " ") } ?? "never",
                           s.lastError.map { $0.count > 60 ? String($0.prefix(59)) + "…" : $0 } ?? ""])
                }
                print(t.render())
            }
        }
    }

    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Why a profile is in a segment, or not: every condition with the profile's value there and whether it held.",
            discussion: """
            Evaluates the segment's condition on that profile's own data (as of --as-of, default now), node by
            node. For someone outside it lists the conditions that would have to hold for them to enter; for a
            member, those whose failing would make them leave. --format json gives the tree with `held` and
            `value` on every node (the root's `held` is the membership).
              segmenta segments explain champions-detractors 10042
            """)
        @Argument(help: "The segment.") var name: String
        @Argument(help: "The profile: its id, a user id or an anonymous id.") var profile: String
        @Option(help: ArgumentHelp("Evaluate as of this date or timestamp; default now.", valueName: "date")) var asOf: String?
        @Option(help: "Output: table (readable) or json.") var format: OutputFormat = .table
        @OptionGroup var store: StoreOptions

        func validate() throws {
            if format == .csv { throw ValidationError("--format csv is not offered for an explanation (a tree); use table or json") }
        }

        func run() async throws {
            try await reportingErrors {
                let db = try await store.storage()
                // Without --as-of: the membership people see (the last refresh), and the live answer beside it.
                let e: MembershipExplanation
                if let when = try parseAsOf(asOf) {
                    e = try await MembershipExplanation.run(db, segment: name, profile: profile, asOf: when)
                } else {
                    e = try await MembershipExplanation.asSeen(db, segment: name, profile: profile, now: .now)
                }
                if format == .json { print(e.json.jsonText); return }
                for line in e.lines { print(line) }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a segment: its condition in words, card, and versions.")
        @Argument var name: String
        @Option(help: "Output: table (readable) or json (the definition document).") var format: OutputFormat = .table
        @Option(help: "Show this earlier version of the definition (see the versions listed).") var version: Int?
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await reportingErrors {
                let db = try await store.storage()
                guard var info = try await db.segment(named: name) else { throw CLIError("no segment named \"\(name)\"; `segmenta segments list` shows them") }
                if let version {
                    let all = try await db.versions(of: name)
                    guard let v = all.first(where: { $0.version == version }) else {
                        throw CLIError("\(name) has no version \(version); its versions are \(all.map { String($0.version) }.joined(separator: ", "))")
                    }
                    info.definition = v.definition
                    info.document = v.document
                    info.version = v.version
                }
                if format == .json { print(info.document.jsonText); return }
                print(Terminal.bold(describe(info)))
                if !info.definition.description.isEmpty { print(info.definition.description) }
                if let condition = info.definition.condition {
                    print("\nwho: " + ConditionSentence.text(condition))
                    print("condition: " + ConditionRenderer.text(condition))
                }
                if !info.definition.card.isEmpty {
                    print("")
                    for field in SegmentDefinition.cardFields { if let v = info.definition.card[field] { print("\(field): \(v)") } }
                }
                if let e = info.lastError { print("\nlast refresh failed: \(e)") }
                print("\nversions:")
                for v in try await db.versions(of: name) { print("  \(v.version)  \(v.createdAt.iso8601)") }
            }
        }
    }

    struct Refresh: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recompute membership (all dynamic segments when no name is given) and store a snapshot.")
        @Argument(help: "Segments to refresh (default: all).") var names: [String] = []
        @Option(help: ArgumentHelp("Evaluate as of this date or timestamp (backtest); default now.", valueName: "date")) var asOf: String?
        @Flag(help: "Validate each refreshed segment too (the five criteria; every run is kept, see `segmenta validate NAME --history`).") var validate = false
        @OptionGroup var drift: DriftOptions
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await reportingErrors {
                let db = try await store.storage()
                let when = try parseAsOf(asOf) ?? .now
                let targets = names.isEmpty ? try await db.segments().filter { $0.kind == .dynamic }.map(\.name) : names
                guard !targets.isEmpty else { print("no segments to refresh"); return }
                var failures = 0
                for name in targets {
                    do {
                        let outcome = try await SegmentRefresh(store: db, drift: drift.options).run(name, asOf: when)
                        let result = outcome.refresh
                        // With --events, event conditions run in ClickHouse first (part of the refresh's time).
                        if result.eventConditionsElsewhere > 0 {
                            let n = result.eventConditionsElsewhere
                            Terminal.note("  \(name): \(n) event condition\(n == 1 ? "" : "s") evaluated in ClickHouse in \(Fmt.fixed(result.eventConditionsSeconds, 2)) s")
                        }
                        printRefresh(result)
                        if let error = outcome.driftError { throw error }
                        for alert in outcome.alerts { print("  alert: " + alert.message) }
                        if validate, let info = try await db.segment(named: name) {
                            let (criteria, _, _) = try await ValidationRun.run(db, info: info, thresholds: SegmentValidation.Thresholds())
                            print("  validation: " + criteria.map { "\($0.name) \($0.status.rawValue)" }.joined(separator: " · "))
                        }
                    } catch let e as SegmentaError {
                        failures += 1
                        Terminal.error("\(name): \(e.message)")
                    }
                }
                if failures > 0 { throw ExitCode.failure }
            }
        }
    }

    struct Members: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Export a segment's members (all of them; no cap), with traits.")
        @Argument var name: String
        @Option(help: "Output: csv or json.") var format: OutputFormat = .csv
        @Option(help: ArgumentHelp("Traits to add as columns, comma-separated (dotted paths; computed traits by name).", valueName: "a,b")) var traits: String?
        @Flag(help: "Include people who denied marketing consent (left out by default, as in every export; for internal use).") var includeNoConsent = false
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await reportingErrors {
                let db = try await store.storage()
                var ids = try await db.members(of: name)
                if !includeNoConsent {
                    let denied = try await db.consentDenied(among: ids)
                    if !denied.isEmpty {
                        ids.removeAll { denied.contains($0) }
                        Terminal.note("left out \(Fmt.thousands(denied.count)) members who denied marketing consent (--include-no-consent includes them, for internal use)")
                    }
                }
                let wanted = NameList.parse(traits)
                var columns: [[String: String]] = []
                for t in wanted {
                    var values = try await db.traitValues(t)
                    if values.isEmpty { values = try await db.computedTraitValues(t) }
                    columns.append(values)
                }
                if format == .json {
                    print(JSONValue.array(ids.map { id in
                        var o: [String: JSONValue] = ["profile_id": .string(id)]
                        for (i, t) in wanted.enumerated() { o[t] = columns[i][id].map(JSONValue.string) ?? .null }
                        return .object(o)
                    }).jsonText)
                    return
                }
                print(CSVCell.row(["profile_id"] + wanted))
                var out = ""
                for id in ids {
                    out += CSVCell.row([id] + columns.map { $0[id] ?? "" }) + "\n"
                    if out.utf8.count > 1 << 20 { print(out, terminator: ""); out = "" }
                }
                print(out, terminator: "")
            }
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A segment's size over time: one line per refresh.")
        @Argument var name: String
        @Option(help: "Output: table or csv.") var format: OutputFormat = .table
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await reportingErrors {
                let db = try await store.storage()
                guard try await db.segment(named: name) != nil else { throw CLIError("no segment named \"\(name)\"") }
                let snaps = try await db.history(of: name)
                if format == .csv {
                    print("as_of,size,entered,exited,merged,erased")
                    for s in snaps { print("\(s.asOf.iso8601),\(s.size),\(s.entered),\(s.exited),\(s.merged),\(s.erased)") }
                    return
                }
                // Each size is the one before it, plus entered, minus exited, merged and erased.
                var t = TextTable(["as of", "version", "size", "entered", "exited", "merged", "erased"], rightAligned: [1, 2, 3, 4, 5, 6])
                for s in snaps {
                    t.add([s.asOf.iso8601, String(s.version), Fmt.thousands(s.size), "+" + Fmt.thousands(s.entered), "−" + Fmt.thousands(s.exited),
                           "−" + Fmt.thousands(s.merged), "−" + Fmt.thousands(s.erased)])
                }
                print(t.render())
            }
        }
    }

    struct Alerts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Drift alerts, newest first: a segment's size outside its usual range, or its mix shifted, at a refresh.",
            discussion: """
            Every refresh (this CLI, the API, the dashboard, the scheduled recompute) compares the segment with its
            earlier refreshes of the same definition: its size against control limits (3 standard deviations of the
            last 8 sizes, at least √mean, and at least 5%), and its members' mix of plan, country, lifecycle stage
            and RFM segment against the previous refresh (χ² test, Holm across the traits, p < 0.01, a share moved
            by 5 points or more). What is significant is kept, listed here and sent to the segment's webhooks.
            """)
        @Argument(help: "Only this segment's alerts.") var name: String?
        @Option(help: "Most alerts to show.") var limit = 20
        @Option(help: "Output: table or json.") var format: OutputFormat = .table
        @OptionGroup var store: StoreOptions

        func validate() throws {
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000") }
            if format == .csv { throw ValidationError("--format csv is not offered for alerts; use table or json") }
        }

        func run() async throws {
            try await reportingErrors {
                let db = try await store.storage()
                if let name, try await db.segment(named: name) == nil { throw CLIError("no segment named \"\(name)\"; `segmenta segments list` shows them") }
                let alerts = try await db.alerts(segment: name, limit: limit)
                if format == .json {
                    print(JSONValue.object(["alerts": .array(alerts.map(\.json))]).jsonText)
                    return
                }
                guard !alerts.isEmpty else { print("no alerts\(name.map { " for \($0)" } ?? ""): every refresh so far stayed within its usual range"); return }
                for a in alerts { print("\(a.createdAt.dateString)  \(a.message)") }
            }
        }
    }

    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Who entered and who left a segment between two snapshots (the latest at or before each date).")
        @Argument var name: String
        @Option(help: ArgumentHelp("The earlier as-of.", valueName: "date")) var from: String
        @Option(help: ArgumentHelp("The later as-of.", valueName: "date")) var to: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await reportingErrors {
                guard let a = try parseAsOf(from, flag: "--from"), let b = try parseAsOf(to, flag: "--to") else { return }
                let db = try await store.storage()
                guard let sa = try await db.snapshot(of: name, asOf: a) else { throw CLIError("\(name) has no snapshot at or before \(from); refresh it with --as-of \(from)") }
                guard let sb = try await db.snapshot(of: name, asOf: b) else { throw CLIError("\(name) has no snapshot at or before \(to)") }
                let before = Set(try await db.members(of: name, snapshot: sa.id)), after = Set(try await db.members(of: name, snapshot: sb.id))
                print("change,profile_id")
                for id in CustomerOrder.sorted(Array(after.subtracting(before))) { print("entered,\(CSVCell.field(id))") }
                for id in CustomerOrder.sorted(Array(before.subtracting(after))) { print("exited,\(CSVCell.field(id))") }
                // Sizes are the facts recorded at each refresh; the ids are those kept since (a later
                // identity merge or privacy delete changes who is listed, never the recorded sizes).
                Terminal.note("\(name): \(Fmt.thousands(sa.size)) at \(sa.asOf.iso8601) → \(Fmt.thousands(sb.size)) at \(sb.asOf.iso8601)")
            }
        }
    }

    struct ImportStatic: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "import-static", abstract: "Create a static segment from a CSV of profile ids.")
        @Argument var name: String
        @Option(help: ArgumentHelp("CSV with a profile_id, id, customer_id or user_id column.", valueName: "file")) var ids: String
        @Flag(help: "The file has no header line: every line's first field is an id.") var noHeader = false
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await reportingErrors {
                let list: [String] = try FileBytes.with(ids) { bytes in
                    let (names, start, line) = try DelimitedFileOptions(hasHeader: !noHeader, columnNames: noHeader ? ["profile_id"] : nil).layout(of: bytes)
                    let lowered = names.map { $0.lowercased() }
                    // A headerless file would silently lose its first id as a "header": say so instead.
                    guard let column = noHeader ? 0 : ["profile_id", "id", "customer_id", "user_id"].lazy.compactMap({ lowered.firstIndex(of: $0) }).first else {
                        throw CLIError("\(ids): the first line (\(names.joined(separator: ","))) has no profile_id, id, customer_id or user_id column; add a header line `profile_id`, or pass --no-header if every line is an id")
                    }
                    var out: [String] = []
                    try CSVScanner.scan(UnsafeBufferPointer(rebasing: bytes[start...]), delimiter: .comma, firstLine: line) { r in
                        if column < r.count, !r.isEmpty(column) { out.append(r.string(column).normalizedID) }
                        return true
                    }
                    return out
                }
                let result = try await store.storage().importStatic(name, ids: list, description: "Imported from \(ids)")
                print("created static segment \(name) with \(Fmt.thousands(result.snapshot.size)) members")
            }
        }
    }

    struct Freeze: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Copy a segment's current members into a new static segment.")
        @Argument var name: String
        @Option(name: .customLong("as"), help: ArgumentHelp("The new segment's name.", valueName: "name")) var newName: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await reportingErrors {
                let result = try await store.storage().freeze(name, as: newName)
                print("froze \(name) as static segment \(newName) with \(Fmt.thousands(result.snapshot.size)) members")
            }
        }
    }
}

func printRefresh(_ r: RefreshResult) {
    if r.backtest {
        print("\(r.segment): backtest as of \(r.snapshot.asOf.iso8601): \(Fmt.thousands(r.snapshot.size)) members (+\(Fmt.thousands(r.entered.count)) entered, −\(Fmt.thousands(r.exited.count)) exited since the snapshot before it); not stored — later snapshots exist, and the current membership is unchanged")
        return
    }
    var left = "−\(Fmt.thousands(r.exited.count)) exited"
    if r.snapshot.merged > 0 { left += ", −\(Fmt.thousands(r.snapshot.merged)) merged into another profile" }
    if r.snapshot.erased > 0 { left += ", −\(Fmt.thousands(r.snapshot.erased)) erased" }
    print("\(r.segment): \(Fmt.thousands(r.snapshot.size)) members as of \(r.snapshot.asOf.iso8601) (+\(Fmt.thousands(r.entered.count)) entered, \(left)) in \(Fmt.fixed(r.seconds, 2)) s")
}
