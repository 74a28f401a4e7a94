import ArgumentParser
import SegmentaCore
import SegmentaStore
import SegmentaJobs

extension Segmenta {
    /// `segmenta validate`.
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a segment against the five criteria: distinct, measurable, accessible, substantial, actionable.",
            discussion: """
            distinct: KPIs that differ significantly from the rest with a meaningful effect, and overlap (Jaccard) with every
            other segment · measurable: share of members with the defining traits, and freshness · accessible: share with
            marketing consent not denied and an email or phone · substantial: size and share against --min-size and
            --min-share · actionable: the card states an objective and actions. Each run is kept (--history lists them).
            """
        )

        @Argument var name: String
        @Option(help: "Fewer members than this is too narrow.") var minSize = 100
        @Option(help: "A smaller share of all customers than this is too narrow.") var minShare = 0.01
        @Flag(help: "List the earlier validation runs of this segment instead.") var history = false
        @Option(help: "Output: table or json.") var format: OutputFormat = .table
        @OptionGroup var store: StoreOptions

        func validate() throws {
            guard minSize >= 0 else { throw ValidationError("--min-size must be 0 or more (got \(minSize))") }
            guard minShare.isFinite, (0...1).contains(minShare) else {
                throw ValidationError("--min-share is a share of all customers between 0 and 1, e.g. 0.01 for 1 % (got \(minShare))")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let db = try await store.storage()
                guard let info = try await db.segment(named: name) else { throw CLIError("no segment named \"\(name)\"; `segmenta segments list` shows them") }
                if history {
                    for run in try await db.analysisRuns(kind: "validation", parameter: name) {
                        let statuses = run.summary.objectValue?["criteria"]?.arrayValues.compactMap { c -> String? in
                            guard let o = c.objectValue else { return nil }
                            return "\(o["name"]?.stringValue ?? "") \(o["status"]?.stringValue ?? "")"
                        } ?? []
                        print("\(run.asOf.iso8601)  " + statuses.joined(separator: " · "))
                    }
                    return
                }
                var thresholds = SegmentValidation.Thresholds()
                thresholds.minimumSize = minSize
                thresholds.minimumShare = minShare
                let (criteria, report, members) = try await ValidationRun.run(db, info: info, thresholds: thresholds)
                if format == .json { print(report.jsonText); return }
                print(Terminal.bold("\(name): \(Fmt.thousands(members)) members"))
                var t = TextTable(["criterion", "result", "why"])
                for c in criteria { t.add([c.name, c.status.rawValue.uppercased(), c.reason]) }
                print(t.render())
            }
        }
    }
}

