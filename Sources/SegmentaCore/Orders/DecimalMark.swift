/// The decimal separator of a file's amounts: `12.50` (point, the default) or `12,50` (comma, as
/// in most of Europe, where `1.234,56` also groups thousands with points).
public enum DecimalMark: String, Sendable, Equatable, CaseIterable {
    /// `1234.56`; `,` groups nothing and is refused.
    case point
    /// `1234,56` or `1.234,56` (points, spaces and non-breaking spaces group thousands).
    case comma

    /// Parses an amount written with this mark; nil for anything that is not a finite number.
    public func double(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard self == .comma else { return DecimalParser.double(bytes) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var commas = 0, i = 0
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: ",") { commas += 1; out.append(UInt8(ascii: ".")) }
            else if c == UInt8(ascii: ".") || c == 0x20 {
                guard commas == 0 else { return nil }   // a group mark after the decimal comma
            } else if c == 0xC2, i + 1 < bytes.count, bytes[i + 1] == 0xA0 {   // U+00A0
                i += 1
            } else if c == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80, bytes[i + 2] == 0xAF {   // U+202F
                i += 2
            } else { out.append(c) }
            i += 1
        }
        guard commas <= 1 else { return nil }
        return out.withUnsafeBufferPointer { DecimalParser.double($0) }
    }
}
