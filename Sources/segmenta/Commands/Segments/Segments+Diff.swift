import ArgumentParser
import Foundation
import SegmentaCore
import SegmentaStore
import SegmentaJobs

extension Segmenta.Segments {
    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Who entered and who left a segment between two snapshots (the latest at or before each date).")
        @Argument var name: String
        @Option(help: ArgumentHelp("The earlier as-of.", valueName: "date")) var from: String
        @Option(help: ArgumentHelp("The later as-of.", valueName: "date")) var to: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await reportingErrors {
                guard let a = try parseAsOf(from, flag: "--from"), let b = try parseAsOf(to, flag: "--to") else { return }
                let db = try await store.storage()
                guard let sa = try await db.snapshot(of: name, asOf: a) else { throw CLIError("\(name) has no snapshot at or before \(from); refresh it with --as-of \(from)") }
                guard let sb = try await db.snapshot(of: name, asOf: b) else { throw CLIError("\(name) has no snapshot at or before \(to)") }
                let before = Set(try await db.members(of: name, snapshot: sa.id)), after = Set(try await db.members(of: name, snapshot: sb.id))
                print("change,profile_id")
                for id in CustomerOrder.sorted(Array(after.subtracting(before))) { print("entered,\(CSVCell.field(id))") }
                for id in CustomerOrder.sorted(Array(before.subtracting(after))) { print("exited,\(CSVCell.field(id))") }
                // Sizes are the facts recorded at each refresh; the ids are those kept since (a later
                // identity merge or privacy delete changes who is listed, never the recorded sizes).
                Terminal.note("\(name): \(Fmt.thousands(sa.size)) at \(sa.asOf.iso8601) → \(Fmt.thousands(sb.size)) at \(sb.asOf.iso8601)")
            }
        }
    }
}
