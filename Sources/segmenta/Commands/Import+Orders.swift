import ArgumentParser
import SegmentaCore
import SegmentaStore

extension Segmenta.Import {
    struct Orders: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import orders from a CSV: customer_id, date (or timestamp), amount, optional order_id and currency.",
            discussion: """
            Dates may be ISO-8601, YYYY-MM-DD or YYYYMMDD. Other column names are mapped with the --*-column flags.
            The CDNOW file imports with:  segmenta import orders CDNOW_master.txt --delimiter whitespace --no-header --columns customer_id,date,cds,amount
            """
        )

        @Argument(help: "The orders file.") var file: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var format: FileFormatOptions
        @OptionGroup var mapping: OrderColumnOptions
        @OptionGroup var importOptions: ImportOptions
        @Option(help: "A name for where these orders come from.") var source = "file"
        @Flag(help: "Accept orders dated more than a day after now (refused by default: a date typed wrong would move every recency).") var allowFuture = false

        func run() async throws {
            try await reportingErrors {
                let clock = Stopwatch()
                let progress = ProgressBar(label: "importing", total: 100)
                let store = try await store.storage(existing: false)
                // Parse and store in segments of 64 MiB, all in one transaction: memory stays flat,
                // and a bad row anywhere (under --on-error fail) rolls back everything.
                var report = ScanReport()
                let result = try await FileBytes.with(file) { bytes, release in
                    var done = 0
                    return try await store.importOrders(source: source) { emit in
                        report = try OrderFileScan.forEachBatch(bytes, options: format.options, columns: mapping.columns,
                                                                policy: importOptions.onError, fileName: file,
                                                                consumed: { range in
                                                                    release(range)
                                                                    progress.update(range.upperBound * 100 / max(1, bytes.count), rows: done)
                                                                },
                                                                notAfter: allowFuture ? nil : Timestamp.now.adding(days: 1)) { orders in
                            try emit(orders)
                            done += orders.count
                        }
                        try report.requireRows(in: file)   // inside the transaction: nothing is written
                        progress.phase("writing \(Fmt.thousands(done)) orders in key order and indexing them…")
                    }
                }
                progress.finish()
                var skipped: [String] = []
                if report.issueCount > 0 { skipped.append("skipped \(report.issueSummary)") }
                if result.duplicates > 0 { skipped.append("\(Fmt.thousands(result.duplicates)) already stored") }
                print(importSummary(read: report.rowsRead, imported: result.inserted, skipped: skipped, seconds: clock.seconds)
                      + "; \(Fmt.thousands(result.profilesCreated)) new customers")
                for issue in report.issues.prefix(10) { Terminal.note("  skipped \(issue)") }
                if report.issueCount > 10 { Terminal.note("  … and \(report.issueCount - 10) more") }
            }
        }
    }
}
