import SegmentaCharts
import SegmentaCore
import SegmentaStore
import SegmentaJobs
import SegmentaPages

extension DashboardPages {
    func rfm(_ viewer: Viewer, from: String?, to: String?) async throws -> String {
        let store = self.store
        let (latest, dates) = (try await store.latestAnalysisRun(kind: AnalysisKind.rfm.rawValue), try await store.analysisDates(kind: AnalysisKind.rfm.rawValue))
        guard let latest, let summary = latest.run.summary.objectValue else {
            return document("RFM", viewer: viewer, active: "/rfm", [.section("Not computed yet", [.empty("RFM appears after the first recompute (or “segmenta rfm”, or POST /api/v1/analyses/rfm).")])])
        }
        var body: [Block] = []
        let grid = summary["grid"]?.arrayValues.map { $0.arrayValues.compactMap(\.numberValue) } ?? []
        if grid.count == 5 {
            var values: [[Double?]] = []
            for r in stride(from: 5, through: 1, by: -1) {
                let row = grid[r - 1]
                values.append((0..<5).map { fm -> Double? in row.count == 5 ? row[fm] : nil })
            }
            let heat = Charts.heatmap(title: "Customers by recency (R) and frequency-monetary (FM) score", rowTitle: "R", columnTitle: "FM",
                                      rows: ["5", "4", "3", "2", "1"], columns: ["1", "2", "3", "4", "5"], values: values, cellLabel: { H.thousands(Int(saturating: $0)) }, cell: 64)
            let names = Block.table(["R \\ FM", "1", "2", "3", "4", "5"], (1...5).reversed().map { r in
                [Cell("R=\(r)")] + (1...5).map { fm in Cell(RFMSegment.named(r: r, fm: fm)?.rawValue ?? "") }
            })
            body.append(.section("The 5×5 grid as of \(latest.run.asOf.readableDate)", [.row([.chart(heat), .column([names])])],
                                 note: "R: recency score (5 = bought most recently); FM: ⌈(F + M) / 2⌉. The table names the segment of each cell."))
        }
        if let segments = summary["segments"]?.objectValue {
            let ordered = RFMSegment.allCases.map { ($0.rawValue, segments[$0.rawValue]?.numberValue ?? 0) }
            let total = max(1, ordered.reduce(0) { $0 + $1.1 })
            body.append(.section("Segments", [.row([
                .chart(Charts.bars(title: "Customers per RFM segment", labels: ordered.map(\.0), values: ordered.map(\.1), valueLabel: { H.thousands(Int(saturating: $0)) })),
                .table(["segment", "customers", "share"], ordered.map { [Cell($0.0), Cell(H.thousands(Int(saturating: $0.1))), Cell(H.percent($0.1 / total))] }, numeric: [1, 2]),
            ])]))
        }
        // Migrations between two RFM runs.
        if dates.count >= 2 {
            let toDate = to.flatMap { t in dates.first { $0.dateString == t } } ?? dates[0]
            let fromDate = from.flatMap { f in dates.first { $0.dateString == f } } ?? dates.first { $0 < toDate } ?? dates[1]
            let key: JSONValue = .object(["from": .string(fromDate.iso8601), "to": .string(toDate.iso8601)])
            let moves: [(from: String, to: String, count: Int)]
            if let kept = try await store.latestAnalysisRun(kind: "rfm_migrations", parameters: key) {
                moves = kept.run.summary.objectValue?["moves"]?.arrayValues.compactMap { m -> (from: String, to: String, count: Int)? in
                    let a = m.arrayValues
                    guard a.count == 3, let f = a[0].stringValue, let t = a[1].stringValue, let n = a[2].numberValue else { return nil }
                    return (f, t, Int(saturating: n))
                } ?? []
            } else {
                moves = try await store.transitions(kind: AnalysisKind.rfm.rawValue, from: fromDate, to: toDate)   // another pair: computed now
            }
            let names = RFMSegment.allCases.map(\.rawValue)
            let rows = names + ["(new)"], cols = names + ["(gone)"]
            var counts: [String: [String: Double]] = [:]
            for m in moves { counts[m.from, default: [:]][m.to] = Double(m.count) }
            let matrix: [[Double?]] = rows.map { r in cols.map { c in counts[r]?[c] } }
            func options(_ chosen: Timestamp) -> [SelectOption] { dates.map { SelectOption($0.dateString, selected: $0 == chosen) } }
            body.append(.section("Migrations between two RFM runs", [
                .form(Form("get", "/rfm", [.select(SelectField("from", name: "from", options(fromDate))), .select(SelectField("to", name: "to", options(toDate))),
                                           .button(Button("Show", secondary: true))])),
                .chart(Charts.heatmap(title: "Customers moving from the segment of \(fromDate.dateString) (rows) to that of \(toDate.dateString) (columns)",
                                               rowTitle: "from", columnTitle: "to", rows: rows, columns: cols, values: matrix, cellLabel: { H.thousands(Int(saturating: $0)) }, cell: 58)),
            ], note: "(new): customers without a segment at the first date; (gone): without one at the second."))
        }
        return document("RFM", viewer: viewer, active: "/rfm", body)
    }

    /// Cohorts smaller than this are greyed on the retention triangle (their shares mislead).
    static let smallCohort = 10

    func cohorts(_ viewer: Viewer, period: String, by: String) async throws -> String {
        guard period == "month" || period == "week" else { throw APIError.badRequest("period is month or week") }
        let store = self.store
        let parameters: JSONValue = .object(["period": .string(period), "activity": .string("orders"), "by": by.isEmpty ? .null : .string(by)])
        let run = try await store.latestAnalysisRun(kind: AnalysisKind.cohorts.rawValue, parameters: parameters)
        var body: [Block] = [.form(Form("get", "/cohorts", [
            .select(SelectField("period", name: "period", ["month", "week"].map { SelectOption($0, selected: $0 == period) })),
            .select(SelectField("split by", name: "by", ([""] + Recompute.cohortTraits).map { SelectOption($0, shown: $0.isEmpty ? "everyone" : $0, selected: $0 == by) })),
            .button(Button("Show", secondary: true)),
        ]))]
        guard let run, let cells = run.run.summary.objectValue?["cells"]?.arrayValues.compactMap(\.objectValue) else {
            body.append(.section("Not computed", [.empty("No stored triangle for this choice yet; it appears after the next recompute (or POST /api/v1/analyses/cohorts).")]))
            return document("Cohort retention", viewer: viewer, active: "/cohorts", body)
        }
        let groups = Array(Set(cells.map { $0["group"]?.stringValue ?? "" })).sorted()
        // Which rows are drawn, said on the page: the two periods keep different numbers of the latest
        // cohorts, so their first rows are different dates.
        let shownCount = period == "month" ? 18 : 26
        let allCohorts = Array(Set(cells.compactMap { $0["cohort"]?.stringValue })).sorted()
        let shown = allCohorts.suffix(shownCount)
        if let first = shown.first, let last = shown.last {
            body.append(.note("Rows: the latest \(shown.count) \(period)ly cohorts, \(first) to \(last)"
                + (allCohorts.count > shown.count ? " (of \(allCohorts.count); the earlier ones are in GET /api/v1/analyses/cohorts)" : "")
                + ". " + (period == "week" ? "Weekly cohorts run Monday to Sunday and are labelled by their Monday; the monthly view starts on the 1st and reaches further back."
                                          : "Monthly cohorts start on the 1st; the weekly view shows the latest 26 weeks only.")))
        }
        for group in groups.prefix(8) {
            let mine = cells.filter { ($0["group"]?.stringValue ?? "") == group }
            let cohorts = Array(Set(mine.compactMap { $0["cohort"]?.stringValue })).sorted().suffix(shownCount)
            let maxK = min(Int(saturating: mine.compactMap { $0["period"]?.numberValue }.max() ?? 0), period == "month" ? 17 : 25)
            var lookup: [String: Double] = [:]
            var sizes: [String: Int] = [:]
            for c in mine {
                guard let cohort = c["cohort"]?.stringValue, let k = c["period"]?.numberValue else { continue }
                lookup["\(cohort)|\(Int(saturating: k))"] = c["retention"]?.numberValue
                if k == 0 { sizes[cohort] = Int(saturating: c["size"]?.numberValue ?? 0) }
            }
            let chart = Charts.heatmap(title: "Share of each \(period)ly cohort ordering again k \(period)s later" + (group.isEmpty ? "" : " — \(by) = \(group)"),
                                       rowTitle: "cohort (size)", columnTitle: "\(period)s since first order", rows: cohorts.map { "\($0) (\(sizes[$0] ?? 0))" },
                                       columns: (0...maxK).map(String.init), values: cohorts.map { c in (0...maxK).map { lookup["\(c)|\($0)"] } },
                                       cellLabel: { String(Int(saturating: ($0 * 100).rounded())) + "%" }, scaleMax: 0.5, cell: period == "month" ? 40 : 30,
                                       mutedRows: Set(cohorts.indices.filter { (sizes[cohorts[$0]] ?? 0) < Self.smallCohort }),
                                       mutedNote: "fewer than \(Self.smallCohort) customers")
            body.append(.section(group.isEmpty ? "Everyone" : "\(by) = \(group)", [.chart(chart)]))
        }
        body.append(.note([.text("As of \(run.run.asOf.readableDate), computed "), .when(run.createdAt)] + Glossary.explained(" from orders. Empty cells are periods after the end of the data (censored), not zero. "
            + "Cohorts of fewer than \(Self.smallCohort) customers are greyed: with one customer a share can only read 0 % or 100 %.")))
        return document("Cohort retention", viewer: viewer, active: "/cohorts", body)
    }

    func value(_ viewer: Viewer, x: String?, y: String?) async throws -> String {
        let store = self.store
        let (clv, clusters) = (try await store.latestAnalysisRun(kind: AnalysisKind.clv.rawValue), try await store.latestAnalysisRun(kind: AnalysisKind.clusters.rawValue))
        var body: [Block] = []
        if let clv, let s = clv.run.summary.objectValue {
            let money = Self.currencyMix(s)
            var parts: [Block] = []
            if let h = s["histogram"]?.objectValue, let low = h["low"]?.numberValue, let width = h["width"]?.numberValue {
                let counts = h["counts"]?.arrayValues.compactMap(\.numberValue) ?? []
                parts.append(.chart(Charts.bars(title: "Customers by 12-month CLV (lowest 99 %)", labels: counts.indices.map { "\(H.fixed(low + width * Double($0), 0))–\(H.fixed(low + width * Double($0 + 1), 0))" },
                                                values: counts, valueLabel: { H.thousands(Int(saturating: $0)) }, width: 560)))
            }
            if let sample = s["sample"]?.arrayValues, !sample.isEmpty {
                let points = sample.compactMap { p -> (x: Double, y: Double, group: String, label: String)? in
                    let a = p.arrayValues
                    guard a.count == 3, let f = a[1].numberValue, let alive = a[2].numberValue else { return nil }
                    return (f, alive, f == 0 ? "one order" : "repeat buyers", a[0].stringValue ?? "")
                }
                parts.append(.chart(Charts.scatter(title: "P(alive) against repeat purchases", points: points, xLabel: "repeat purchases", yLabel: "P(alive)", width: 560)))
            }
            body.append(.section("Customer lifetime value", [.row(parts), .stats([
                ("customers", H.thousands(Int(saturating: s["customers"]?.numberValue ?? 0))), ("total 12-month CLV", money.amount(s["total_clv"]?.numberValue ?? 0, cents: false)),
                ("mean CLV", money.amount(s["mean_clv"]?.numberValue ?? .nan)), ("mean P(alive)", H.fixed(s["mean_p_alive"]?.numberValue ?? .nan, 3)),
            ])], note: "BG/NBD + Gamma-Gamma, as the lifetimes library computes them; as of \(clv.run.asOf.readableDate), computed \(clv.createdAt.readable)."
                + (money.warning.map { " Amounts: " + $0 + "." } ?? "")))
            if let top = s["top"]?.arrayValues.compactMap(\.objectValue), !top.isEmpty {
                body.append(.section("Top customers by expected value", [.table(["customer", "CLV", "P(alive)", "expected purchases", "repeat purchases"], top.map { c in
                    [Cell(Self.profileLink(c["id"]?.stringValue ?? "")), Cell(money.amount(c["clv"]?.numberValue ?? .nan)), Cell(H.fixed(c["p_alive"]?.numberValue ?? .nan, 3)),
                     Cell(H.fixed(c["expected_purchases"]?.numberValue ?? .nan, 2)), Cell(H.fixed(c["frequency"]?.numberValue ?? .nan, 0))]
                }, numeric: [1, 2, 3, 4])]))
            }
        } else {
            body.append(.section("Customer lifetime value", [.empty("Not computed yet: it appears after the first recompute (or “segmenta clv”).")]))
        }
        if let s = clusters?.run.summary.objectValue, let personas = s["personas"]?.arrayValues.compactMap(\.objectValue) {
            let features = s["features"]?.arrayValues.compactMap(\.stringValue) ?? []
            body.append(.section("Personas (k-means, k = \(Int(saturating: s["k"]?.numberValue ?? 0)), silhouette \(H.fixed(s["silhouette"]?.numberValue ?? .nan, 2)))",
                                 [.table(["persona", "customers", "share", "what sets them apart"] + features, personas.map { p in
                                     [Cell(p["name"]?.stringValue ?? ""), Cell(H.thousands(Int(saturating: p["size"]?.numberValue ?? 0))), Cell(H.percent(p["share"]?.numberValue ?? 0)),
                                      Cell(p["description"]?.stringValue ?? "")] + (p["centroid"]?.arrayValues.compactMap(\.numberValue) ?? []).map { Cell(H.fixed($0, 1)) }
                                 }, numeric: Set([1, 2] + (0..<features.count).map { $0 + 4 }))],
                                 note: "As of \(clusters?.run.asOf.readableDate ?? "–"), computed \(clusters?.createdAt.readable ?? "–")."))
            if features.count >= 2, let sample = s["sample"]?.arrayValues, !sample.isEmpty {
                let xi = x.flatMap { features.firstIndex(of: $0) } ?? 0
                let yi = y.flatMap { features.firstIndex(of: $0) } ?? 1
                let names = Dictionary(personas.compactMap { p in p["cluster"]?.numberValue.map { (Int(saturating: $0), p["name"]?.stringValue ?? "") } }, uniquingKeysWith: { a, _ in a })
                let points = sample.compactMap { p -> (x: Double, y: Double, group: String, label: String)? in
                    let a = p.arrayValues
                    guard a.count == features.count + 2, let c = a[1].numberValue, let vx = a[2 + xi].numberValue, let vy = a[2 + yi].numberValue else { return nil }
                    return (vx, vy, names[Int(saturating: c)] ?? "cluster \(Int(saturating: c))", a[0].stringValue ?? "")
                }
                func options(_ selected: Int) -> [SelectOption] { features.enumerated().map { SelectOption($0.element, selected: $0.offset == selected) } }
                body.append(.section("Two features, coloured by persona", [
                    .form(Form("get", "/value", [.select(SelectField("x", name: "x", options(xi))), .select(SelectField("y", name: "y", options(yi))), .button(Button("Show", secondary: true))])),
                    .chart(Charts.scatter(title: "\(features[yi]) against \(features[xi])", points: points, xLabel: features[xi], yLabel: features[yi], width: 720, height: 380)),
                ], note: "A sample of up to 600 customers, kept with the clustering run."))
            }
        }
        return document("Value & personas", viewer: viewer, active: "/value", body)
    }

    /// The currency the CLV run's amounts are in (kept with the run).
    static func currencyMix(_ summary: [String: JSONValue]) -> CurrencyMix {
        CurrencyMix((summary["currencies"]?.arrayValues ?? []).compactMap { c in
            c.objectValue.map { (currency: $0["currency"]?.stringValue, orders: Int(saturating: $0["orders"]?.numberValue ?? 0)) }
        })
    }
}
