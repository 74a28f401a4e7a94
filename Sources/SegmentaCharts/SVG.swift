/// A tiny SVG writer: elements as text, every attribute value escaped.
public struct SVG: Sendable {
    /// The elements written so far, as SVG text.
    public private(set) var body = ""
    /// The picture's size in user units (its viewBox).
    public let width: Double, height: Double

    /// An empty picture of this size.
    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Escapes text for XML content and attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A number with at most two decimals, integers without a fraction.
    public static func n(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    /// Appends one element: its attributes in order, every value escaped, then its escaped text
    /// (and an optional hover title), or nothing (self-closing).
    mutating func element(_ name: String, _ attributes: [(String, String)], text: String? = nil, title: String? = nil) {
        body.append("<")
        body.append(name)
        for (key, value) in attributes {
            body.append(" ")
            body.append(key)
            body.append("=\"")
            body.append(Self.escape(value))
            body.append("\"")
        }
        guard text != nil || title != nil else { return body.append("/>") }
        body.append(">")
        if let title {
            body.append("<title>")
            body.append(Self.escape(title))
            body.append("</title>")
        }
        if let text { body.append(Self.escape(text)) }
        body.append("</")
        body.append(name)
        body.append(">")
    }

    /// A rectangle with an optional tooltip.
    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, tooltip: String? = nil) {
        element("rect", [("x", Self.n(x)), ("y", Self.n(y)), ("width", Self.n(max(0, width))), ("height", Self.n(max(0, height))), ("fill", fill)], title: tooltip)
    }

    /// Text at a point.
    public mutating func text(_ s: String, x: Double, y: Double, anchor: String = "start", size: Double = 12, fill: String = "#222", weight: String? = nil, rotate: Double? = nil,
                              cssClass: String? = nil) {
        var attributes = [("x", Self.n(x)), ("y", Self.n(y)), ("text-anchor", anchor), ("font-size", Self.n(size)), ("fill", fill)]
        if let weight { attributes.append(("font-weight", weight)) }
        if let cssClass { attributes.append(("class", cssClass)) }
        if let rotate { attributes.append(("transform", "rotate(\(Self.n(rotate)) \(Self.n(x)) \(Self.n(y)))")) }
        element("text", attributes, text: s)
    }

    /// A straight line.
    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String = "#999", width: Double = 1) {
        element("line", [("x1", Self.n(x1)), ("y1", Self.n(y1)), ("x2", Self.n(x2)), ("y2", Self.n(y2)), ("stroke", stroke), ("stroke-width", Self.n(width))])
    }

    /// A line through `points`, unfilled.
    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 2) {
        let p = points.map { "\(Self.n($0.0)),\(Self.n($0.1))" }.joined(separator: " ")
        element("polyline", [("points", p), ("fill", "none"), ("stroke", stroke), ("stroke-width", Self.n(width))])
    }

    /// A filled circle, with a hover title when `tooltip` is given.
    public mutating func circle(cx: Double, cy: Double, r: Double, fill: String, tooltip: String? = nil) {
        element("circle", [("cx", Self.n(cx)), ("cy", Self.n(cy)), ("r", Self.n(r)), ("fill", fill)], title: tooltip)
    }

    /// A legend at the right of a chart: a swatch and a name per entry, long names wrapped at
    /// spaces onto more lines (never clipped by the chart's edge: a word longer than the room is
    /// cut with "…" and the whole name is the entry's tooltip).
    public mutating func legend(_ entries: [(name: String, colour: String)], x: Double, y: Double) {
        let room = max(4, Int((width - x - 18) / 6.3))   // characters at 11 px
        var top = y
        for (name, colour) in entries {
            rect(x: x, y: top, width: 10, height: 10, fill: colour, tooltip: name)
            for line in Self.wrap(name, width: room) {
                text(line, x: x + 14, y: top + 9, size: 11)
                top += 14
            }
            top += 4
        }
    }

    /// Words of `s` in lines of at most `width` characters (a longer word cut with "…").
    static func wrap(_ s: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in s.split(separator: " ") {
            var w = String(word)
            if w.count > width { w = String(w.prefix(max(1, width - 1))) + "…" }
            if line.isEmpty { line = w } else if line.count + 1 + w.count <= width { line += " " + w } else { lines.append(line); line = w }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }

    /// The document, with a title and description for screen readers. Their ids are unique to
    /// the chart (derived from its content), so several charts on one page each name their own
    /// title. Charts carry the class `chart` (the pages' stylesheets let them shrink with their
    /// card); a `fixed` one (a sparkline in a table cell) does not.
    public func render(title: String, description: String, fixed: Bool = false) -> String {
        let id = "c" + String(Self.digest(title + "\u{1}" + description + "\u{1}" + body), radix: 36)
        // No inline style: the dashboard's content security policy allows its stylesheet only.
        let size = "width=\"\(Self.n(width))\" height=\"\(Self.n(height))\"" + (fixed ? "" : " class=\"chart\"")
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Self.n(width)) \(Self.n(height))\" \(size) role=\"img\" aria-labelledby=\"\(id)-t \(id)-d\" font-family=\"system-ui, sans-serif\"><title id=\"\(id)-t\">\(Self.escape(title))</title><desc id=\"\(id)-d\">\(Self.escape(description))</desc>\(body)</svg>"
    }

    /// FNV-1a, 64-bit: a short, stable name for a chart's content.
    static func digest(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }
}

/// Colour-blind-safe colours: Okabe & Ito's qualitative palette, and a sequential blue scale.
public enum Palette {
    /// Okabe & Ito's eight colours, for categories.
    public static let categorical = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

    /// A sequential colour for t in 0…1 (light to dark blue), readable by all common colour-vision types.
    public static func sequential(_ t: Double) -> String {
        let t = min(1, max(0, t))
        let from = (247.0, 251.0, 255.0), to = (8.0, 48.0, 107.0)
        func c(_ a: Double, _ b: Double) -> Int { Int((a + (b - a) * t).rounded()) }
        return "rgb(\(c(from.0, to.0)),\(c(from.1, to.1)),\(c(from.2, to.2)))"
    }

    /// Black or white text, whichever reads on a sequential colour.
    public static func textOn(_ t: Double) -> String { t > 0.55 ? "#fff" : "#222" }
}
