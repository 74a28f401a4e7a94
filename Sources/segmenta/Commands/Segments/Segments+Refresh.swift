import ArgumentParser
import Foundation
import SegmentaCore
import SegmentaStore
import SegmentaJobs

extension Segmenta.Segments {
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
}
