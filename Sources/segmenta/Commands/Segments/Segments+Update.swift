import ArgumentParser
import Foundation
import SegmentaCore
import SegmentaStore
import SegmentaJobs

extension Segmenta.Segments {
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
}
