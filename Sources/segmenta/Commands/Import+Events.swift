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
                var report = ScanReport()
                let messages: [Message] = try FileBytes.with(file) { bytes in
                    var out: [Message] = []
                    var line = 0
                    var start = 0
                    while start < bytes.count {
                        var end = start
                        while end < bytes.count, bytes[end] != 10 { end += 1 }
                        line += 1
                        defer { start = end + 1 }
                        let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
                        if slice.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
                        report.rowsRead += 1
                        do {
                            guard case .object(let object) = try JSONTextParser.parse(bytes: slice) else {
                                report.record(RowIssue(line: line, column: nil, reason: "expected a JSON object"))
                                continue
                            }
                            out.append(try Message.decode(object))
                            report.rowsValid += 1
                        } catch let e as JSONTextParser.SyntaxError {
                            report.record(RowIssue(line: line, column: nil, reason: e.description))
                        } catch let e as Message.Invalid {
                            report.record(RowIssue(line: line, column: nil, reason: e.reason))
                        }
                    }
                    return out
                }
                if report.issueCount > 0 && importOptions.onError == .fail { throw report.failure(file: file) }
                let store = try await store.storage(existing: false)
                let result = try await store.apply(messages, source: source, arrival: .now)
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
