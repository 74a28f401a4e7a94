import ArgumentParser
import Foundation
import SegmentaCore
import SegmentaStore
import SegmentaJobs

extension Segmenta.Segments {
    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Why a profile is in a segment, or not: every condition with the profile's value there and whether it held.",
            discussion: """
            Evaluates the segment's condition on that profile's own data (as of --as-of, default now), node by
            node. For someone outside it lists the conditions that would have to hold for them to enter; for a
            member, those whose failing would make them leave. --format json gives the tree with `held` and
            `value` on every node (the root's `held` is the membership).
              segmenta segments explain champions-detractors 10042
            """)
        @Argument(help: "The segment.") var name: String
        @Argument(help: "The profile: its id, a user id or an anonymous id.") var profile: String
        @Option(help: ArgumentHelp("Evaluate as of this date or timestamp; default now.", valueName: "date")) var asOf: String?
        @Option(help: "Output: table (readable) or json.") var format: OutputFormat = .table
        @OptionGroup var store: StoreOptions

        func validate() throws {
            if format == .csv { throw ValidationError("--format csv is not offered for an explanation (a tree); use table or json") }
        }

        func run() async throws {
            try await reportingErrors {
                let db = try await store.storage()
                // Without --as-of: the membership people see (the last refresh), and the live answer beside it.
                let e: MembershipExplanation
                if let when = try parseAsOf(asOf) {
                    e = try await MembershipExplanation.run(db, segment: name, profile: profile, asOf: when)
                } else {
                    e = try await MembershipExplanation.asSeen(db, segment: name, profile: profile, now: .now)
                }
                if format == .json { print(e.json.jsonText); return }
                for line in e.lines { print(line) }
            }
        }
    }
}
