import ArgumentParser
import Foundation
import SegmentaCharts
import SegmentaCore
import SegmentaJobs
import SegmentaPages
import SegmentaStore

extension Segmenta {
    /// `segmenta report`.
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write one self-contained HTML report (inline CSS and SVG, nothing fetched) with RFM, lifecycle, cohorts, CLV, personas, segments and support.",
            discussion: "From the store by default (read only: nothing is written back), or from an orders CSV with --orders."
        )

        @Option(help: ArgumentHelp("Where to write the report.", valueName: "file")) var out = "report.html"
        @Option(help: ArgumentHelp("Report on an orders CSV instead of the store.", valueName: "file")) var orders: String?
        @OptionGroup var store: StoreOptions
        @OptionGroup var orderFile: OrderFileOptions

        func run() async throws {
            try await reportingErrors {
                let renderer = try PageRenderer.bundled()
                var sections: [Block] = []
                let list: [Order]
                var prospects: [String] = []
                var source: String
                var db: (any Storage)?
                if let orders {
                    let report: ScanReport
                    (list, report) = try FileBytes.with(orders) { bytes in
                        try OrderFileScan.orders(bytes, options: orderFile.format.options, columns: orderFile.mapping.columns, policy: orderFile.errors.onError, fileName: orders)
                    }
                    try report.requireRows(in: orders)
                    source = orders
                } else {
                    let opened = try await store.storage()
                    db = opened
                    list = try await opened.orders(before: nil)
                    prospects = try await opened.profileIDs()
                    source = store.location
                    let c = try await opened.counts()
                    sections.append(.stats([("profiles", Fmt.thousands(c.profiles)), ("accounts", Fmt.thousands(c.accounts)), ("events", Fmt.thousands(c.events)),
                                            ("orders", Fmt.thousands(c.orders))]))
                }
                guard !list.isEmpty else { throw CLIError("no orders to report on; import some with `segmenta import orders FILE.csv`") }

                // RFM
                let rfm = try RFMScorer.score(CustomerTotals.from(list))
                let grid = Charts.heatmap(title: "Customers by recency (R) and frequency-monetary (FM) score", rowTitle: "R", columnTitle: "FM",
                                          rows: ["5", "4", "3", "2", "1"], columns: ["1", "2", "3", "4", "5"],
                                          values: (1...5).reversed().map { r in (1...5).map { Double(rfm.grid[r - 1][$0 - 1]) } }, cellLabel: { Fmt.thousands(Int($0)) })
                let bars = Charts.bars(title: "Customers per RFM segment", labels: rfm.summary.map(\.segment.rawValue), values: rfm.summary.map { Double($0.customers) },
                                       valueLabel: { Fmt.thousands(Int($0)) })
                let revenue = Charts.bars(title: "Share of revenue per RFM segment", labels: rfm.summary.map(\.segment.rawValue), values: rfm.summary.map(\.revenueShare),
                                          valueLabel: { Fmt.percent($0) })
                sections.append(.section("RFM — \(Fmt.thousands(rfm.customers.count)) customers as of \(rfm.asOf.readableDate)", [.row([.chart(grid), .chart(bars), .chart(revenue)])],
                                                   note: "Scores as pandas qcut of ranks; named segments from the (R, FM) grid."))

                // Lifecycle
                let life = LifecycleClassifier.classify(orders: list, prospects: prospects)
                let stages = LifecycleStage.allCases.filter { s in !(s == .prospect && prospects.isEmpty) }
                sections.append(.section("Lifecycle", [.chart(Charts.bars(title: "Customers per lifecycle stage", labels: stages.map(\.rawValue),
                                                                          values: stages.map { s in Double(life.customers.filter { $0.stage == s }.count) },
                                                                          valueLabel: { Fmt.thousands(Int($0)) }))]))

                // Cohorts
                let cells = CohortRetention.compute(activity: list.map { .init(customerID: $0.customerID, timestamp: $0.timestamp) }, period: .month)
                let cohorts = Array(Set(cells.map(\.cohort))).sorted().suffix(18)
                let maxK = min(cells.map(\.period).max() ?? 0, 17)
                let retention = Charts.heatmap(title: "Monthly cohort retention (share of each cohort ordering k months later)", rowTitle: "cohort", columnTitle: "months since first order",
                                               rows: Array(cohorts), columns: (0...maxK).map(String.init),
                                               values: cohorts.map { c in (0...maxK).map { k in cells.first { $0.cohort == c && $0.period == k }.map(\.retention) } },
                                               cellLabel: { Fmt.percent($0, 0) }, scaleMax: 0.5, cell: 40)
                sections.append(.section("Cohort retention", [.chart(retention)], note: "Empty cells are periods after the end of the data (censored), not zero."))

                // CLV
                let summaries = CustomerSummaryBuilder.summarize(list, unit: .week)
                if let clv = try? CLVAnalysis.run(summaries, unit: .week) {
                    let values = clv.customers.compactMap(\.clv)
                    let capped = values.sorted()[..<max(1, values.count * 99 / 100)]
                    let top = clv.customers.filter { $0.clv != nil }.sorted { $0.clv! > $1.clv! }.prefix(10)
                    let table = Block.table(["customer", "P(alive)", "expected purchases", "CLV"], top.map {
                        [Cell($0.summary.customerID), Cell(Fmt.fixed($0.probabilityAlive, 3)), Cell(Fmt.fixed($0.expectedPurchases, 2)), Cell(NumberText.amount($0.clv ?? .nan))]
                    }, numeric: [1, 2, 3])
                    sections.append(.section("Customer lifetime value (12 months)", [.row([
                        .chart(Charts.histogram(title: "Distribution of 12-month CLV (lowest 99 %)", values: Array(capped), xLabel: "CLV")), .column([table]),
                    ])], note: "BG/NBD r = \(Fmt.fixed(clv.bgnbd.r, 3)), α = \(Fmt.fixed(clv.bgnbd.alpha, 3)), a = \(Fmt.fixed(clv.bgnbd.a, 3)), b = \(Fmt.fixed(clv.bgnbd.b, 3)); Gamma-Gamma p = \(Fmt.fixed(clv.gammaGamma?.p ?? .nan, 2)), q = \(Fmt.fixed(clv.gammaGamma?.q ?? .nan, 2)), v = \(Fmt.fixed(clv.gammaGamma?.v ?? .nan, 2))."))
                }

                // Personas from a file: k-means on the customers' recency, frequency and monetary value
                // (log scale, standardised; as `segmenta clusters --orders` with k = 4). From a store:
                // the personas its last clusters run saved.
                if db == nil, rfm.customers.count >= 8 {
                    let features = FeatureMatrix(ids: rfm.customers.map(\.customerID), names: ["recency", "frequency", "monetary"],
                                                 values: rfm.customers.flatMap { [Double($0.recency), Double($0.frequency), max(0, $0.monetary)] })
                    if let personas = try? ClusterAnalysis.run(features, k: 4, log: true, options: KMeans.Options(k: 4, nInit: 4, seed: 1)).personas {
                        let ordered = personas.sorted { $0.size > $1.size }
                        sections.append(.section("Personas", [.chart(Charts.bars(title: "Customers per persona", labels: ordered.map(\.name),
                                                                                 values: ordered.map { Double($0.size) }, valueLabel: { Fmt.thousands(Int($0)) }))],
                                                 note: "k-means (k = 4) on log recency, frequency and monetary value, standardised; `segmenta clusters --orders FILE` gives the details."))
                    }
                }

                // Personas and segments (store only)
                if let db {
                    let personas = try await db.computedTraitValues("persona")
                    if !personas.isEmpty {
                        var counts: [String: Int] = [:]
                        for p in personas.values { counts[p, default: 0] += 1 }
                        let ordered = counts.sorted { $0.value > $1.value }
                        sections.append(.section("Personas", [.chart(Charts.bars(title: "Customers per persona", labels: ordered.map(\.key), values: ordered.map { Double($0.value) },
                                                                                 valueLabel: { Fmt.thousands(Int($0)) }))]))
                    }
                    let segments = try await db.segments().filter { $0.lastRefreshAt != nil }
                    if !segments.isEmpty {
                        var parts: [Block] = []
                        var histories: [(String, [SegmentSnapshot])] = []
                        for s in segments { histories.append((s.name, try await db.history(of: s.name))) }
                        histories = histories.filter { $0.1.count >= 2 }
                        if !histories.isEmpty {
                            let dates = Array(Set(histories.flatMap { $0.1.map(\.asOf) })).sorted()
                            parts.append(.chart(Charts.lines(title: "Segment size over time", xLabels: dates.map { String($0.dateString.prefix(7)) },
                                                      series: histories.prefix(8).map { name, h in
                                                          (name, dates.map { d in Double(h.last { $0.asOf == d }?.size ?? h.filter { $0.asOf <= d }.last?.size ?? 0) })
                                                      }, yLabel: "members", xPositions: dates.map { Double($0.milliseconds) / 86_400_000 }, counts: true)))
                        }
                        parts.append(.table(["segment", "members", "who"], segments.map { s in
                            [Cell(s.name), Cell(s.size.map(Fmt.thousands) ?? "–"),
                             Cell(s.definition.condition.map(ConditionSentence.text) ?? "static list")]
                        }, numeric: [1]))
                        sections.append(.section("Segments", [.row(parts)]))
                    }
                    if let support = try await Self.support(db, segments: segments.map(\.name)) { sections.append(support) }
                }
                let generated = Timestamp.now
                let title = "Segmenta report — \(source)"
                let html = renderer.render(Page(title, documentTitle: title, chrome: .report(ReportChrome(generated: TimeText(iso: generated.iso8601, shown: generated.readable),
                                                                                                             style: renderer.stylesheet)), sections))
                do { try html.write(toFile: out, atomically: true, encoding: .utf8) } catch {
                    throw CLIError("cannot write \(out): \(error.localizedDescription)")
                }
                print("wrote \(out) (\(Fmt.thousands(html.utf8.count / 1024)) KiB, self-contained: open it in any browser)")
            }
        }

        /// Support over the last 90 days for the support policy's segments (else the refreshed
        /// ones, ten at most), when the store has support events in that window; nil otherwise.
        static func support(_ db: any Storage, segments: [String]) async throws -> Block? {
            let options = SupportAnalytics.Options()
            let asOf = Timestamp.now
            let inputs = try await SupportAnalyticsRun.Inputs.read(db, asOf: asOf, days: options.days)
            guard inputs.hasTickets else { return nil }
            let policy = try await SupportPolicyRun.current(db)?.policy
            let known = Set(segments)
            let names = (policy?.segments.filter(known.contains) ?? []).isEmpty ? Array(segments.prefix(10)) : (policy?.segments.filter(known.contains) ?? [])
            var rows: [[Cell]] = []
            for name in names {
                let a = inputs.analytics(members: Set(try await db.members(of: name)), options: options)
                let sla = a.firstResponse.withTarget > 0 ? NumberText.percent(Double(a.firstResponse.withinTarget) / Double(a.firstResponse.withTarget), 0) : "–"
                rows.append([Cell(name), Cell(Fmt.thousands(a.segment.people)), Cell(Fmt.fixed(a.segment.perPersonPerMonth, 2)), Cell(Fmt.fixed(a.rest.perPersonPerMonth, 2)),
                             Cell(a.csat.map { Fmt.fixed($0.mean, 2) + ($0.low.isFinite ? " (\(Fmt.fixed($0.low, 1))–\(Fmt.fixed($0.high, 1)))" : "") } ?? "–"),
                             Cell(sla), Cell(NumberText.amount(a.costPerMemberPerMonth)),
                             Cell(a.overRepresented.map(\.name).joined(separator: ", "))])
            }
            guard !rows.isEmpty else { return nil }
            return .section("Support — the last \(options.days) days", [.table(["segment", "members", "tickets per member per month", "everyone else", "CSAT (95% CI)",
                                                                             "first response within SLA", "cost per member per month", "over-represented themes"], rows, numeric: [1, 2, 3, 6])],
                            note: "From Ticket Created, Ticket Solved and Survey Answered events; " + (policy == nil ? "the refreshed segments (no support policy yet); " : "the support policy's segments; ")
                                + "cost at \(NumberText.amount(options.defaultCost)) per contact; themes over-represented by Fisher's exact test, Holm-adjusted. Per segment: segmenta support analytics SEGMENT.")
        }
    }
}
