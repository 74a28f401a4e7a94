import ArgumentParser
import SegmentaCore
import SegmentaStore
import SegmentaJobs

extension Segmenta {
    /// `segmenta compare`.
    struct Compare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare a segment with another (or with everyone else) KPI by KPI, with tests, effect sizes and intervals.",
            discussion: """
            Means (revenue, orders, AOV, MRR, CSAT): Welch's t-test, Cohen's d, 95 % Welch interval of the difference.
            Shares (churn, active:N, adoption:EVENT:N): two-proportion z-test, risk ratio, Newcombe interval.
            NPS: Mann-Whitney U on the scores, bootstrap interval of the NPS difference. p-values are Holm-adjusted
            across the KPIs. With --by TRAIT each value of the trait is compared with everyone else.
            """
        )

        @Argument(help: "Segment A.") var a: String?
        @Argument(help: "Segment B (default: everyone not in A).") var b: String?
        @Option(help: ArgumentHelp("Compare each value of a trait with the rest instead.", valueName: "trait")) var by: String?
        @Option(help: ArgumentHelp("KPIs, comma-separated: revenue, orders, aov, mrr, churn, active:DAYS, adoption:EVENT:DAYS, nps, csat.", valueName: "list")) var kpis: String?
        @Option(help: ArgumentHelp("Measure as of this date (default now).", valueName: "date")) var asOf: String?
        @Option(help: "Output: table or json.") var format: OutputFormat = .table
        @OptionGroup var store: StoreOptions

        func validate() throws {
            if by == nil && a == nil { throw ValidationError("name a segment to compare, or use --by TRAIT") }
            if by != nil && a != nil { throw ValidationError("use either segments A [B] or --by TRAIT") }
            if format == .csv { throw ValidationError("--format is table or json") }
        }

        func run() async throws {
            try await reportingErrors {
                let db = try await store.storage()
                let when = try parseAsOf(asOf) ?? .now
                var list: [KPI] = KPI.defaults
                if let kpis { list = try kpis.split(separator: ",").map { try KPI(parsing: String($0).trimmingCharacters(in: .whitespaces)) } }
                let reports = try await ComparisonRun.run(db, a: a, b: b, by: by, kpis: list, asOf: when)
                if format == .json {
                    print((reports.count == 1 ? reports[0].json : .array(reports.map(\.json))).jsonText)
                    return
                }
                for report in reports {
                    print(Terminal.bold("\(report.nameA) (\(Fmt.thousands(report.sizeA))) vs \(report.nameB) (\(Fmt.thousands(report.sizeB)))"))
                    var t = TextTable(["KPI", "A", "B", "difference", "95% CI", "effect", "test", "p (Holm)"], rightAligned: [1, 2, 3, 4, 5, 7])
                    for r in report.rows {
                        let fmt: (Double) -> String = { r.kpi.isProportion ? Fmt.percent($0) : Fmt.fixed($0, 2) }
                        t.add([r.kpi.description, fmt(r.a), fmt(r.b), fmt(r.difference), "[\(fmt(r.ci.low)), \(fmt(r.ci.high))]",
                               Fmt.fixed(r.effectSize, 2) + (r.kpi.isProportion ? "× RR" : r.kpi == .nps ? " pts" : " d"), r.test,
                               r.pAdjusted.isNaN ? "–" : (r.pAdjusted < 0.001 ? "<0.001" : Fmt.fixed(r.pAdjusted, 3))])
                    }
                    print(t.render())
                    for r in report.rows { print("  • " + r.verdict) }
                    print("")
                }
            }
        }
    }
}
