/// A plain-text table with aligned columns: numbers right, text left.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []
    var rightAligned: Set<Int> = []

    init(_ headers: [String], rightAligned: Set<Int> = []) {
        self.headers = headers
        self.rightAligned = rightAligned
    }

    mutating func add(_ row: [String]) { rows.append(row) }

    func render() -> String {
        var widths = headers.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                let pad = String(repeating: " ", count: max(0, widths[i] - c.count))
                return rightAligned.contains(i) ? pad + c : c + pad
            }.joined(separator: "  ")
        }
        var out = [line(headers), widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")]
        out += rows.map(line)
        return out.joined(separator: "\n")
    }
}

/// Number formatting for tables.
enum Fmt {
    static func fixed(_ v: Double, _ digits: Int = 2) -> String {
        guard v.isFinite else { return "–" }
        let scale = (0..<digits).reduce(1.0) { r, _ in r * 10 }
        let r = (abs(v) * scale).rounded() / scale
        let intPart = Int64(r)
        var frac = String(Int64(((r - Double(intPart)) * scale).rounded()))
        frac = String(repeating: "0", count: max(0, digits - frac.count)) + frac
        let sign = v < 0 && r != 0 ? "-" : ""
        return digits == 0 ? "\(sign)\(intPart)" : "\(sign)\(intPart).\(frac)"
    }

    static func percent(_ share: Double, _ digits: Int = 1) -> String { fixed(share * 100, digits) + "%" }

    static func thousands(_ n: Int) -> String {
        let s = String(abs(n))
        var out = ""
        for (i, ch) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }
}

