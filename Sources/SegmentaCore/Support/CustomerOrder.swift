/// The order in which customers are listed and ranked: numeric ids numerically, others by bytes.
///
/// Ids made only of ASCII digits compare by their numeric value (any length, leading zeros
/// ignored; equal values put more leading zeros first, so `007` < `07` < `7`), and come before other
/// ids, which compare by their UTF-8 bytes. This is the order pandas gives an integer id column,
/// extended to text ids.
public enum CustomerOrder {
    /// True when `a` sorts before `b`.
    public static func areInIncreasingOrder(_ a: String, _ b: String) -> Bool {
        compare(a, b) < 0
    }

    /// Three-way comparison: negative, zero or positive.
    public static func compare(_ a: String, _ b: String) -> Int {
        let ua = a.utf8, ub = b.utf8
        let da = isDigits(ua), db = isDigits(ub)
        if da && db {
            let sa = ua.drop(while: { $0 == 48 }), sb = ub.drop(while: { $0 == 48 })
            if sa.count != sb.count { return sa.count < sb.count ? -1 : 1 }
            for (x, y) in zip(sa, sb) where x != y { return x < y ? -1 : 1 }
            return ua.count == ub.count ? 0 : (ua.count > ub.count ? -1 : 1)
        }
        if da != db { return da ? -1 : 1 }
        return bytewise(ua, ub)
    }

    /// Sorts ids in customer order.
    /// - Complexity: O(n log n) comparisons; ids of up to 17 digits use packed integer keys.
    public static func sorted(_ ids: [String]) -> [String] {
        sortedIndices(ids).map { ids[$0] }
    }

    /// The permutation that puts `ids` in customer order.
    public static func sortedIndices(_ ids: [String]) -> [Int] {
        var keys = [Int64](repeating: 0, count: ids.count)
        var allPacked = true
        for (i, id) in ids.enumerated() {
            guard let k = packedKey(id.utf8) else { allPacked = false; break }
            keys[i] = k
        }
        var order = Array(ids.indices)
        if allPacked {
            order = RadixOrder.positions(keys.map { UInt64(bitPattern: $0) })   // packed keys are non-negative
        } else {
            order.sort { compare(ids[$0], ids[$1]) < 0 }
        }
        return order
    }

    /// An integer that sorts like the id, for digit-only ids of at most 17 digits:
    /// value × 32 + (31 − length), so equal values with more leading zeros come first.
    @inlinable
    public static func packedKey<C: Collection>(_ bytes: C) -> Int64? where C.Element == UInt8 {
        let length = bytes.count
        guard length > 0, length <= 17 else { return nil }
        var value: Int64 = 0
        for b in bytes {
            guard b >= 48 && b <= 57 else { return nil }
            value = value * 10 + Int64(b - 48)
        }
        return value * 32 + Int64(31 - length)
    }

    /// The id text back from a packed key.
    public static func unpack(_ key: Int64) -> String {
        let length = 31 - Int(key % 32)
        let digits = String(key / 32)
        return digits.count >= length ? digits : String(repeating: "0", count: length - digits.count) + digits
    }

    static func isDigits(_ u: String.UTF8View) -> Bool {
        !u.isEmpty && u.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    static func bytewise(_ a: String.UTF8View, _ b: String.UTF8View) -> Int {
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}
