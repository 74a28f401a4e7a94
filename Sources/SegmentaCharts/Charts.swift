/// Data → accessible SVG charts: a title, a description, axis labels, a tooltip on every mark.
public enum Charts {
    /// Horizontal bars, one per label.
    public static func bars(title: String, labels: [String], values: [Double], valueLabel: (Double) -> String = { SVG.n($0) }, width: Double = 640) -> String {
        let rowHeight = 26.0, left = min(360, 12 + Double(labels.map(\.count).max() ?? 0) * 7.4), top = 30.0
        let height = top + rowHeight * Double(labels.count) + 10
        var svg = SVG(width: width, height: height)
        svg.text(title, x: 0, y: 18, size: 14, weight: "600")
        let maxValue = max(values.max() ?? 0, 1e-12)
        let span = width - left - 90
        for (i, (label, v)) in zip(labels, values).enumerated() {
            let y = top + Double(i) * rowHeight
            svg.text(label, x: left - 8, y: y + 17, anchor: "end")
            svg.rect(x: left, y: y + 4, width: span * max(0, v) / maxValue, height: rowHeight - 8, fill: Palette.categorical[0], tooltip: "\(label): \(valueLabel(v))")
            svg.text(valueLabel(v), x: left + span * max(0, v) / maxValue + 6, y: y + 17)
        }
        return svg.render(title: title, description: zip(labels, values).map { "\($0): \(valueLabel($1))" }.joined(separator: "; "))
    }

    /// A heatmap of rows × columns; nil cells are left empty (e.g. censored cohort periods).
    /// `mutedRows` (e.g. cohorts of a handful of customers, whose shares jump between 0 and 100 %)
    /// are drawn in grey, not on the colour scale, with `mutedNote` in each cell's tooltip.
    public static func heatmap(title: String, rowTitle: String, columnTitle: String, rows: [String], columns: [String], values: [[Double?]],
                               cellLabel: (Double) -> String = { SVG.n($0) }, scaleMax: Double? = nil, cell: Double = 44,
                               mutedRows: Set<Int> = [], mutedNote: String = "too few to read") -> String {
        // Column labels wider than a cell stand upright (they would run into each other).
        let labelWidth = Double(columns.map(\.count).max() ?? 0) * 6.4
        let upright = labelWidth > cell - 6
        // A title longer than the grid wraps onto more lines (never cut by the chart's edge).
        let gridWidth = 12 + Double(rows.map(\.count).max() ?? 0) * 7 + 16 + cell * Double(columns.count) + 10
        let width = max(gridWidth, 420)
        let titleLines = Self.wrap(title, width: width)
        let shift = 18 * Double(titleLines.count - 1)
        let left = 12 + Double(rows.map(\.count).max() ?? 0) * 7 + 16, top = (upright ? 50 + labelWidth : 56.0) + shift
        let height = top + cell * Double(rows.count) + 10
        var svg = SVG(width: width, height: height)
        for (i, line) in titleLines.enumerated() { svg.text(line, x: 0, y: 18 + 18 * Double(i), size: 14, weight: "600") }
        svg.text(columnTitle, x: left + cell * Double(columns.count) / 2, y: 36 + shift, anchor: "middle", size: 11, fill: "#555")
        svg.text(rowTitle, x: 10, y: top + cell * Double(rows.count) / 2, anchor: "middle", size: 11, fill: "#555", rotate: -90)
        let top0 = values.flatMap { $0.compactMap { $0 } }.max() ?? 1
        let maxValue = max(scaleMax ?? top0, 1e-12)
        for (j, c) in columns.enumerated() {
            if upright {
                svg.text(c, x: left + cell * (Double(j) + 0.5) + 4, y: top - 6, anchor: "start", size: 11, rotate: -90)
            } else {
                svg.text(c, x: left + cell * (Double(j) + 0.5), y: top - 6, anchor: "middle", size: 11)
            }
        }
        for (i, r) in rows.enumerated() {
            svg.text(r, x: left - 6, y: top + cell * (Double(i) + 0.5) + 4, anchor: "end", size: 11)
            for j in columns.indices {
                guard let v = values[i][j] else { continue }
                let t = v / maxValue, muted = mutedRows.contains(i)
                svg.rect(x: left + cell * Double(j) + 1, y: top + cell * Double(i) + 1, width: cell - 2, height: cell - 2, fill: muted ? "#f0f0f0" : Palette.sequential(t),
                         tooltip: "\(rowTitle) \(r), \(columnTitle) \(columns[j]): \(cellLabel(v))" + (muted ? " (\(mutedNote))" : ""))
                svg.text(cellLabel(v), x: left + cell * (Double(j) + 0.5), y: top + cell * (Double(i) + 0.5) + 4, anchor: "middle", size: 10,
                         fill: muted ? "#999" : Palette.textOn(t))
            }
        }
        return svg.render(title: title, description: "\(rows.count) × \(columns.count) grid of \(rowTitle) by \(columnTitle)")
    }

    /// `title` in lines that fit `width` at the titles' 14 px bold (about 8.2 px a character), cut at spaces.
    static func wrap(_ title: String, width: Double) -> [String] {
        let perLine = max(20, Int(width / 8.2))
        var lines: [String] = [], line = ""
        for word in title.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > perLine { lines.append(line); line = "" }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines.isEmpty ? [""] : lines
    }

    /// Lines over time: one series per name, values per x label.
    /// - Parameters:
    ///   - xPositions: where each label sits (e.g. days since the epoch), so that uneven gaps
    ///     between dates are drawn uneven; nil spaces the labels evenly.
    ///   - counts: the values count things (people, orders): whole-number ticks only.
    public static func lines(title: String, xLabels: [String], series: [(name: String, values: [Double])], yLabel: String,
                             xPositions: [Double]? = nil, counts: Bool = false, width: Double = 640, height: Double = 260) -> String {
        let left = 56.0, right = 150.0, top = 30.0, bottom = 40.0
        var svg = SVG(width: width, height: height)
        svg.text(title, x: 0, y: 18, size: 14, weight: "600")
        let ticks = AxisTicks(low: 0, high: series.flatMap(\.values).max() ?? 1, integers: counts, fromZero: true)
        let (y0, y1) = ticks.range
        let plotW = width - left - right, plotH = height - top - bottom
        func y(_ v: Double) -> Double { top + plotH - plotH * (v - y0) / (y1 - y0) }
        for v in ticks.values {
            svg.line(x1: left, y1: y(v), x2: left + plotW, y2: y(v), stroke: "#eee")
            svg.text(ticks.label(v), x: left - 6, y: y(v) + 4, anchor: "end", size: 10, fill: "#555", cssClass: ticks.labelClass)
        }
        svg.line(x1: left, y1: top + plotH, x2: left + plotW, y2: top + plotH)
        svg.line(x1: left, y1: top, x2: left, y2: top + plotH)
        svg.text(yLabel, x: 14, y: top + plotH / 2, anchor: "middle", size: 11, fill: "#555", rotate: -90)
        let positions = xPositions.flatMap { $0.count == xLabels.count ? $0 : nil }
        let span = positions.flatMap { p in p.min().flatMap { lo in p.max().flatMap { hi in hi > lo ? (lo, hi) : nil } } }
        func x(_ i: Int) -> Double {
            if let positions, let (lo, hi) = span { return left + plotW * (positions[i] - lo) / (hi - lo) }
            return left + (xLabels.count > 1 ? plotW * Double(i) / Double(xLabels.count - 1) : plotW / 2)
        }
        // Labels that would run into the previous one are left out (each point keeps its tooltip).
        var lastEnd = -Double.infinity
        for (i, l) in xLabels.enumerated() where !l.isEmpty {
            let half = Double(l.count) * 3.1
            guard x(i) - half > lastEnd + 4 else { continue }
            svg.text(l, x: x(i), y: top + plotH + 16, anchor: "middle", size: 10, fill: "#555")
            lastEnd = x(i) + half
        }
        for (s, item) in series.enumerated() {
            let colour = Palette.categorical[s % Palette.categorical.count]
            let points = item.values.enumerated().map { (x($0.offset), y($0.element)) }
            svg.polyline(points, stroke: colour)
            for (i, p) in points.enumerated() { svg.circle(cx: p.0, cy: p.1, r: 3, fill: colour, tooltip: "\(item.name), \(xLabels[i]): \(SVG.n(item.values[i]))") }
        }
        svg.legend(series.enumerated().map { ($0.element.name, Palette.categorical[$0.offset % Palette.categorical.count]) }, x: left + plotW + 14, y: top)
        return svg.render(title: title, description: series.map { "\($0.name): " + $0.values.map { SVG.n($0) }.joined(separator: ", ") }.joined(separator: "; "))
    }

    /// A histogram of values in equal-width bins.
    public static func histogram(title: String, values: [Double], bins: Int = 20, xLabel: String, width: Double = 640, height: Double = 240) -> String {
        let lo = values.min() ?? 0, hi = values.max() ?? 1
        let w = hi > lo ? (hi - lo) / Double(bins) : 1
        var counts = [Int](repeating: 0, count: bins)
        for v in values { counts[min(bins - 1, Int((v - lo) / w))] += 1 }
        let left = 48.0, top = 30.0, bottom = 40.0, plotW = width - left - 10, plotH = height - top - bottom
        var svg = SVG(width: width, height: height)
        svg.text(title, x: 0, y: 18, size: 14, weight: "600")
        let ticks = AxisTicks(low: 0, high: Double(max(counts.max() ?? 1, 1)), count: 4, integers: true, fromZero: true)
        let maxCount = ticks.range.high
        for v in ticks.values {
            let y = top + plotH - plotH * v / maxCount
            svg.line(x1: left, y1: y, x2: left + plotW, y2: y, stroke: "#eee")
            svg.text(ticks.label(v), x: left - 6, y: y + 4, anchor: "end", size: 10, fill: "#555", cssClass: ticks.labelClass)
        }
        for (i, c) in counts.enumerated() {
            let h = plotH * Double(c) / maxCount
            svg.rect(x: left + plotW * Double(i) / Double(bins) + 1, y: top + plotH - h, width: plotW / Double(bins) - 2, height: h, fill: Palette.categorical[0],
                     tooltip: "\(SVG.n(lo + w * Double(i))) – \(SVG.n(lo + w * Double(i + 1))): \(c)")
        }
        svg.line(x1: left, y1: top + plotH, x2: left + plotW, y2: top + plotH)
        // Round values along the axis, where they fall between the smallest and the largest value.
        let xTicks = AxisTicks(low: lo, high: hi > lo ? hi : lo + 1, count: 5)
        for v in xTicks.values where v >= lo && v <= hi {
            let x = left + plotW * (hi > lo ? (v - lo) / (hi - lo) : 0)
            svg.line(x1: x, y1: top + plotH, x2: x, y2: top + plotH + 4, stroke: "#999")
            svg.text(xTicks.label(v), x: x, y: top + plotH + 16, anchor: "middle", size: 10, fill: "#555")
        }
        svg.text(xLabel, x: left + plotW / 2, y: top + plotH + 32, anchor: "middle", size: 11, fill: "#555")
        return svg.render(title: title, description: "\(values.count) values from \(SVG.n(lo)) to \(SVG.n(hi)) in \(bins) bins")
    }
}
