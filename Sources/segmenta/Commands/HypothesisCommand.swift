import ArgumentParser
import SegmentaCore
import SegmentaStore
import SegmentaJobs

extension Segmenta {
    /// `segmenta hypothesis create|test|list`.
    struct HypothesisCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hypothesis",
            abstract: "Save hypotheses such as \"customers who connect an integration within 7 days churn less\", and test them as data grows.",
            subcommands: [Create.self, Test.self, List.self]
        )
    }
}

extension Segmenta.HypothesisCommand {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Save a hypothesis.")
        @Argument var name: String
        @Option(help: ArgumentHelp("The behaviour: an event name.", valueName: "event")) var did: String
        @Option(help: "Within this many days of signup.") var withinDaysOfSignup: Int
        @Option(help: ArgumentHelp("churned, retained:DAYS or revenue:DAYS.", valueName: "outcome")) var outcome: String
        @Option(help: ArgumentHelp("Only customers in this segment.", valueName: "name")) var segment: String?
        @OptionGroup var store: StoreOptions

        func validate() throws {
            guard withinDaysOfSignup > 0 else { throw ValidationError("--within-days-of-signup must be at least 1") }
        }

        func run() async throws {
            try await reportingErrors {
                let h = Hypothesis(name: name, event: did, withinDays: withinDaysOfSignup, outcome: try Hypothesis.Outcome(parsing: outcome), segment: segment)
                try await store.storage().createHypothesis(h)
                print("saved hypothesis \(name): customers who did \"\(did)\" within \(withinDaysOfSignup) days of signup differ in \(h.outcome)\(segment.map { ", among \($0)" } ?? ""); test it with `segmenta hypothesis test \(name)`")
            }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Test a saved hypothesis now (every run is kept).")
        @Argument var name: String
        @Option(help: ArgumentHelp("Test as of this date (default now).", valueName: "date")) var asOf: String?
        @Option(help: "Output: table or json.") var format: OutputFormat = .table
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await reportingErrors {
                let db = try await store.storage()
                guard let h = try await db.hypotheses().first(where: { $0.name == name }) else { throw CLIError("no hypothesis named \"\(name)\"; `segmenta hypothesis list` shows them") }
                let now = try parseAsOf(asOf) ?? .now
                let (result, report, wait) = try await HypothesisRun.test(db, h, asOf: now)
                let r = result.comparison
                if format == .json { print(report.jsonText); return }
                print(Terminal.bold("\(name): did \"\(h.event)\" within \(h.withinDays) days of signup → \(h.outcome)"))
                print("customers signed up at least \(wait) days before \(now.dateString)\(h.segment.map { " in \($0)" } ?? ""): \(Fmt.thousands(result.exposed)) did, \(Fmt.thousands(result.unexposed)) did not")
                let fmt: (Double) -> String = { r.kpi.isProportion ? Fmt.percent($0) : Fmt.fixed($0, 2) }
                print("\(h.outcome): \(fmt(r.a)) vs \(fmt(r.b)); difference \(fmt(r.difference)) [95% CI \(fmt(r.ci.low)), \(fmt(r.ci.high))]; effect \(Fmt.fixed(r.effectSize, 2)); \(r.test), p = \(r.pValue.isNaN ? "n/a" : Fmt.fixed(r.pValue, 4))")
                print("→ " + r.verdict)
                print(Terminal.dim("note: " + result.warning))
                let earlier = try await db.analysisRuns(kind: "hypothesis", parameter: name).dropLast()
                if !earlier.isEmpty {
                    print("earlier runs: " + earlier.suffix(5).map { run in
                        let o = run.summary.objectValue ?? [:]
                        return "\(run.asOf.dateString) p=\(o["p_value"]?.numberValue.map { Fmt.fixed($0, 4) } ?? "–")"
                    }.joined(separator: ", "))
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List hypotheses with their latest result.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await reportingErrors {
                let db = try await store.storage()
                let all = try await db.hypotheses()
                guard !all.isEmpty else { print("no hypotheses yet; save one with `segmenta hypothesis create`"); return }
                var t = TextTable(["name", "did", "within", "outcome", "segment", "runs", "latest"])
                for h in all {
                    let runs = try await db.analysisRuns(kind: "hypothesis", parameter: h.name)
                    t.add([h.name, h.event, "\(h.withinDays) d", h.outcome.text, h.segment ?? "everyone", String(runs.count),
                           runs.last?.summary.objectValue?["verdict"]?.stringValue ?? "not tested yet"])
                }
                print(t.render())
            }
        }
    }
}
