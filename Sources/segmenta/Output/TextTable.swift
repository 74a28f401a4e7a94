import SegmentaCore

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

/// Number formatting for tables: ``NumberText``, shared with the dashboard and the analyses' sentences.
enum Fmt {
    static func fixed(_ v: Double, _ digits: Int = 2) -> String { NumberText.fixed(v, digits) }
    static func percent(_ share: Double, _ digits: Int = 1) -> String { NumberText.percent(share, digits) }
    static func thousands(_ n: Int) -> String { NumberText.thousands(n) }
}
