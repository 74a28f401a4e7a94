import ArgumentParser
import SegmentaCore
import SegmentaStore

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
                let db = try store.openExisting()
                let when = try parseAsOf(asOf) ?? .now
                var list: [KPI] = KPI.defaults
                if let kpis { list = try kpis.split(separator: ",").map { try KPI(parsing: String($0).trimmingCharacters(in: .whitespaces)) } }
                var values: [KPI: [String: Double]] = [:]
                for k in list { values[k] = try db.kpiValues(k, asOf: when) }
                let everyone = Set(try db.profileIDs())
                var groups: [(String, Set<String>, String, Set<String>)] = []
                if let by {
                    let traits = try db.traitValues(by)
                    guard !traits.isEmpty else { throw CLIError("no profile has the trait \"\(by)\"") }
                    for value in Set(traits.values).sorted() {
                        let members = Set(traits.filter { $0.value == value }.keys)
                        groups.append(("\(by) = \(value)", members, "the rest", everyone.subtracting(members)))
                    }
                } else {
                    let first = Set(try db.members(of: a!))
                    guard try db.segment(named: a!)?.lastRefreshAt != nil else { throw CLIError("\(a!) has never been refreshed; run `segmenta segments refresh \(a!)`") }
                    let second = try b.map { Set(try db.members(of: $0)) } ?? everyone.subtracting(first)
                    groups.append((a!, first, b ?? "the rest", second))
                }
                var reports: [JSONValue] = []
                var computed: [[SegmentComparison.Row]] = groups.map { nameA, setA, nameB, setB in
                    let input = list.map { k in (k, setA.compactMap { values[k]![$0] }, setB.compactMap { values[k]![$0] }) }
                    return SegmentComparison.compare(input, names: (nameA, nameB))
                }
                if groups.count > 1 {
                    // Every value of the trait is a comparison of its own: adjust across all of them.
                    computed = SegmentComparison.adjustJointly(computed, names: groups.map { ($0.0, $0.2) })
                }
                for ((nameA, setA, nameB, setB), rows) in zip(groups, computed) {
                    if format == .json {
                        reports.append(.object([
                            "a": .object(["name": .string(nameA), "size": .number(Double(setA.count))]),
                            "b": .object(["name": .string(nameB), "size": .number(Double(setB.count))]),
                            "kpis": .array(rows.map { r in
                                func n(_ v: Double) -> JSONValue { v.isFinite ? .number(v) : .null }
                                return .object(["kpi": .string(r.kpi.key), "a": n(r.a), "b": n(r.b), "difference": n(r.difference),
                                                "effect_size": n(r.effectSize), "ci": .array([n(r.ci.low), n(r.ci.high)]), "test": .string(r.test),
                                                "p_value": n(r.pValue), "p_adjusted": n(r.pAdjusted), "verdict": .string(r.verdict),
                                                "n_a": .number(Double(r.nA)), "n_b": .number(Double(r.nB))])
                            }),
                        ]))
                        continue
                    }
                    print(Terminal.bold("\(nameA) (\(Fmt.thousands(setA.count))) vs \(nameB) (\(Fmt.thousands(setB.count)))"))
                    var t = TextTable(["KPI", "A", "B", "difference", "95% CI", "effect", "test", "p (Holm)"], rightAligned: [1, 2, 3, 4, 5, 7])
                    for r in rows {
                        let fmt: (Double) -> String = { r.kpi.isProportion ? Fmt.percent($0) : Fmt.fixed($0, 2) }
                        t.add([r.kpi.description, fmt(r.a), fmt(r.b), fmt(r.difference), "[\(fmt(r.ci.low)), \(fmt(r.ci.high))]",
                               Fmt.fixed(r.effectSize, 2) + (r.kpi.isProportion ? "× RR" : r.kpi == .nps ? " pts" : " d"), r.test,
                               r.pAdjusted.isNaN ? "–" : (r.pAdjusted < 0.001 ? "<0.001" : Fmt.fixed(r.pAdjusted, 3))])
                    }
                    print(t.render())
                    for r in rows { print("  • " + r.verdict) }
                    print("")
                }
                if format == .json { print((reports.count == 1 ? reports[0] : .array(reports)).jsonText) }
            }
        }
    }
}
