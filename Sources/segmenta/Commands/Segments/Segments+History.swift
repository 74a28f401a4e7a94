import ArgumentParser
import Foundation
import SegmentaCore
import SegmentaStore
import SegmentaJobs

extension Segmenta.Segments {
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
}
