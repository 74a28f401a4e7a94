import ArgumentParser
import SegmentaCore

extension Segmenta {
    /// `segmenta import orders|profiles|events`.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import orders (CSV), profiles (CSV) or Segment-spec events (JSONL) into the store.",
            discussion: "Each import is all or nothing unless --on-error skip is given.",
            subcommands: [Orders.self, Profiles.self, Events.self, Tickets.self]
        )
    }
}

/// `--on-error` and `--source`, shared by the imports.
struct ImportOptions: ParsableArguments {
    @Option(help: "What to do with bad rows: fail (change nothing) or skip (import the rest and report them).")
    var onError: ErrorPolicy = .fail
}

/// The one-line summary every import prints.
func importSummary(read: Int, imported: Int, skipped: [String], seconds: Double) -> String {
    let skip = skipped.isEmpty ? "0 skipped" : skipped.joined(separator: ", ")
    return "read \(Fmt.thousands(read)), imported \(Fmt.thousands(imported)), \(skip) in \(Fmt.fixed(seconds, 2)) s"
}
