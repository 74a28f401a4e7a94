import ArgumentParser
import SegmentaCore
import SegmentaStore

extension Segmenta {
    /// `segmenta cohorts`.
    struct Cohorts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cohort retention: of the customers first active in each month (or week), the share active k periods later.",
            discussion: """
            Cohort = period of first activity (or of --cohort-trait, e.g. signed_up_at); retention(k) = distinct customers
            active in period k ÷ cohort size. Periods after the end of the data are left out (censored), not shown as zero.
            """
        )

        @Option(help: "Period: month or week (weeks start on Monday).") var period: CohortPeriod = .month
        @Option(help: ArgumentHelp("Split cohorts by a trait, e.g. acquisition_channel.", valueName: "trait")) var by: String?
        @Option(help: ArgumentHelp("What counts as activity: orders, events, or an event name.", valueName: "kind")) var activity = "orders"
        @Option(help: ArgumentHelp("Start cohorts at a date trait (e.g. signed_up_at) instead of first activity.", valueName: "trait")) var cohortTrait: String?
        @Option(help: ArgumentHelp("Compute from an orders CSV directly, without the store.", valueName: "file")) var orders: String?
        @Option(help: "Output: table, csv or json.") var format: OutputFormat = .table
        @OptionGroup var store: StoreOptions
        @OptionGroup var orderFile: OrderFileOptions

        func validate() throws {
            if orders != nil && (by != nil || cohortTrait != nil) {
                throw ValidationError("--by and --cohort-trait need traits from the store; they cannot be used with --orders")
            }
            if orders != nil && activity != "orders" {
                throw ValidationError("with --orders the activity is the orders in the file; leave out --activity")
            }
        }

        func run() async throws {
            try await reportingErrors {
                let cells: [CohortRetention.Cell]
                if let orders {
                    // Retention counts orders, not their value: a file of customer ids and dates is enough.
                    var columns = orderFile.mapping.columns
                    columns.requireAmount = false
                    let (list, report) = try FileBytes.with(orders) { bytes in
                        try OrderFileScan.orders(bytes, options: orderFile.format.options, columns: columns, policy: orderFile.errors.onError, fileName: orders)
                    }
                    try report.requireRows(in: orders)
                    if report.issueCount > 0 { Terminal.note("skipped \(report.issueSummary)") }
                    cells = CohortRetention.compute(activity: list.filter { $0.amount >= 0 }.map { .init(customerID: $0.customerID, timestamp: $0.timestamp) }, period: period)
                } else {
                    let db = try await store.storage()
                    let acts = try await db.activity(ActivitySource(activity))
                    guard !acts.isEmpty else {
                        throw CLIError("no activity of kind \"\(activity)\" in the store; use --activity orders, events, or an event name that exists")
                    }
                    var groups: [String: String]?
                    if let trait = by {
                        let values = try await db.traitValues(trait)
                        guard !values.isEmpty else { throw CLIError("no profile has the trait \"\(trait)\"; check the name (traits are case-sensitive)") }
                        groups = values
                    }
                    var starts: [String: Timestamp]?
                    if let trait = cohortTrait {
                        let values = try await db.traitTimestamps(trait)
                        guard !values.isEmpty else { throw CLIError("no profile has a date in the trait \"\(trait)\"") }
                        starts = values
                    }
                    cells = CohortRetention.compute(activity: acts, period: period, groups: groups, cohortStarts: starts)
                }
                CohortOutput.print(cells, period: period, grouped: by != nil, format: format)
            }
        }
    }
}

enum CohortOutput {
    static func print(_ cells: [CohortRetention.Cell], period: CohortPeriod, grouped: Bool, format: OutputFormat) {
        switch format {
        case .csv:
            Console.print((grouped ? "group," : "") + "cohort,period,size,active,retention")
            for c in cells {
                Console.print((grouped ? CSVCell.field(c.group ?? "") + "," : "") + "\(c.cohort),\(c.period),\(c.size),\(c.active),\(JSONValue.format(c.retention))")
            }
        case .json:
            let rows: [JSONValue] = cells.map { c in
                var o: [String: JSONValue] = ["cohort": .string(c.cohort), "period": .number(Double(c.period)), "size": .number(Double(c.size)),
                                              "active": .number(Double(c.active)), "retention": .number(c.retention)]
                if grouped { o["group"] = .string(c.group ?? "") }
                return .object(o)
            }
            Console.print(JSONValue.object(["period": .string(period.rawValue), "cells": .array(rows)]).jsonText)
        case .table:
            let groups = Array(Set(cells.map { $0.group ?? "" })).sorted()
            for g in groups {
                let mine = cells.filter { ($0.group ?? "") == g }
                if grouped { Console.print(Terminal.bold("\n\(g)")) }
                Console.print(triangle(mine, period: period))
            }
        }
    }

    /// The retention triangle: one row per cohort, one column per period since.
    static func triangle(_ cells: [CohortRetention.Cell], period: CohortPeriod) -> String {
        let cohorts = Array(Set(cells.map(\.cohort))).sorted()
        let maxK = min(cells.map(\.period).max() ?? 0, 24)
        var t = TextTable(["cohort", "size"] + (0...maxK).map { "\(period == .month ? "M" : "W")\($0)" }, rightAligned: Set(1...(maxK + 2)))
        for cohort in cohorts {
            let row = cells.filter { $0.cohort == cohort }
            var line = [cohort, Fmt.thousands(row.first?.size ?? 0)]
            for k in 0...maxK { line.append(row.first { $0.period == k }.map { Fmt.fixed($0.retention * 100, 0) + "%" } ?? "") }
            t.add(line)
        }
        return t.render()
    }
}
