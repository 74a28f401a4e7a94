import ArgumentParser
import Foundation
import SegmentaCore
import SegmentaJobs
import SegmentaStore

extension Segmenta.Import {
    /// `segmenta import tickets`.
    struct Tickets: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a Zendesk ticket export (CSV, or JSON lines of ticket objects) as Ticket Created / Ticket Solved / Survey Answered events.",
            discussion: "Each requester is found by their external id (your user id), or else by the one person with their email. Importing the same export again adds nothing. Columns and fields: docs/SUPPORT.md."
        )

        @Argument(help: "The export: .csv (or another delimited file), or .json / .jsonl / .ndjson.") var file: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var format: FileFormatOptions
        @OptionGroup var importOptions: ImportOptions

        func run() async throws {
            try await reportingErrors {
                let clock = Stopwatch()
                let lower = file.lowercased()
                let (tickets, report): ([ZendeskTicketFile.Ticket], ScanReport)
                if lower.hasSuffix(".json") || lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") {
                    guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("no file at \(file): check the path") }
                    (tickets, report) = try ZendeskTicketFile.readJSON(String(decoding: data, as: UTF8.self), policy: importOptions.onError, fileName: file)
                } else {
                    (tickets, report) = try FileBytes.with(file) { bytes in
                        try ZendeskTicketFile.readCSV(bytes, options: format.options, policy: importOptions.onError, fileName: file)
                    }
                }
                let db = try await store.storage(existing: false)
                let result = try await SupportTicketImport.run(tickets, into: db, arrival: .now)
                var skipped: [String] = []
                if report.issueCount > 0 { skipped.append("skipped \(report.issueSummary)") }
                if !result.unmatched.isEmpty { skipped.append("\(Fmt.thousands(result.unmatched.count)) whose requester nobody is") }
                print(importSummary(read: report.rowsRead, imported: result.tickets, skipped: skipped, seconds: clock.seconds)
                      + "; \(Fmt.thousands(result.events)) events stored, \(Fmt.thousands(result.duplicates)) already there")
                for issue in report.issues.prefix(10) { Terminal.note("  skipped \(issue)") }
                for u in result.unmatched.prefix(10) {
                    Terminal.note("  line \(u.line): nobody is \(u.email.isEmpty ? "the requester" : u.email) (no external id; \(u.email.isEmpty ? "no email" : "no one, or several people, with this email")) — import the people first, or add Requester external id to the export")
                }
            }
        }
    }
}
