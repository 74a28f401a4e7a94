/// Fast, exact parsing of decimal numbers from bytes.
///
/// The fast path (`[-+]digits[.digits]` whose digits form an integer of at most 2^53 and with at
/// most 22 fraction digits: Clinger's condition) divides an exact integer by an exact power of
/// ten, so the result is the correctly rounded double, bit-identical to `strtod` and to pandas'
/// `read_csv` (its `round_trip` parser). Anything else (exponents, longer mantissas) goes through
/// Swift's `Double(_:)`. (A mantissa above 2^53 was once divided after a first rounding, which
/// rounded twice: `8888897371100655.0` read as …654. Found by fuzzing.)
public enum DecimalParser {
    @usableFromInline
    static let powersOfTen: [Double] = (0...22).map { p in
        var v = 1.0
        for _ in 0..<p { v *= 10 }
        return v
    }

    /// Parses a finite number; nil for empty text, non-numbers, NaN and infinities.
    @inlinable
    public static func double(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        let n = bytes.count
        guard n > 0 else { return nil }
        var i = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") { negative = true; i = 1 } else if bytes[0] == UInt8(ascii: "+") { i = 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var fraction = 0
        var seenDigit = false
        var seenPoint = false
        while i < n {
            let b = bytes[i]
            if b >= 48 && b <= 57 {
                seenDigit = true
                if mantissa == 0 && b == 48 {
                    if seenPoint { fraction += 1 }
                } else {
                    digits += 1
                    if digits > 18 { return slow(bytes) }
                    mantissa = mantissa &* 10 &+ UInt64(b - 48)
                    if seenPoint { fraction += 1 }
                }
            } else if b == UInt8(ascii: "."), !seenPoint {
                seenPoint = true
            } else {
                return slow(bytes)
            }
            i += 1
        }
        guard seenDigit else { return nil }
        guard fraction <= 22, mantissa <= 1 << 53 else { return slow(bytes) }
        let value = Double(mantissa) / powersOfTen[fraction]
        return negative ? -value : value
    }

    @usableFromInline
    static func slow(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let v = Double(text), v.isFinite else { return nil }
        // Reject forms Double accepts but a data file should not hold (hex floats, "nan", "inf").
        guard text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 45 || $0 == 43 || $0 == 101 || $0 == 69 }) else {
            return nil
        }
        return v
    }

    /// Parses a finite number from text.
    public static func double(_ text: String) -> Double? {
        var copy = text
        return copy.withUTF8 { double($0) }
    }
}
