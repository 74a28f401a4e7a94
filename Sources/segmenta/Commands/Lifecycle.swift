import ArgumentParser
import SegmentaCore
import SegmentaStore
import SegmentaJobs

extension Segmenta {
    /// `segmenta lifecycle`.
    struct Lifecycle: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Place every customer in a lifecycle stage: prospect, new, active, at_risk or lost.",
            discussion: """
            prospect: no order · new: first order within --new-days · lost: no order for more than --lost-days ·
            at_risk: no order for more than --at-risk-factor × the customer's median gap between order days
            (--single-order-days for customers with one order day) · active: the rest.
            From the store, the stage is saved as the computed trait `lifecycle`.
            """
        )

        @Option(help: ArgumentHelp("Snapshot date (default: the day after the last order).", valueName: "date")) var asOf: String?
        @Option(help: ArgumentHelp("Classify an orders CSV directly, without the store.", valueName: "file")) var orders: String?
        @Option(help: "Output: table, csv or json.") var format: OutputFormat = .table
        @Option(help: "A first order at most this many days old makes a customer new.") var newDays = 30
        @Option(help: "At risk after this many times the customer's median gap between orders.") var atRiskFactor = 2.0
        @Option(help: "At-risk threshold in days for customers who ordered on one day only.") var singleOrderDays = 90
        @Option(help: "Lost after more than this many days without an order.") var lostDays = 365
        @OptionGroup var store: StoreOptions
        @OptionGroup var orderFile: OrderFileOptions

        func validate() throws {
            guard newDays >= 0, lostDays > 0, atRiskFactor > 0, singleOrderDays > 0 else {
                throw ValidationError("--new-days, --lost-days, --at-risk-factor and --single-order-days must be positive")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let asOf = try parseAsOf(self.asOf)
                let options = LifecycleOptions(newDays: newDays, atRiskFactor: atRiskFactor, singleOrderAtRiskDays: singleOrderDays, lostDays: lostDays)
                let result: (asOf: Timestamp, customers: [LifecycleClassifier.Assignment])
                if let orders {
                    let (list, report) = try FileBytes.with(orders) { bytes in
                        try OrderFileScan.orders(bytes, options: orderFile.format.options, columns: orderFile.mapping.columns, policy: orderFile.errors.onError, fileName: orders)
                    }
                    try report.requireRows(in: orders)
                    if report.issueCount > 0 { Terminal.note("skipped \(report.issueSummary)") }
                    result = LifecycleClassifier.classify(orders: list, asOf: asOf, options: options)
                } else {
                    let db = try await store.storage()
                    result = try await StoreInputs.lifecycle(db, asOf: asOf, options: options)
                    try await LifecycleWriteBack.save(result.customers, asOf: result.asOf, to: db)
                }
                LifecycleOutput.print(result.customers, asOf: result.asOf, format: format)
            }
        }
    }
}

enum LifecycleOutput {
    static func print(_ customers: [LifecycleClassifier.Assignment], asOf: Timestamp, format: OutputFormat) {
        func opt(_ v: Int?) -> String { v.map(String.init) ?? "" }
        switch format {
        case .csv:
            Console.print("customer_id,stage,orders,days_since_first,days_since_last,median_gap_days")
            for c in customers {
                Console.print("\(CSVCell.field(c.customerID)),\(c.stage.rawValue),\(c.orders),\(opt(c.daysSinceFirst)),\(opt(c.daysSinceLast)),\(c.medianGapDays.map(JSONValue.format) ?? "")")
            }
        case .json:
            // Streamed row by row (keys in sorted order, as a JSON tree would print them).
            var w = JSONStreamWriter { Console.print($0, terminator: "") }
            w.beginObject()
            w.member("as_of", .string(asOf.dateString))
            w.key("customers")
            w.beginArray()
            for c in customers {
                w.beginObject()
                w.key("customer_id"); w.string(c.customerID)
                w.key("days_since_first"); w.number(c.daysSinceFirst.map(Double.init))
                w.key("days_since_last"); w.number(c.daysSinceLast.map(Double.init))
                w.key("median_gap_days"); w.number(c.medianGapDays)
                w.key("orders"); w.number(Double(c.orders))
                w.key("stage"); w.string(c.stage.rawValue)
                w.endObject()
            }
            w.endArray()
            w.member("summary", summary(customers))
            w.endObject()
            w.finish()
            Console.print("")
        case .table:
            Console.print(Terminal.bold("Lifecycle of \(Fmt.thousands(customers.count)) customers as of \(asOf.dateString)"))
            Console.print("")
            var t = TextTable(["stage", "customers", "share"], rightAligned: [1, 2])
            for stage in LifecycleStage.allCases {
                let n = customers.filter { $0.stage == stage }.count
                t.add([stage.rawValue, Fmt.thousands(n), Fmt.percent(customers.isEmpty ? 0 : Double(n) / Double(customers.count))])
            }
            Console.print(t.render())
        }
    }

    static func summary(_ customers: [LifecycleClassifier.Assignment]) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: LifecycleStage.allCases.map { s in
            (s.rawValue, JSONValue.number(Double(customers.filter { $0.stage == s }.count)))
        }))
    }
}
