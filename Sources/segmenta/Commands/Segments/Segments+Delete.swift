import ArgumentParser
import Foundation
import SegmentaCore
import SegmentaStore
import SegmentaJobs

extension Segmenta.Segments {
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
}
