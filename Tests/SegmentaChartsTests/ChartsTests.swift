import Foundation
import Testing
@testable import SegmentaCharts

@Suite struct ChartsTests {
    func count(_ s: String, _ needle: String) -> Int { s.components(separatedBy: needle).count - 1 }

    @Test func heatmapsDrawOneCellPerValueAndLeaveCensoredCellsEmpty() {
        let svg = Charts.heatmap(title: "Retention", rowTitle: "cohort", columnTitle: "k", rows: ["2026-01", "2026-02"], columns: ["0", "1"],
                                 values: [[1.0, 0.5], [1.0, nil]], cellLabel: { "\(Int($0 * 100))%" })
        #expect(count(svg, "<rect") == 3)
        #expect(svg.contains("<title>cohort 2026-01, k 1: 50%</title>"))
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.contains("role=\"img\"") && svg.contains("-t\">Retention</title>"))
    }

    @Test func barsScaleToTheLargestValueAndEscapeLabels() {
        let svg = Charts.bars(title: "A <b> & \"c\"", labels: ["x<y", "z"], values: [10, 5])
        #expect(!svg.contains("<b>") && svg.contains("A &lt;b&gt; &amp; &quot;c&quot;") && svg.contains("x&lt;y"))
        // The bar of 5 is half the length of the bar of 10.
        let widths = svg.components(separatedBy: "width=\"").dropFirst().compactMap { Double($0.prefix { $0 != "\"" }) }
        let barWidths = widths.filter { $0 > 0 && $0 < 640 }
        #expect(barWidths.contains { b in barWidths.contains { abs($0 * 2 - b) < 0.02 } })
    }

    @Test func linesAndHistogramsCarryTooltipsAndALegend() {
        let lines = Charts.lines(title: "Size", xLabels: ["Jan", "Feb", "Mar"], series: [("a", [1, 2, 3]), ("b", [3, 2, 1])], yLabel: "members")
        #expect(count(lines, "<circle") == 6 && count(lines, "<polyline") == 2 && lines.contains("<title>b, Mar: 1</title>"))
        let hist = Charts.histogram(title: "CLV", values: [0, 1, 1, 2, 9, 10], bins: 5, xLabel: "CLV")
        #expect(count(hist, "<rect") == 5)
        #expect(hist.contains("<title>0 – 2: 3</title>"))
    }

    /// The texts of an SVG's `<text>` elements, in order.
    func texts(_ svg: String) -> [String] {
        svg.components(separatedBy: "<text").dropFirst().compactMap { t in
            t.range(of: ">").map { String(t[$0.upperBound...].prefix { $0 != "<" }) }
        }
    }

    @Test func aLongHeatmapTitleWrapsInsteadOfBeingCut() {
        let title = "Customers by recency (R) and frequency-monetary (FM) score"
        let svg = Charts.heatmap(title: title, rowTitle: "R", columnTitle: "FM", rows: ["1", "2"], columns: ["1", "2", "3"], values: [[1, 2, 3], [4, 5, 6]])
        let width = Double(svg.components(separatedBy: "viewBox=\"0 0 ")[1].prefix { $0 != " " }) ?? 0
        let lines = Charts.wrap(title, width: width)
        #expect(lines.count == 2 && lines.joined(separator: " ") == title)
        #expect(lines.allSatisfy { Double($0.count) * 8.2 <= width })
        #expect(Array(texts(svg).prefix(2)) == lines)   // every word drawn, none past the edge
    }

    @Test func aHistogramAxisReadsRoundValues() {
        // CLV from 0 to 394.13: the axis reads 0, 100, 200, 300 (not only "0" and "394.13").
        let hist = Charts.histogram(title: "CLV", values: [0, 50, 120, 250, 394.13], bins: 10, xLabel: "CLV")
        let labels = texts(hist)
        for v in ["0", "100", "200", "300"] { #expect(labels.contains(v), "\(v) in \(labels)") }
        #expect(!labels.contains("394.13"))
    }

    @Test func sequentialColoursGoFromLightToDark() {
        #expect(Palette.sequential(0) == "rgb(247,251,255)")
        #expect(Palette.sequential(1) == "rgb(8,48,107)")
        #expect(Palette.textOn(0.9) == "#fff" && Palette.textOn(0.1) == "#222")
    }
}

@Suite struct MoreChartsTests {
    func count(_ s: String, _ needle: String) -> Int { s.components(separatedBy: needle).count - 1 }

    @Test func scatterPlacesPointsOnLinearAxesAndColoursGroups() {
        let svg = Charts.scatter(title: "P(alive) vs frequency", points: [(0, 0, "a", "c1"), (10, 1, "a", "c2"), (5, 0.5, "b", "c3")],
                                 xLabel: "frequency", yLabel: "P(alive)")
        #expect(count(svg, "<circle") == 3)
        // Plot area: x from 56 to 450, y from 276 (bottom) to 30 (top): (5, 0.5) is in the middle.
        #expect(svg.contains("<circle cx=\"56\" cy=\"276\""))
        #expect(svg.contains("<circle cx=\"450\" cy=\"30\""))
        #expect(svg.contains("<circle cx=\"253\" cy=\"153\" r=\"3\" fill=\"#E69F00\"><title>c3 (b): frequency 5, P(alive) 0.5</title>"))
        #expect(svg.contains(">a</text>") && svg.contains(">b</text>"))   // legend
    }

    @Test func sparklineSpansTheBoxFromLowestToHighest() {
        let svg = Charts.sparkline([10, 20, 15], label: "size")
        #expect(svg.contains("points=\"2,25 60,3 118,14\""))
        #expect(svg.contains("<title>latest: 15</title>"))
        #expect(Charts.sparkline([7], label: "size").contains("one value: 7"))
    }

    @Test func pairedBarsDrawTwoBarsPerLabel() {
        let svg = Charts.pairedBars(title: "Entered and exited", labels: ["Jan", "Feb"], first: ("entered", [4, 2]), second: ("exited", [0, 1]))
        #expect(count(svg, "<rect") == 4 + 2)   // bars + legend
        #expect(svg.contains("<title>Feb: 1 exited</title>"))
    }
}

@Suite struct StackedBarsTests {
    @Test func stackedBarsSplitEachRowInProportionAndShareTheLegend() {
        let svg = Charts.stackedBars(title: "Lifecycle", rows: [("segment", [3, 1]), ("everyone", [1, 1])], categories: ["active", "lost"], width: 400)
        // left = 12 + 8 × 7.4 = 71.2; span = 400 − 71.2 − 10 = 318.8: 3/4 of it and 1/4, then halves.
        #expect(svg.contains("<rect x=\"71.2\" y=\"34\" width=\"239.1\""))
        #expect(svg.contains("<rect x=\"310.3\" y=\"34\" width=\"79.7\""))
        #expect(svg.contains("<rect x=\"71.2\" y=\"64\" width=\"159.4\""))
        #expect(svg.contains("<title>segment, lost: 1 (25 %)</title>"))
        #expect(svg.contains(">active</text>") && svg.contains(">lost</text>"))
    }
}

@Suite struct AxisTicksTests {
    /// Count axes say so in the SVG (the browser check reads their labels back as whole numbers).
    @Test func countAxesAreMarked() {
        let svg = Charts.lines(title: "Members", xLabels: ["a", "b"], series: [("s", [2, 3])], yLabel: "members", counts: true)
        #expect(svg.contains(##"fill="#555" class="tick count">3</text>"##) && !svg.contains(#"class="tick count">2.5<"#))
        let shares = Charts.lines(title: "Share", xLabels: ["a", "b"], series: [("s", [0.2, 0.3])], yLabel: "share")
        #expect(shares.contains(#"class="tick">0.3</text>"#) && !shares.contains("tick count"))
    }

    @Test func countsGetWholeNumberTicksThatCoverTheData() {
        #expect(AxisTicks(low: 0, high: 5, integers: true).values == [0, 1, 2, 3, 4, 5])
        #expect(AxisTicks(low: 0, high: 4.2, integers: true).values == [0, 1, 2, 3, 4, 5])
        #expect(AxisTicks(low: 0, high: 2, integers: true).values == [0, 1, 2])
        #expect(AxisTicks(low: 0, high: 1, count: 5, integers: true).values == [0, 1])
        #expect(AxisTicks(low: 0, high: 23_644, integers: true).values == [0, 5_000, 10_000, 15_000, 20_000, 25_000])
        #expect(AxisTicks(low: 0, high: 0, integers: true).values == [0, 1])
    }

    @Test func fractionsGetStepsOfOneTwoOrFive() {
        let p = AxisTicks(low: 0, high: 0.87)
        #expect(p.values == [0, 0.2, 0.4, 0.6, 0.8, 1.0])
        #expect(p.values.map(p.label) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        // The issue's scatter axis read 0 / 17.75 / 35.5 / 53.25 / 71 for values up to 71.
        let x = AxisTicks(low: 0, high: 71)
        #expect(x.values == [0, 20, 40, 60, 80] && x.values.map(x.label) == ["0", "20", "40", "60", "80"])
        #expect(AxisTicks(low: 3, high: 97).values == [0, 20, 40, 60, 80, 100])
        #expect(AxisTicks(low: -0.3, high: 0.5).values == [-0.4, -0.2, 0, 0.2, 0.4, 0.6])
        // Spans no power of ten describes still give an axis, never a trap.
        for (lo, hi) in [(0.0, 1e-320), (-1e308, 1e308), (.nan, .infinity), (5, 5)] { #expect(!AxisTicks(low: lo, high: hi).values.isEmpty) }
        let small = AxisTicks(low: 0, high: 0.04)
        #expect(small.label(0.01) == "0.01" && small.label(0) == "0.00")
    }

    @Test func countChartsLabelOnlyWholeNumbers() {
        let svg = Charts.lines(title: "Members", xLabels: ["a", "b", "c"], series: [("s", [0, 3, 5])], yLabel: "members", counts: true)
        let tickLabels = svg.components(separatedBy: "text-anchor=\"end\" font-size=\"10\" fill=\"#555\" class=\"tick count\">").dropFirst().map { String($0.prefix { $0 != "<" }) }
        #expect(tickLabels == ["0", "1", "2", "3", "4", "5"])
        let bars = Charts.pairedBars(title: "Moves", labels: ["x"], first: ("entered", [3]), second: ("exited", [1]))
        let barTicks = bars.components(separatedBy: "text-anchor=\"end\" font-size=\"10\" fill=\"#555\" class=\"tick count\">").dropFirst().map { String($0.prefix { $0 != "<" }) }
        #expect(barTicks == ["0", "1", "2", "3"])
    }

    @Test func datesAreSpacedByTimeNotByCount() {
        // Refreshes on days 0, 26 and 30: the middle point sits at 26/30 of the width, not half way.
        let svg = Charts.lines(title: "Members", xLabels: ["d0", "d26", "d30"], series: [("s", [1, 1, 1])], yLabel: "members",
                               xPositions: [0, 26, 30], counts: true)
        let plotW = 640.0 - 56 - 150
        #expect(svg.contains("<circle cx=\"\(SVG.n(56 + plotW * 26 / 30))\""))
    }

    @Test func nonNegativeScatterAxesStartAtALabelledZero() {
        let svg = Charts.scatter(title: "S", points: [(120, 30, "a", "c1"), (480, 45, "a", "c2")], xLabel: "recency", yLabel: "orders")
        let xLabels = svg.components(separatedBy: "text-anchor=\"middle\" font-size=\"10\" fill=\"#555\">").dropFirst().map { String($0.prefix { $0 != "<" }) }
        #expect(xLabels == ["0", "100", "200", "300", "400", "500"])
        let negative = Charts.scatter(title: "Z", points: [(-1.2, 0.5, "a", "c1"), (1.4, -0.3, "a", "c2")], xLabel: "x", yLabel: "y")
        let zLabels = negative.components(separatedBy: "text-anchor=\"middle\" font-size=\"10\" fill=\"#555\">").dropFirst().map { String($0.prefix { $0 != "<" }) }
        #expect(zLabels.first == "-1.5" && zLabels.last == "1.5")
    }

    @Test func eachChartNamesItsOwnTitle() {
        let a = Charts.bars(title: "A", labels: ["x"], values: [1]), b = Charts.bars(title: "B", labels: ["x"], values: [1])
        func ids(_ s: String) -> [String] { s.components(separatedBy: " id=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) } }
        #expect(ids(a).count == 2 && Set(ids(a)).isDisjoint(with: ids(b)))
        #expect(a.contains("aria-labelledby=\"\(ids(a)[0]) \(ids(a)[1])\""))
    }
}

@Suite struct LegendTests {
    @Test func longNamesWrapInsideTheChartInsteadOfBeingClipped() {
        #expect(SVG.wrap("High spenders, frequent buyers, high future value", width: 24) == ["High spenders, frequent", "buyers, high future", "value"])
        #expect(SVG.wrap("Champions", width: 24) == ["Champions"])
        #expect(SVG.wrap("Supercalifragilistic", width: 8) == ["Superca…"])
        let svg = Charts.scatter(title: "Personas", points: [(0, 0, "High spenders, frequent buyers, high future value", "c1")], xLabel: "x", yLabel: "y", width: 720)
        // Legend text starts at 720 − 190 + 28 = 558; each line must end before 720 (6.3 px a character at 11 px).
        let lines = svg.components(separatedBy: "font-size=\"11\" fill=\"#222\">").dropFirst().map { String($0.prefix { $0 != "<" }) }
        #expect(lines.count >= 2 && lines.allSatisfy { 558 + Double($0.count) * 6.3 <= 720 })
        #expect(svg.contains("<title>High spenders, frequent buyers, high future value</title>"))
    }
}

@Suite struct MutedRowsTests {
    @Test func smallRowsAreGreyNotOnTheColourScale() {
        let svg = Charts.heatmap(title: "Retention", rowTitle: "cohort", columnTitle: "k", rows: ["big (120)", "tiny (1)"], columns: ["0", "1"],
                                 values: [[1.0, 0.4], [1.0, 1.0]], cellLabel: { "\(Int($0 * 100))%" }, scaleMax: 0.5, mutedRows: [1], mutedNote: "fewer than 10 customers")
        #expect(svg.components(separatedBy: "fill=\"#f0f0f0\"").count - 1 == 2)
        #expect(svg.contains("<title>cohort tiny (1), k 1: 100% (fewer than 10 customers)</title>"))
        #expect(svg.contains("<title>cohort big (120), k 1: 40%</title>") && svg.contains(Palette.sequential(0.8)))
    }
}
