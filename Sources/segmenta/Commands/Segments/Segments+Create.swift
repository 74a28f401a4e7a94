import ArgumentParser
import Foundation
import SegmentaCore
import SegmentaStore
import SegmentaJobs

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
}
