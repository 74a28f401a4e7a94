import ArgumentParser
import SegmentaCore
import SegmentaStore

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

        func run() async throws {
            try await reportingErrors {
                let db = try store.openExisting()
                guard let info = try db.segment(named: name) else { throw CLIError("no segment named \"\(name)\"; `segmenta segments list` shows them") }
                if history {
                    for run in try db.analysisRuns(kind: "validation", parameter: name) {
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
                let (criteria, report, members) = try ValidationRun.run(db, info: info, thresholds: thresholds)
                if format == .json { print(report.jsonText); return }
                print(Terminal.bold("\(name): \(Fmt.thousands(members)) members"))
                var t = TextTable(["criterion", "result", "why"])
                for c in criteria { t.add([c.name, c.status.rawValue.uppercased(), c.reason]) }
                print(t.render())
            }
        }
    }
}

/// One validation of a segment: gathers the inputs from the store, judges, and records the run.
enum ValidationRun {
    static func run(_ db: SQLiteStore, info: SegmentInfo, thresholds: SegmentValidation.Thresholds) throws -> ([SegmentValidation.Criterion], JSONValue, Int) {
        let name = info.name
        let now = Timestamp.now
        let members = Set(try db.members(of: name))
        let everyone = Set(try db.profileIDs())
        var input: [(KPI, [Double], [Double])] = []
        for k in KPI.defaults {
            let v = try db.kpiValues(k, asOf: now)
            input.append((k, members.compactMap { v[$0] }, everyone.subtracting(members).compactMap { v[$0] }))
        }
        let comparison = SegmentComparison.compare(input, names: (name, "the rest"))
        var overlaps: [String: Double] = [:]
        for other in try db.segments() where other.name != name && other.lastRefreshAt != nil {
            let o = Set(try db.members(of: other.name))
            let union = members.union(o).count
            if union > 0 { overlaps[other.name] = Double(members.intersection(o).count) / Double(union) }
        }
        var present: [String: Double] = [:]
        let condition = info.definition.objectValue?["condition"].flatMap { try? ConditionParser.condition($0) }
        for t in condition?.traitReferences ?? [] where t.source != .accountTrait {
            let have = t.source == .computed ? try db.computedTraitValues(t.path) : try db.traitValues(t.path)
            present[(t.source == .computed ? "computed." : "") + t.path] = members.isEmpty ? 0 : Double(members.filter { have[$0] != nil }.count) / Double(members.count)
        }
        let consent = try db.traitValues("consent.marketing"), email = try db.traitValues("email"), phone = try db.traitValues("phone")
        let reachable = members.filter { consent[$0] != "false" && (email[$0] != nil || phone[$0] != nil) }.count
        let card = (info.definition.objectValue?["card"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
        let inputs = SegmentValidation.Inputs(
            name: name, size: members.count, population: everyone.count, comparison: comparison, overlaps: overlaps, dataPresent: present,
            daysSinceRefresh: info.lastRefreshAt.map { Double(now.milliseconds - $0.milliseconds) / 86_400_000 },
            reachable: members.isEmpty ? 0 : Double(reachable) / Double(members.count), card: card)
        let criteria = SegmentValidation.evaluate(inputs, thresholds: thresholds)
        let report: JSONValue = .object([
            "segment": .string(name), "size": .number(Double(members.count)),
            "criteria": .array(criteria.map { .object(["name": .string($0.name), "status": .string($0.status.rawValue), "reason": .string($0.reason)]) }),
            "overlaps": .object(overlaps.mapValues(JSONValue.number)),
        ])
        try db.recordAnalysis(kind: "validation", asOf: now, parameters: .object(["subject": .string(name)]), summary: report, values: [:], at: now)
        return (criteria, report, members.count)
    }
}
