/// A stable 64-bit FNV-1a hash: the same bytes give the same value on every run and machine
/// (unlike `Hasher`), for deterministic assignment and sampling (experiment variants, hold-out
/// sets). Not for ids: ids Segmenta derives are 128-bit SHA-256 digests (`DerivedID` in SegmentaStore).
public struct StableHash: Sendable {
    /// The running value.
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    /// Starts a hash.
    public init() {}

    /// Continues a hash from a value it reached earlier.
    public init(value: UInt64) { self.value = value }

    /// Mixes in bytes.
    public mutating func combine<C: Sequence>(bytes: C) where C.Element == UInt8 {
        for b in bytes {
            value ^= UInt64(b)
            value = value &* 0x0000_0100_0000_01b3
        }
    }

    /// Mixes in text, followed by a separator byte so that ("ab","c") ≠ ("a","bc").
    public mutating func combine(_ text: String) {
        combine(bytes: text.utf8)
        combine(bytes: CollectionOfOne(0x1f))
    }

    /// The hash as 16 hexadecimal digits.
    public var hex: String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
