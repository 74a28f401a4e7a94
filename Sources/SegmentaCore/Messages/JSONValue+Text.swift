/// Compact, deterministic JSON text (keys sorted), for storage and output.
extension JSONValue {
    /// The value as compact JSON text with sorted keys; integral numbers have no fraction.
    public var jsonText: String {
        var out = ""
        write(to: &out)
        return out
    }

    /// Appends the JSON text of this value to `out`.
    public func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let d): out += Self.format(d)
        case .string(let s): Self.writeString(s, to: &out)
        case .array(let a):
            out += "["
            for (i, v) in a.enumerated() {
                if i > 0 { out += "," }
                v.write(to: &out)
            }
            out += "]"
        case .object(let o):
            out += "{"
            for (i, (k, v)) in o.sorted(by: { $0.key < $1.key }).enumerated() {
                if i > 0 { out += "," }
                Self.writeString(k, to: &out)
                out += ":"
                v.write(to: &out)
            }
            out += "}"
        }
    }

    /// Appends the same JSON text as ``write(to:)-(String)`` as UTF-8 bytes: the common cases
    /// (integers, strings without escapes) without building a string first.
    public func write(to out: inout [UInt8]) {
        switch self {
        case .number(let d) where d.rounded() == d && abs(d) <= 9_007_199_254_740_992:
            out.append(contentsOf: String(Int64(d)).utf8)   // a small string: no allocation
        case .string(let s) where !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }):
            out.append(0x22)
            out.append(contentsOf: s.utf8)
            out.append(0x22)
        default:
            out.append(contentsOf: jsonText.utf8)
        }
    }

    /// A number as JSON: integers without a fraction, others in shortest round-trip form.
    public static func format(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d.rounded() == d && abs(d) <= 9_007_199_254_740_992 { return String(Int64(d)) }   // every integer up to 2^53 is exact
        return "\(d)"
    }

    /// Appends a JSON string literal.
    public static func writeString(_ s: String, to out: inout String) {
        // Most strings need no escape: appended whole.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out += "\""
            out += s
            out += "\""
            return
        }
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }
}
