import ArgumentParser
import Foundation
import SegmentaCore
import SegmentaStore
import SegmentaJobs

extension Segmenta.Segments {
    struct Alerts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Drift alerts, newest first: a segment's size outside its usual range, or its mix shifted, at a refresh.",
            discussion: """
            Every refresh (this CLI, the API, the dashboard, the scheduled recompute) compares the segment with its
            earlier refreshes of the same definition: its size against control limits (3 standard deviations of the
            last 8 sizes, at least √mean, and at least 5%), and its members' mix of plan, country, lifecycle stage
            and RFM segment against the previous refresh (χ² test, Holm across the traits, p < 0.01, a share moved
            by 5 points or more). What is significant is kept, listed here and sent to the segment's webhooks.
            """)
        @Argument(help: "Only this segment's alerts.") var name: String?
        @Option(help: "Most alerts to show.") var limit = 20
        @Option(help: "Output: table or json.") var format: OutputFormat = .table
        @OptionGroup var store: StoreOptions

        func validate() throws {
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000") }
            if format == .csv { throw ValidationError("--format csv is not offered for alerts; use table or json") }
        }

        func run() async throws {
            try await reportingErrors {
                let db = try await store.storage()
                if let name, try await db.segment(named: name) == nil { throw CLIError("no segment named \"\(name)\"; `segmenta segments list` shows them") }
                let alerts = try await db.alerts(segment: name, limit: limit)
                if format == .json {
                    print(JSONValue.object(["alerts": .array(alerts.map(\.json))]).jsonText)
                    return
                }
                guard !alerts.isEmpty else { print("no alerts\(name.map { " for \($0)" } ?? ""): every refresh so far stayed within its usual range"); return }
                for a in alerts { print("\(a.createdAt.dateString)  \(a.message)") }
            }
        }
    }
}
