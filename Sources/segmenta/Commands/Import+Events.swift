import ArgumentParser
import SegmentaCore
import SegmentaStore

extension Segmenta.Import {
    struct Events: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import Segment-spec messages from a JSONL file: identify, track, page, screen, group, alias.",
            discussion: "One JSON message per line. Messages are deduplicated by messageId (per --source); track \"Order Completed\" with a revenue also records an order."
        )

        @Argument(help: "The JSONL file.") var file: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var importOptions: ImportOptions
        @Option(help: "Deduplication scope: messageIds are unique per source.") var source = "file"

        func run() async throws {
            try await reportingErrors {
                let clock = Stopwatch()
                let progress = ProgressBar(label: "importing", total: 100)
                let store = try await store.storage(existing: false)
                let arrival = Timestamp.now
                // Read in segments, each parsed on all cores, and applied in one transaction: a bad
                // line (under --on-error fail) or a failure anywhere rolls back everything.
                var report = ScanReport()
                var done = 0
                let result = try await FileBytes.with(file) { bytes, release in
                    try await store.importMessages { emit in
                        report = try MessageFileScan.forEachSegment(bytes, policy: importOptions.onError, fileName: file,
                                                                    consumed: { range in
                                                                        release(range)
                                                                        progress.update(range.upperBound * 100 / max(1, bytes.count), rows: done)
                                                                    }) { segment in
                            var batch = MessageBatch(messages: segment.messages, source: source, arrival: arrival)
                            batch.encoded = segment.encoded
                            try emit(batch)
                            done += segment.messages.count
                        }
                    }
                }
                progress.finish()
                var skipped: [String] = []
                if report.issueCount > 0 { skipped.append("skipped \(report.issueSummary)") }
                if result.duplicates > 0 { skipped.append("\(Fmt.thousands(result.duplicates)) already stored") }
                let kinds = Message.Kind.allCases.compactMap { k in result.byKind[k].map { "\(Fmt.thousands($0)) \(k.rawValue)" } }
                print(importSummary(read: report.rowsRead, imported: result.accepted, skipped: skipped, seconds: clock.seconds)
                      + (kinds.isEmpty ? "" : " (\(kinds.joined(separator: ", ")))")
                      + "; \(Fmt.thousands(result.profilesCreated)) new profiles, \(result.profilesMerged) merged, \(result.ordersCreated) orders")
                for issue in report.issues.prefix(10) { Terminal.note("  skipped \(issue)") }
            }
        }
    }
}
