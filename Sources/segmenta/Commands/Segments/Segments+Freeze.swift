import ArgumentParser
import Foundation
import SegmentaCore
import SegmentaStore
import SegmentaJobs

extension Segmenta.Segments {
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
