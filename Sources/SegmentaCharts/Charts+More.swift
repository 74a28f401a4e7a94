/// Scatter plots, sparklines and stacked bars.
extension Charts {
    /// A scatter plot of points in up to eight named groups (one colour each), with linear axes.
    /// - Parameters:
    ///   - points: `(x, y, group, label)`; the label is the point's tooltip (e.g. the customer id).
    public static func scatter(title: String, points: [(x: Double, y: Double, group: String, label: String)], xLabel: String, yLabel: String,
                               width: Double = 640, height: Double = 320) -> String {
        let left = 56.0, right = 190.0, top = 30.0, bottom = 44.0
        let plotW = width - left - right, plotH = height - top - bottom
        var svg = SVG(width: width, height: height)
        svg.text(title, x: 0, y: 18, size: 14, weight: "600")
        let xs = points.map(\.x), ys = points.map(\.y)
        // Axes of values that cannot be negative (counts, amounts, probabilities) start at a labelled 0.
        let xTicks = AxisTicks(low: xs.min() ?? 0, high: xs.max() ?? 1, fromZero: (xs.min() ?? 0) >= 0)
        let yTicks = AxisTicks(low: ys.min() ?? 0, high: ys.max() ?? 1, fromZero: (ys.min() ?? 0) >= 0)
        let (x0, x1) = xTicks.range, (y0, y1) = yTicks.range
        func px(_ v: Double) -> Double { left + plotW * (v - x0) / (x1 - x0) }
        func py(_ v: Double) -> Double { top + plotH - plotH * (v - y0) / (y1 - y0) }
        svg.line(x1: left, y1: top + plotH, x2: left + plotW, y2: top + plotH)
        svg.line(x1: left, y1: top, x2: left, y2: top + plotH)
        for v in xTicks.values { svg.text(xTicks.label(v), x: px(v), y: top + plotH + 16, anchor: "middle", size: 10, fill: "#555") }
        for v in yTicks.values { svg.text(yTicks.label(v), x: left - 6, y: py(v) + 4, anchor: "end", size: 10, fill: "#555") }
        svg.text(xLabel, x: left + plotW / 2, y: top + plotH + 34, anchor: "middle", size: 11, fill: "#555")
        svg.text(yLabel, x: 14, y: top + plotH / 2, anchor: "middle", size: 11, fill: "#555", rotate: -90)
        var groups: [String] = []
        for p in points where !groups.contains(p.group) { groups.append(p.group) }
        for p in points {
            let colour = Palette.categorical[(groups.firstIndex(of: p.group) ?? 0) % Palette.categorical.count]
            svg.circle(cx: px(p.x), cy: py(p.y), r: 3, fill: colour, tooltip: "\(p.label) (\(p.group)): \(xLabel) \(SVG.n(round3(p.x))), \(yLabel) \(SVG.n(round3(p.y)))")
        }
        svg.legend(groups.enumerated().map { ($0.element, Palette.categorical[$0.offset % Palette.categorical.count]) }, x: left + plotW + 14, y: top)
        return svg.render(title: title, description: "\(points.count) points of \(yLabel) against \(xLabel) in \(groups.count) groups")
    }

    /// A small line without axes for a table cell (e.g. a segment's size over its last refreshes).
    public static func sparkline(_ values: [Double], label: String, width: Double = 120, height: Double = 28) -> String {
        var svg = SVG(width: width, height: height)
        guard values.count >= 2, let lo = values.min(), let top = values.max(), let latest = values.last else {
            return svg.render(title: label, description: values.first.map { "one value: \(SVG.n($0))" } ?? "no values", fixed: true)
        }
        let hi = max(top, lo + 1e-12)
        let points = values.enumerated().map { (2 + (width - 4) * Double($0.offset) / Double(values.count - 1), height - 3 - (height - 6) * ($0.element - lo) / (hi - lo)) }
        svg.polyline(points, stroke: Palette.categorical[0], width: 1.5)
        let end = points[points.count - 1]
        svg.circle(cx: end.0, cy: end.1, r: 2, fill: Palette.categorical[0], tooltip: "latest: \(SVG.n(latest))")
        return svg.render(title: label, description: values.map { SVG.n($0) }.joined(separator: ", "), fixed: true)
    }

    /// Vertical bars in pairs: e.g. entered (up) and exited per refresh.
    public static func pairedBars(title: String, labels: [String], first: (name: String, values: [Double]), second: (name: String, values: [Double]),
                                  width: Double = 640, height: Double = 240) -> String {
        let left = 48.0, right = 120.0, top = 30.0, bottom = 40.0, plotW = width - left - right, plotH = height - top - bottom
        var svg = SVG(width: width, height: height)
        svg.text(title, x: 0, y: 18, size: 14, weight: "600")
        let ticks = AxisTicks(low: 0, high: max((first.values + second.values).max() ?? 1, 1), count: 4, integers: true, fromZero: true)
        let maxValue = ticks.range.high
        for v in ticks.values {
            let y = top + plotH - plotH * v / maxValue
            svg.line(x1: left, y1: y, x2: left + plotW, y2: y, stroke: "#eee")
            svg.text(ticks.label(v), x: left - 6, y: y + 4, anchor: "end", size: 10, fill: "#555", cssClass: ticks.labelClass)
        }
        let slot = plotW / Double(max(labels.count, 1)), bar = max(1, slot / 2 - 2)
        for (i, label) in labels.enumerated() {
            for (k, series) in [first, second].enumerated() {
                let v = series.values[i], h = plotH * v / maxValue
                svg.rect(x: left + slot * Double(i) + 1 + Double(k) * (bar + 1), y: top + plotH - h, width: bar, height: h,
                         fill: Palette.categorical[k == 0 ? 2 : 5], tooltip: "\(label): \(SVG.n(v)) \(series.name)")
            }
            if labels.count <= 12 || i % max(1, labels.count / 8) == 0 {
                svg.text(label, x: left + slot * (Double(i) + 0.5), y: top + plotH + 16, anchor: "middle", size: 10, fill: "#555")
            }
        }
        svg.line(x1: left, y1: top + plotH, x2: left + plotW, y2: top + plotH)
        svg.legend([(first.name, Palette.categorical[2]), (second.name, Palette.categorical[5])], x: left + plotW + 14, y: top)
        return svg.render(title: title, description: zip(labels, zip(first.values, second.values)).map { "\($0): \(SVG.n($1.0)) \(first.name), \(SVG.n($1.1)) \(second.name)" }.joined(separator: "; "))
    }

    static func round3(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }
}

extension Charts {
    /// Horizontal 100 %-stacked bars: one bar per row, split into the same categories (one
    /// colour each), e.g. a segment's lifecycle mix against everyone's.
    public static func stackedBars(title: String, rows: [(label: String, values: [Double])], categories: [String], width: Double = 640) -> String {
        let rowHeight = 30.0, top = 30.0
        let left = min(240, 12 + Double(rows.map(\.label.count).max() ?? 0) * 7.4)
        let legendRows = Double((categories.count + 3) / 4)
        let height = top + rowHeight * Double(rows.count) + 12 + 18 * legendRows
        let span = width - left - 10
        var svg = SVG(width: width, height: height)
        svg.text(title, x: 0, y: 18, size: 14, weight: "600")
        for (i, row) in rows.enumerated() {
            let y = top + Double(i) * rowHeight
            svg.text(row.label, x: left - 8, y: y + 19, anchor: "end")
            let total = row.values.reduce(0, +)
            var x = left
            for (j, v) in row.values.enumerated() where v > 0 && total > 0 {
                let w = span * v / total
                svg.rect(x: x, y: y + 4, width: w, height: rowHeight - 8, fill: Palette.categorical[j % Palette.categorical.count],
                         tooltip: "\(row.label), \(categories[j]): \(SVG.n(v)) (\(SVG.n(round3(100 * v / total))) %)")
                x += w
            }
        }
        let legendTop = top + rowHeight * Double(rows.count) + 8
        for (j, c) in categories.enumerated() {
            let lx = left + Double(j % 4) * (span / 4), ly = legendTop + Double(j / 4) * 18
            svg.rect(x: lx, y: ly, width: 10, height: 10, fill: Palette.categorical[j % Palette.categorical.count])
            svg.text(c, x: lx + 14, y: ly + 9, size: 11)
        }
        return svg.render(title: title, description: rows.map { r in
            let total = max(r.values.reduce(0, +), 1e-12)
            return "\(r.label): " + zip(categories, r.values).map { "\($0) \(SVG.n(round3(100 * $1 / total))) %" }.joined(separator: ", ")
        }.joined(separator: "; "))
    }
}
