import ArgumentParser
import SegmentaCore
import SegmentaStore
import SegmentaJobs

extension Segmenta {
    /// `segmenta experiment create|assign|results`.
    struct ExperimentCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "experiment",
            abstract: "A/B tests inside a segment: stable assignment, exposures, conversion per variant with lift, p-value and an SRM check.",
            subcommands: [Create.self, Assign.self, Results.self]
        )
    }
}

extension Segmenta.ExperimentCommand {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Define an experiment.")
        @Argument var name: String
        @Option(help: ArgumentHelp("The segment it runs in.", valueName: "name")) var segment: String
        @Option(help: ArgumentHelp("Variant names; the first is the control.", valueName: "a,b")) var variants = "control,treatment"
        @Option(help: ArgumentHelp("Weights per variant, summing to 100.", valueName: "50,50")) var split = "50,50"
        @Option(help: ArgumentHelp("The goal event.", valueName: "event")) var goal: String
        @Option(help: "A conversion counts within this many days of first exposure.") var windowDays = 14
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await reportingErrors {
                let weights = split.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                let e = try Experiment(name: name, segment: segment, variants: variants.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) },
                                       split: weights, goal: goal, windowDays: windowDays)
                try await store.storage().createExperiment(e)
                print("created experiment \(name) in \(segment): \(zip(e.variants, e.split).map { "\($0) \($1)%" }.joined(separator: ", ")); goal \"\(goal)\" within \(windowDays) days")
            }
        }
    }

    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The variant of a user (recorded as an exposure); the same user always gets the same variant.")
        @Argument var name: String
        @Option(help: ArgumentHelp("A userId, anonymousId or profile id.", valueName: "id")) var user: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await reportingErrors {
                let db = try await store.storage()
                let variant = try await ExperimentRun.assign(db, experiment: name, user: user).variant
                print(variant)
            }
        }
    }

    struct Results: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Conversion per variant, lift over control with a 95% interval, p-value, SRM check, and a breakdown by segment.")
        @Argument var name: String
        @Option(help: ArgumentHelp("Measure as of this date (default now).", valueName: "date")) var asOf: String?
        @Option(help: "Output: table or json.") var format: OutputFormat = .table
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await reportingErrors {
                let db = try await store.storage()
                let when = try parseAsOf(asOf) ?? .now
                let (e, results, breakdown, json) = try await ExperimentRun.results(db, experiment: name, asOf: when)
                if format == .json { print(json.jsonText); return }
                print(Terminal.bold("\(name) in \(e.segment): goal \"\(e.goal)\" within \(e.windowDays) days of first exposure"))
                func table(_ r: Experiment.Results) -> String {
                    var t = TextTable(["variant", "exposed", "converted", "rate", "lift vs \(e.variants[0])", "95% CI", "p"], rightAligned: [1, 2, 3, 4, 6])
                    for v in r.variants {
                        t.add([v.variant, Fmt.thousands(v.exposed), Fmt.thousands(v.converted), v.rate.isNaN ? "–" : Fmt.percent(v.rate),
                               v.lift.map { Fmt.percent($0) } ?? "", v.liftLow.map { "[\(Fmt.percent($0)), \(Fmt.percent(v.liftHigh!))]" } ?? "",
                               v.pValue.map { $0 < 0.001 ? "<0.001" : Fmt.fixed($0, 3) } ?? ""])
                    }
                    return t.render()
                }
                print(table(results))
                print(results.sampleRatioMismatch
                      ? "⚠ sample ratio mismatch (p = \(Fmt.fixed(results.sampleRatioPValue, 5))): exposures do not follow the planned split; check the assignment before trusting the results"
                      : "sample ratio check passed (p = \(Fmt.fixed(results.sampleRatioPValue, 3)))")
                for (segment, r) in breakdown {
                    print("\n" + Terminal.bold("within \(segment)"))
                    print(table(r))
                }
            }
        }
    }
}
