import ArgumentParser
import SegmentaCore
import SegmentaStore
import SegmentaJobs

extension Segmenta {
    /// `segmenta rfm`.
    struct RFM: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rfm",
            abstract: "Score customers on recency, frequency and monetary value (1–5) and name their RFM segments.",
            discussion: """
            Snapshot = the day after the last order (or --as-of); recency = whole days since a customer's last order;
            frequency = orders; monetary = sum of amounts. A negative amount is a refund: it lowers monetary but is not
            an order for frequency or recency (--refunds as-orders counts it as an order, the old rule). Scores are quantile bins of ranks with ties broken by
            customer id, identical to pandas qcut(x.rank(method="first"), 5). Without --orders the store is scored and
            the results are saved as computed traits (rfm_recency, rfm_frequency, rfm_monetary, rfm_r, rfm_f, rfm_m, rfm_segment).
            """
        )

        @Option(help: ArgumentHelp("Snapshot date (orders on or after it are left out).", valueName: "date")) var asOf: String?
        @Option(help: ArgumentHelp("Score an orders CSV directly, without the store.", valueName: "file")) var orders: String?
        @Option(help: "Output: table, csv or json.") var format: OutputFormat = .table
        @Option(help: "Number of score bins (named segments need 5).") var bins = 5
        @Option(help: ArgumentHelp("Own cut points per metric, e.g. \"r=30,90,180,365;f=1,2,5,10;m=50,100,500,1000\".", valueName: "spec"))
        var cutPoints: String?
        @Option(help: "Negative amounts: subtract (refunds: lower monetary, not purchases) or as-orders (count them as orders, the old rule).")
        var refunds: RefundPolicy = .subtract
        @OptionGroup var store: StoreOptions
        @OptionGroup var orderFile: OrderFileOptions

        func validate() throws {
            guard (2...10).contains(bins) else { throw ValidationError("--bins must be between 2 and 10") }
        }

        func run() async throws {
            try await reportingErrors {
                let asOf = try parseAsOf(self.asOf)
                var options = RFMOptions(bins: bins)
                if let cutPoints { try options.applyCutPoints(cutPoints) }
                let result: RFMResult
                var source = "store \(store.location)"
                if let orders {
                    source = orders
                    let (totals, report) = try FileBytes.with(orders) { bytes, release in
                        try OrderFileScan.totals(bytes, options: orderFile.format.options, columns: orderFile.mapping.columns, before: asOf,
                                                 policy: orderFile.errors.onError, fileName: orders, parallelism: 2, refunds: refunds,
                                                 consumed: { release($0) })
                    }
                    try report.requireRows(in: orders)
                    if report.issueCount > 0 { Terminal.note("skipped \(report.issueSummary); first: \(report.issues[0])") }
                    result = try RFMScorer.score(totals, asOf: asOf, options: options)
                } else {
                    let db = try await store.storage()
                    // The rows are formatted on a spare core while the store saves them, and
                    // printed once the save has succeeded (a failed save prints no results).
                    let format = format
                    let rendered = Shared<Task<[String], Never>>()
                    result = try await RFMWriteBack.scoreAndSave(db, asOf: asOf, refunds: refunds, options: options) { result in
                        guard format != .table else { return }
                        rendered.set(Task { await Background.run { RFMOutput.pieces(result, format: format) } })
                    }
                    if let task = rendered.value {
                        for piece in await task.value { print(piece, terminator: "") }
                        return
                    }
                }
                switch format {
                case .csv: RFMOutput.csv(result)
                case .json: RFMOutput.json(result)
                case .table: RFMOutput.table(result, source: source)
                }
            }
        }
    }
}

