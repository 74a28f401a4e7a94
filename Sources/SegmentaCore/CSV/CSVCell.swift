/// Writing CSV cells for exports: RFC 4180 quoting, and cells that are safe to open in a
/// spreadsheet.
///
/// A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel,
/// LibreOffice and Google Sheets (CSV injection, OWASP). Such a cell is written with a leading
/// `'`, which spreadsheets show as text, unless the whole cell is a plain number (`-12.5` stays a
/// number). Every CSV that Segmenta writes — CLI output, API and dashboard exports — goes through here.
public enum CSVCell {
    /// One cell, neutralised and quoted when needed.
    ///
    /// ```swift
    /// CSVCell.field("=HYPERLINK(\"http://x\")")  // "'=HYPERLINK(""http://x"")" (quoted)
    /// CSVCell.field("-12.5")                      // -12.5
    /// ```
    public static func field(_ s: String) -> String {
        var cell = s
        if let first = cell.utf8.first, first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-")
            || first == UInt8(ascii: "@") || first == 9 || first == 13, !isPlainNumber(cell) {
            cell = "'" + cell
        }
        guard cell.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) else { return cell }
        var out = "\""
        for c in cell { if c == "\"" { out += "\"\"" } else { out.append(c) } }
        return out + "\""
    }

    /// Cells joined by commas (no line end).
    public static func row(_ cells: [String]) -> String { cells.map(field).joined(separator: ",") }

    /// `-12`, `+3.5`, `-1e3`: a number a spreadsheet reads as a number, not a formula.
    static func isPlainNumber(_ s: String) -> Bool {
        let body = s.utf8.dropFirst()
        guard !body.isEmpty, body.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }),
              let first = body.first, first >= 48, first <= 57 else { return false }
        return Double(s) != nil
    }
}
