/// Base64 (RFC 4648), standard or URL-safe alphabet, padding optional: what SDKs send in form
/// bodies. Pure, so Core can read them without Foundation.
public enum Base64 {
    static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { table[Int(c)] = Int8(i) }
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    /// The bytes of base64 text, or nil when it holds a character outside the alphabets, padding
    /// before the end, or a length no encoder writes (one character past a multiple of four).
    /// Line breaks are skipped.
    public static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.count * 3 / 4)
        var buffer: UInt32 = 0, bits = 0, padding = 0, count = 0
        for c in text {
            if c == 0x0A || c == 0x0D { continue }
            if c == UInt8(ascii: "=") { padding += 1; continue }
            guard padding == 0 else { return nil }
            let v = values[Int(c)]
            guard v >= 0 else { return nil }
            buffer = (buffer << 6) | UInt32(v)
            bits += 6
            count += 1
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        guard count % 4 != 1, padding <= 2 else { return nil }
        return out
    }
}
