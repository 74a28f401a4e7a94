import ArgumentParser
import Foundation
import SegmentaCharts
import SegmentaCore
import SegmentaStore

extension Segmenta {
    /// `segmenta report`.
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write one self-contained HTML report (inline CSS and SVG, nothing fetched) with RFM, lifecycle, cohorts, CLV, personas and segments.",
            discussion: "From the store by default (read only: nothing is written back), or from an orders CSV with --orders."
        )

        @Option(help: ArgumentHelp("Where to write the report.", valueName: "file")) var out = "report.html"
        @Option(help: ArgumentHelp("Report on an orders CSV instead of the store.", valueName: "file")) var orders: String?
        @OptionGroup var store: StoreOptions
        @OptionGroup var orderFile: OrderFileOptions

        func run() async throws {
            try await reportingErrors {
                var sections: [String] = []
                let list: [Order]
                var prospects: [String] = []
                var source: String
                var db: (any Storage)?
                if let orders {
                    (list, _) = try FileBytes.with(orders) { bytes in
                        try OrderFileScan.orders(bytes, options: orderFile.format.options, columns: orderFile.mapping.columns, policy: orderFile.errors.onError, fileName: orders)
                    }
                    source = orders
                } else {
                    let opened = try await store.storage()
                    db = opened
                    list = try await opened.orders(before: nil)
                    prospects = try await opened.profileIDs()
                    source = store.location
                    let c = try await opened.counts()
                    sections.append(HTMLReport.stats([("profiles", c.profiles), ("accounts", c.accounts), ("events", c.events), ("orders", c.orders)]))
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
                sections.append(HTMLReport.section("RFM — \(Fmt.thousands(rfm.customers.count)) customers as of \(rfm.asOf.readableDate)", [grid, bars, revenue],
                                                   note: "Scores as pandas qcut of ranks; named segments from the (R, FM) grid."))

                // Lifecycle
                let life = LifecycleClassifier.classify(orders: list, prospects: prospects)
                let stages = LifecycleStage.allCases.filter { s in !(s == .prospect && prospects.isEmpty) }
                sections.append(HTMLReport.section("Lifecycle", [Charts.bars(title: "Customers per lifecycle stage", labels: stages.map(\.rawValue),
                                                                             values: stages.map { s in Double(life.customers.filter { $0.stage == s }.count) },
                                                                             valueLabel: { Fmt.thousands(Int($0)) })]))

                // Cohorts
                let cells = CohortRetention.compute(activity: list.map { .init(customerID: $0.customerID, timestamp: $0.timestamp) }, period: .month)
                let cohorts = Array(Set(cells.map(\.cohort))).sorted().suffix(18)
                let maxK = min(cells.map(\.period).max() ?? 0, 17)
                let retention = Charts.heatmap(title: "Monthly cohort retention (share of each cohort ordering k months later)", rowTitle: "cohort", columnTitle: "months since first order",
                                               rows: Array(cohorts), columns: (0...maxK).map(String.init),
                                               values: cohorts.map { c in (0...maxK).map { k in cells.first { $0.cohort == c && $0.period == k }.map(\.retention) } },
                                               cellLabel: { Fmt.percent($0, 0) }, scaleMax: 0.5, cell: 40)
                sections.append(HTMLReport.section("Cohort retention", [retention], note: "Empty cells are periods after the end of the data (censored), not zero."))

                // CLV
                let summaries = CustomerSummaryBuilder.summarize(list, unit: .week)
                if let clv = try? CLVAnalysis.run(summaries, unit: .week) {
                    let values = clv.customers.compactMap(\.clv)
                    let capped = values.sorted()[..<max(1, values.count * 99 / 100)]
                    let top = clv.customers.filter { $0.clv != nil }.sorted { $0.clv! > $1.clv! }.prefix(10)
                    let table = HTMLReport.table(["customer", "P(alive)", "expected purchases", "CLV"], top.map {
                        [$0.summary.customerID, Fmt.fixed($0.probabilityAlive, 3), Fmt.fixed($0.expectedPurchases, 2), NumberText.amount($0.clv ?? .nan)]
                    })
                    sections.append(HTMLReport.section("Customer lifetime value (12 months)", [
                        Charts.histogram(title: "Distribution of 12-month CLV (lowest 99 %)", values: Array(capped), xLabel: "CLV"), table,
                    ], note: "BG/NBD r = \(Fmt.fixed(clv.bgnbd.r, 3)), α = \(Fmt.fixed(clv.bgnbd.alpha, 3)), a = \(Fmt.fixed(clv.bgnbd.a, 3)), b = \(Fmt.fixed(clv.bgnbd.b, 3)); Gamma-Gamma p = \(Fmt.fixed(clv.gammaGamma?.p ?? .nan, 2)), q = \(Fmt.fixed(clv.gammaGamma?.q ?? .nan, 2)), v = \(Fmt.fixed(clv.gammaGamma?.v ?? .nan, 2))."))
                }

                // Personas and segments (store only)
                if let db {
                    let personas = try await db.computedTraitValues("persona")
                    if !personas.isEmpty {
                        var counts: [String: Int] = [:]
                        for p in personas.values { counts[p, default: 0] += 1 }
                        let ordered = counts.sorted { $0.value > $1.value }
                        sections.append(HTMLReport.section("Personas", [Charts.bars(title: "Customers per persona", labels: ordered.map(\.key), values: ordered.map { Double($0.value) },
                                                                                  valueLabel: { Fmt.thousands(Int($0)) })]))
                    }
                    let segments = try await db.segments().filter { $0.lastRefreshAt != nil }
                    if !segments.isEmpty {
                        var parts: [String] = []
                        var histories: [(String, [SegmentSnapshot])] = []
                        for s in segments { histories.append((s.name, try await db.history(of: s.name))) }
                        histories = histories.filter { $0.1.count >= 2 }
                        if !histories.isEmpty {
                            let dates = Array(Set(histories.flatMap { $0.1.map(\.asOf) })).sorted()
                            parts.append(Charts.lines(title: "Segment size over time", xLabels: dates.map { String($0.dateString.prefix(7)) },
                                                      series: histories.prefix(8).map { name, h in
                                                          (name, dates.map { d in Double(h.last { $0.asOf == d }?.size ?? h.filter { $0.asOf <= d }.last?.size ?? 0) })
                                                      }, yLabel: "members", xPositions: dates.map { Double($0.milliseconds) / 86_400_000 }, counts: true))
                        }
                        parts.append(HTMLReport.table(["segment", "members", "who"], segments.map { s in
                            [s.name, s.size.map(Fmt.thousands) ?? "–", s.definition.objectValue?["condition"].flatMap { try? ConditionParser.condition($0) }.map(ConditionSentence.text) ?? "static list"]
                        }))
                        sections.append(HTMLReport.section("Segments", parts))
                    }
                }
                let html = HTMLReport.page(title: "Segmenta report — \(source)", generated: Timestamp.now, sections: sections)
                do { try html.write(toFile: out, atomically: true, encoding: .utf8) } catch {
                    throw CLIError("cannot write \(out): \(error.localizedDescription)")
                }
                print("wrote \(out) (\(Fmt.thousands(html.utf8.count / 1024)) KiB, self-contained: open it in any browser)")
            }
        }
    }
}

/// The HTML around the charts: inline styles only, every text escaped.
enum HTMLReport {
    static func page(title: String, generated: Timestamp, sections: [String]) -> String {
        """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(SVG.escape(title))</title><style>
        body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:0;background:#f6f7f9;color:#222}
        header{background:#0b3d66;color:#fff;padding:20px 32px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.8}
        main{max-width:1100px;margin:0 auto;padding:16px 32px}
        section{background:#fff;border-radius:8px;padding:18px 22px;margin:18px 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}svg.chart{max-width:100%;height:auto}
        section h2{margin:0 0 10px;font-size:18px}.charts{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
        .note{color:#555;font-size:13px;margin-top:8px}.stats{display:flex;gap:16px;flex-wrap:wrap}
        .stat{background:#fff;border-radius:8px;padding:14px 20px;box-shadow:0 1px 3px rgba(0,0,0,.08)}.stat b{display:block;font-size:22px}
        table{border-collapse:collapse;font-size:13px}th,td{padding:4px 10px;border-bottom:1px solid #eee;text-align:left}
        </style></head><body><header><h1>\(SVG.escape(title))</h1><p>Generated <time datetime="\(generated.iso8601)" title="\(generated.iso8601)">\(SVG.escape(generated.readable))</time> by Segmenta</p></header><main>
        \(sections.joined(separator: "\n"))
        </main></body></html>
        """
    }

    static func section(_ title: String, _ parts: [String], note: String? = nil) -> String {
        "<section><h2>\(SVG.escape(title))</h2><div class=\"charts\">\(parts.joined())</div>\(note.map { "<p class=\"note\">\(SVG.escape($0))</p>" } ?? "")</section>"
    }

    static func stats(_ items: [(String, Int)]) -> String {
        "<div class=\"stats\">" + items.map { "<div class=\"stat\"><b>\(Fmt.thousands($0.1))</b>\(SVG.escape($0.0))</div>" }.joined() + "</div>"
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        "<table><thead><tr>" + header.map { "<th>\(SVG.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
            + rows.map { "<tr>" + $0.map { "<td>\(SVG.escape($0))</td>" }.joined() + "</tr>" }.joined() + "</tbody></table>"
    }
}
