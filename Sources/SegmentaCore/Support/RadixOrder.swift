/// A stable ordering of 64-bit keys by least-significant-digit radix sort: four passes of 16
/// bits, each skipped when every key has the same digit there. O(n), against O(n log n)
/// comparisons through a closure for `sort(by:)` — a million keys in a few milliseconds.
enum RadixOrder {
    /// The positions `0..<keys.count`, ordered by key; equal keys keep their order (a stable sort).
    static func positions(_ keys: [UInt64]) -> [Int] {
        let n = keys.count
        var key = keys, position = Array(0..<n)
        guard n > 1 else { return position }
        var nextKey = [UInt64](repeating: 0, count: n), nextPosition = [Int](repeating: 0, count: n)
        // One pass counts the digits of all four passes.
        var counts = [Int](repeating: 0, count: 4 << 16)
        counts.withUnsafeMutableBufferPointer { c in
            for k in keys {
                c[Int(truncatingIfNeeded: k & 0xffff)] &+= 1
                c[1 << 16 | Int(truncatingIfNeeded: (k >> 16) & 0xffff)] &+= 1
                c[2 << 16 | Int(truncatingIfNeeded: (k >> 32) & 0xffff)] &+= 1
                c[3 << 16 | Int(truncatingIfNeeded: k >> 48)] &+= 1
            }
        }
        for pass in 0..<4 {
            let base = pass << 16
            // Every key has the same digit in this pass: the order stays as it is.
            if counts[base + Int(truncatingIfNeeded: (key[0] >> UInt64(16 * pass)) & 0xffff)] == n { continue }
            var start = [Int](repeating: 0, count: 1 << 16)
            var total = 0
            for d in 0..<(1 << 16) {
                start[d] = total
                total &+= counts[base + d]
            }
            let shift = UInt64(16 * pass)
            key.withUnsafeBufferPointer { k in
                position.withUnsafeBufferPointer { p in
                    nextKey.withUnsafeMutableBufferPointer { nk in
                        nextPosition.withUnsafeMutableBufferPointer { np in
                            start.withUnsafeMutableBufferPointer { s in
                                for i in 0..<n {
                                    let d = Int(truncatingIfNeeded: (k[i] >> shift) & 0xffff)
                                    let at = s[d]
                                    s[d] = at &+ 1
                                    nk[at] = k[i]
                                    np[at] = p[i]
                                }
                            }
                        }
                    }
                }
            }
            swap(&key, &nextKey)
            swap(&position, &nextPosition)
        }
        return position
    }

    /// A key that orders like `value` (−0 and +0 as one, so that they tie); nil for NaN.
    static func key(_ value: Double) -> UInt64? {
        guard !value.isNaN else { return nil }
        let bits = (value == 0 ? 0.0 : value).bitPattern
        return bits >> 63 == 1 ? ~bits : bits | 1 << 63
    }
}
