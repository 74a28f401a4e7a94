import ArgumentParser
import SegmentaCore
import SegmentaStore
import SegmentaJobs

extension Segmenta {
    /// `segmenta clv`.
    struct CLV: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "clv",
            abstract: "Customer lifetime value: BG/NBD purchases and P(alive), Gamma-Gamma spend, discounted CLV per customer.",
            discussion: """
            As in Fader, Hardie & Lee (2005), Fader & Hardie (2013) and the `lifetimes` package: same-day orders are one
            purchase; frequency = repeat purchase days; recency = first to last purchase; T = first purchase to the end of
            calibration; monetary = mean value of repeat purchases. CLV = Σ over months of expected purchases × expected
            value, discounted by --discount-rate per month. From the store the computed traits clv, p_alive and
            expected_purchases are saved.
            """
        )

        @Option(help: ArgumentHelp("Orders CSV to use instead of the store.", valueName: "file")) var orders: String?
        @Option(help: ArgumentHelp("A summary CSV (customer_id,frequency,recency,T[,monetary]) to fit directly.", valueName: "file")) var summary: String?
        @Option(help: ArgumentHelp("Last day of the calibration period (default: the last order's day).", valueName: "date")) var calibrationEnd: String?
        @Option(help: ArgumentHelp("Check predictions against orders after calibration, up to this day.", valueName: "date")) var holdoutEnd: String?
        @Option(help: "Time unit of the model: day or week.") var timeUnit: TimeUnitOption = .week
        @Option(help: "CLV horizon in months.") var horizonMonths = 12
        @Option(help: "Discount rate per month.") var discountRate = 0.01
        @Option(help: "Output: table, csv or json.") var format: OutputFormat = .table
        @OptionGroup var store: StoreOptions
        @OptionGroup var orderFile: OrderFileOptions

        func validate() throws {
            if orders != nil && summary != nil { throw ValidationError("give --orders or --summary, not both") }
            if summary != nil && (calibrationEnd != nil || holdoutEnd != nil) { throw ValidationError("--calibration-end and --holdout-end need orders, not a summary") }
            guard (1...120).contains(horizonMonths) else { throw ValidationError("--horizon-months must be between 1 and 120") }
            guard discountRate >= 0 && discountRate < 1 else { throw ValidationError("--discount-rate is a monthly rate between 0 and 1, e.g. 0.01") }
        }

        func run() async throws {
            try await reportingErrors {
                let unit = timeUnit.unit
                let calibration = try parseAsOf(calibrationEnd, flag: "--calibration-end")
                let holdoutEnd = try parseAsOf(self.holdoutEnd, flag: "--holdout-end")
                var summaries: [CustomerSummary]
                var withMonetary = true
                var holdout: (actual: [String: Double], length: Double)?
                var db: (any Storage)?
                if let summary {
                    (summaries, withMonetary) = try SummaryFile.read(summary)
                } else if orders == nil && holdoutEnd == nil {
                    // From the store: the database computes one summary row per customer.
                    let opened = try await store.storage()
                    db = opened
                    summaries = try await StoreInputs.customerSummaries(opened, calibrationEnd: calibration, unit: unit)
                    guard !summaries.isEmpty else { throw CLIError("no orders to model; import some with `segmenta import orders FILE.csv`") }
                } else {
                    let list: [Order]
                    if let orders {
                        // Without an amount column, the purchase model (BG/NBD) still runs: expected
                        // purchases and P(alive) need only who bought when; spend and CLV need amounts.
                        var columns = orderFile.mapping.columns
                        columns.requireAmount = false
                        let options = orderFile.format.options
                        let (o, report, amounts) = try FileBytes.with(orders) { bytes in
                            let amounts = try columns.resolve(in: try options.layout(of: bytes).names).amount != nil
                            let (o, report) = try OrderFileScan.orders(bytes, options: options, columns: columns, policy: orderFile.errors.onError, fileName: orders)
                            return (o, report, amounts)
                        }
                        try report.requireRows(in: orders)
                        if report.issueCount > 0 { Terminal.note("skipped \(report.issueSummary)") }
                        if !amounts {
                            withMonetary = false
                            Terminal.note("\(orders) has no amount column: expected purchases and P(alive) only (BG/NBD); spend and CLV need amounts (--amount-column NAME)")
                        }
                        list = o
                    } else {
                        let opened = try await store.storage()
                        db = opened
                        list = try await opened.orders(before: nil)
                    }
                    guard !list.isEmpty else { throw CLIError("no orders to model; import some with `segmenta import orders FILE.csv`") }
                    let calEnd = calibration ?? list.map(\.timestamp).max()!
                    summaries = CustomerSummaryBuilder.summarize(list, calibrationEnd: calEnd, unit: unit)
                    if let holdoutEnd {
                        guard holdoutEnd.epochDay > calEnd.epochDay else { throw CLIError("--holdout-end must be after the calibration end (\(calEnd.dateString))") }
                        holdout = (CLVAnalysis.holdoutPurchases(list, calibrationEnd: calEnd, holdoutEnd: holdoutEnd),
                                   Double(holdoutEnd.epochDay - calEnd.epochDay) / unit.days)
                    }
                }
                let result = try CLVAnalysis.run(summaries, unit: unit, horizonMonths: horizonMonths, discountRate: discountRate,
                                                 withMonetary: withMonetary, holdout: holdout)
                if let c = result.frequencySpendCorrelation, abs(c) > 0.3 {
                    Terminal.note("warning: frequency and spend are correlated (r = \(Fmt.fixed(c, 2))) among repeat customers; the Gamma-Gamma model assumes they are independent, so treat spend predictions with care")
                }
                if let db { try await CLVWriteBack.save(result, to: db) }
                CLVOutput.print(result, format: format)
            }
        }
    }
}

enum TimeUnitOption: String, ExpressibleByArgument, CaseIterable {
    case day, week
    var unit: TimeUnit { self == .day ? .day : .week }
}

/// Reads `customer_id,frequency,recency,T[,monetary]`.
enum SummaryFile {
    static func read(_ path: String) throws -> ([CustomerSummary], Bool) {
        try FileBytes.with(path) { bytes in
            let (names, start, line) = try DelimitedFileOptions().layout(of: bytes)
            let lowered = names.map { $0.lowercased() }
            func column(_ options: [String]) throws -> Int {
                guard let i = options.lazy.compactMap({ lowered.firstIndex(of: $0) }).first else {
                    throw CLIError("\(path): no \(options[0]) column; expected customer_id,frequency,recency,T[,monetary] (found \(names.joined(separator: ", ")))")
                }
                return i
            }
            let id = try column(["customer_id", "id"]), f = try column(["frequency", "x"]), r = try column(["recency", "t_x"]), t = try column(["t"])
            let m = ["monetary", "monetary_value", "zbar"].lazy.compactMap { lowered.firstIndex(of: $0) }.first
            var rows: [CustomerSummary] = []
            var problem: String?
            try CSVScanner.scan(UnsafeBufferPointer(rebasing: bytes[start...]), delimiter: .comma, firstLine: line) { rec in
                func number(_ i: Int) -> Double? { i < rec.count ? DecimalParser.double(rec.bytes(i)) : nil }
                guard let fv = number(f), let rv = number(r), let tv = number(t) else {
                    problem = "line \(rec.line): frequency, recency and T must be numbers"
                    return false
                }
                rows.append(CustomerSummary(customerID: rec.string(id), frequency: fv, recency: rv, T: tv, monetary: m.flatMap(number) ?? 0))
                return true
            }
            if let problem { throw CLIError("\(path): \(problem)") }
            return (rows, m != nil)
        }
    }
}

enum CLVOutput {
    static func print(_ r: CLVAnalysis, format: OutputFormat) {
        func n(_ v: Double?) -> String { v.map(JSONValue.format) ?? "" }
        switch format {
        case .csv:
            var header = "customer_id,frequency,recency,T,monetary,p_alive,expected_purchases,expected_avg_value,clv"
            if r.holdout != nil { header += ",predicted_holdout,actual_holdout" }
            Console.print(header)
            var out = ""
            for c in r.customers {
                let s = c.summary
                out += "\(CSVCell.field(s.customerID)),\(n(s.frequency)),\(n(s.recency)),\(n(s.T)),\(n(s.monetary)),\(n(c.probabilityAlive)),\(n(c.expectedPurchases)),\(n(c.expectedAverageValue)),\(n(c.clv))"
                if r.holdout != nil { out += ",\(n(c.predictedHoldout)),\(n(c.actualHoldout))" }
                out += "\n"
                if out.utf8.count > 1 << 20 { Console.print(out, terminator: ""); out = "" }
            }
            Console.print(out, terminator: "")
        case .json:
            // Streamed customer by customer (keys in sorted order, as a JSON tree would print them):
            // a million customers no longer build a tree of a million objects first.
            var w = JSONStreamWriter { Console.print($0, terminator: "") }
            w.beginObject()
            w.member("bgnbd", .object(["r": .number(r.bgnbd.r), "alpha": .number(r.bgnbd.alpha), "a": .number(r.bgnbd.a), "b": .number(r.bgnbd.b),
                                       "log_likelihood": .number(r.bgnbd.logLikelihood),
                                       "standard_errors": r.bgnbd.standardErrors.map { se in .object(["r": .number(se[0]), "alpha": .number(se[1]), "a": .number(se[2]), "b": .number(se[3])]) } ?? .null]))
            w.key("customers")
            w.beginArray()
            for c in r.customers {
                w.beginObject()
                w.key("T"); w.number(c.summary.T)
                if c.predictedHoldout != nil { w.key("actual_holdout"); w.number(c.actualHoldout ?? 0) }
                w.key("clv"); w.number(c.clv)
                w.key("customer_id"); w.string(c.summary.customerID)
                w.key("expected_avg_value"); w.number(c.expectedAverageValue)
                w.key("expected_purchases"); w.number(c.expectedPurchases)
                w.key("frequency"); w.number(c.summary.frequency)
                w.key("monetary"); w.number(c.summary.monetary)
                w.key("p_alive"); w.number(c.probabilityAlive)
                if let p = c.predictedHoldout { w.key("predicted_holdout"); w.number(p) }
                w.key("recency"); w.number(c.summary.recency)
                w.endObject()
            }
            w.endArray()
            w.member("discount_rate", .number(r.discountRate))
            w.member("gamma_gamma", r.gammaGamma.map { g in .object(["p": .number(g.p), "q": .number(g.q), "v": .number(g.v), "log_likelihood": .number(g.logLikelihood)]) } ?? .null)
            if let h = r.holdout {
                w.member("holdout", .object(["length": .number(h.length), "predicted": .number(h.predicted), "actual": .number(h.actual), "correlation": .number(h.correlation)]))
            }
            w.member("horizon_months", .number(Double(r.horizonMonths)))
            w.member("time_unit", .string(r.unit.rawValue))
            w.endObject()
            w.finish()
            Console.print("")
        case .table:
            let b = r.bgnbd
            Console.print(Terminal.bold("BG/NBD on \(Fmt.thousands(r.customers.count)) customers (time unit: \(r.unit.rawValue))"))
            var t = TextTable(["parameter", "estimate", "std. error"], rightAligned: [1, 2])
            for (i, (name, v)) in [("r", b.r), ("alpha", b.alpha), ("a", b.a), ("b", b.b)].enumerated() {
                t.add([name, Fmt.fixed(v, 4), b.standardErrors.map { Fmt.fixed($0[i], 4) } ?? "–"])
            }
            Console.print(t.render())
            Console.print("log-likelihood \(Fmt.fixed(b.logLikelihood, 1))")
            if let g = r.gammaGamma {
                Console.print("\n" + Terminal.bold("Gamma-Gamma on repeat customers: p = \(Fmt.fixed(g.p, 3)), q = \(Fmt.fixed(g.q, 3)), v = \(Fmt.fixed(g.v, 3))"))
            }
            if let h = r.holdout {
                Console.print("\n" + Terminal.bold("Holdout (\(Fmt.fixed(h.length, 1)) \(r.unit.rawValue)s): predicted \(Fmt.fixed(h.predicted, 0)) repeat purchases, actual \(Fmt.fixed(h.actual, 0)) (\(Fmt.percent(h.actual == 0 ? 0 : h.predicted / h.actual - 1)) off); per-customer correlation \(Fmt.fixed(h.correlation, 3))"))
            }
            let ranked = r.customers.filter { $0.clv != nil }.sorted { $0.clv! > $1.clv! }
            if !ranked.isEmpty {
                let total = ranked.reduce(0) { $0 + $1.clv! }
                let top = ranked.prefix(max(1, ranked.count / 10)).reduce(0) { $0 + $1.clv! }
                Console.print("\n" + Terminal.bold("\(r.horizonMonths)-month CLV: total \(Fmt.fixed(total, 0)), mean \(Fmt.fixed(total / Double(ranked.count), 2)); the top 10 % hold \(Fmt.percent(top / total))"))
                var tt = TextTable(["customer", "frequency", "recency", "T", "P(alive)", "exp. purchases", "exp. value", "CLV"], rightAligned: Set(1...7))
                for c in ranked.prefix(10) {
                    tt.add([c.summary.customerID, Fmt.fixed(c.summary.frequency, 0), Fmt.fixed(c.summary.recency, 1), Fmt.fixed(c.summary.T, 1),
                            Fmt.fixed(c.probabilityAlive, 3), Fmt.fixed(c.expectedPurchases, 2), Fmt.fixed(c.expectedAverageValue ?? 0, 2), Fmt.fixed(c.clv!, 2)])
                }
                Console.print(tt.render())
            }
        }
    }
}
