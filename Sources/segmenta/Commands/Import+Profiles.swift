import ArgumentParser
import SegmentaCore
import SegmentaStore

extension Segmenta.Import {
    struct Profiles: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import profiles from a CSV: an id column plus any columns as traits (types inferred).",
            discussion: "Numbers, true/false, ISO dates and text are recognised per column; empty cells leave a trait unset; a column named company.size becomes a nested trait."
        )

        @Argument(help: "The profiles file.") var file: String
        @Option(help: ArgumentHelp("The id column (default id, user_id or customer_id).", valueName: "name")) var idColumn: String?
        @OptionGroup var store: StoreOptions
        @OptionGroup var format: FileFormatOptions
        @OptionGroup var importOptions: ImportOptions

        func run() async throws {
            try await reportingErrors {
                let clock = Stopwatch()
                let (rows, types, report) = try FileBytes.with(file) { bytes in
                    try ProfileFileReader.read(bytes, options: format.options, idColumn: idColumn, policy: importOptions.onError, fileName: file)
                }
                let store = try await store.storage(existing: false)
                let result = try await store.importProfiles(rows, at: .now)
                var skipped: [String] = []
                if report.issueCount > 0 { skipped.append("skipped \(report.issueSummary)") }
                print(importSummary(read: report.rowsRead, imported: rows.count, skipped: skipped, seconds: clock.seconds)
                      + "; \(Fmt.thousands(result.created)) new, \(Fmt.thousands(result.updated)) updated")
                print("traits: " + types.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value.rawValue))" }.joined(separator: ", "))
                for issue in report.issues.prefix(10) { Terminal.note("  skipped \(issue)") }
            }
        }
    }
}
