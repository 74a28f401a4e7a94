public import SegmentaCore

/// The one place where a value becomes ClickHouse SQL text.
///
/// ClickHouse 18.16 (what Debian ships) has no `{name:Type}` query parameters, so the statements
/// Segmenta builds at run time write values as literals, and only through these functions:
/// strings quoted with every byte that could end or bend the literal escaped, numbers as finite
/// decimal literals, names checked against a closed alphabet. Bulk rows never go through SQL at
/// all: they are sent as `JSONEachRow` data. `ClickHouseLiteralFuzzTests` sends random strings
/// through ``quote(_:)`` to a real server and checks the bytes come back unchanged.
package enum ClickHouseSQL {
    /// A string literal: `'…'`, with `\` and `'` escaped, and every control byte as `\xHH`.
    package static func quote(_ s: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(s.utf8.count + 2)
        out.append(39)
        let hex = Array("0123456789ABCDEF".utf8)
        for b in s.utf8 {
            switch b {
            case 92: out.append(92); out.append(92)            // \  → \\
            case 39: out.append(92); out.append(39)            // '  → \'
            case 0..<32, 127:
                out.append(92); out.append(120)                 // \xHH
                out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)])
            default: out.append(b)
            }
        }
        out.append(39)
        return String(decoding: out, as: UTF8.self)
    }

    /// A number literal (a `Float64`), in parentheses when negative; non-finite numbers (never
    /// produced by JSON) become NULL.
    package static func number(_ d: Double) -> String {
        guard d.isFinite else { return "NULL" }
        let text: String
        if d == d.rounded(), abs(d) < 9.0e15 { text = String(Int64(d)) + ".0" } else { text = "\(d)" }
        return d < 0 ? "(\(text))" : text
    }

    /// An integer literal (milliseconds, counts).
    package static func integer(_ i: Int64) -> String { i < 0 ? "(\(i))" : String(i) }

    /// A value of a JSON scalar: numbers and strings as literals, anything else NULL.
    package static func value(_ v: JSONValue) -> String {
        switch v {
        case .number(let d): return number(d)
        case .string(let s): return quote(s)
        default: return "NULL"
        }
    }
}
