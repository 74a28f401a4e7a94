/// Numbers as people read them — one implementation for the CLI's tables, the dashboard and the
/// sentences analyses write ("shrank 18% (1,204 → 987)").
public enum NumberText {
    /// `v` rounded half away from zero to `digits` decimals ("–" when not finite).
    public static func fixed(_ v: Double, _ digits: Int = 2) -> String {
        guard v.isFinite else { return "–" }
        let places = min(max(digits, 0), 9)
        let scale = (0..<places).reduce(1.0) { r, _ in r * 10 }
        let r = (abs(v) * scale).rounded() / scale
        guard r < 9.0e15 else { return String(v) }
        let intPart = Int64(r)
        var frac = String(Int64(((r - Double(intPart)) * scale).rounded()))
        frac = String(repeating: "0", count: max(0, places - frac.count)) + frac
        let sign = v < 0 && r != 0 ? "-" : ""
        return places == 0 ? "\(sign)\(intPart)" : "\(sign)\(intPart).\(frac)"
    }

    /// A share (0.123) as a percentage ("12.3%").
    public static func percent(_ share: Double, _ digits: Int = 1) -> String { fixed(share * 100, digits) + "%" }

    /// An amount with thousands separators and cents ("1,234.50"; "–" when not finite).
    public static func amount(_ v: Double) -> String {
        guard v.isFinite else { return "–" }
        let cents = (abs(v) * 100).rounded()
        guard cents < 9.0e17 else { return String(v) }
        let c = Int64(cents)
        let whole = thousands(Int(c / 100)), frac = c % 100
        return (v < 0 && c != 0 ? "-" : "") + whole + "." + (frac < 10 ? "0" : "") + String(frac)
    }

    /// An integer with thousands separators ("1,234,567").
    public static func thousands(_ n: Int) -> String {
        let s = String(n.magnitude)
        var out = ""
        for (i, ch) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// Appends `n` in decimal, exactly as `String(n)` writes it, without making a string (rows of
    /// output and derived ids are written this way by the million). Not generic: a generic
    /// function called from another module runs unspecialised, through witness tables.
    public static func appendDecimal(_ n: Int64, to bytes: inout [UInt8]) {
        if n < 0 { bytes.append(UInt8(ascii: "-")) }
        var m = n.magnitude
        let start = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: m % 10))
            m /= 10
        } while m > 0
        bytes[start...].reverse()
    }

    /// ``appendDecimal(_:to:)-(Int64,_)`` for an `Int`.
    public static func appendDecimal(_ n: Int, to bytes: inout [UInt8]) {
        appendDecimal(Int64(n), to: &bytes)
    }
}
