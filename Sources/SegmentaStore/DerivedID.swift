import Crypto
import SegmentaCore

/// An id Segmenta derives when the sender gave none: the first 128 bits of a SHA-256 digest,
/// written as 32 lowercase hexadecimal digits.
///
/// The digest's input is each field's UTF-8 bytes followed by the unit separator (0x1f), so
/// that ("ab", "c") and ("a", "bc") differ. At 128 bits, two different inputs share an id with
/// probability about n² / 2¹²⁹: about 10⁻¹⁵ for a trillion ids (a 64-bit hash, used before
/// schema v12, reached even odds around five billion and one chance in a thousand at 190 million).
struct DerivedID: Hashable, Comparable, Sendable {
    /// The digest's first 64 bits, big-endian.
    var high: UInt64
    /// The digest's next 64 bits, big-endian.
    var low: UInt64

    /// An id from its two halves.
    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The all-zero id (a placeholder where a row has a given id).
    static let zero = DerivedID(high: 0, low: 0)

    /// The id of fields, each followed by 0x1f.
    init(fields: [String]) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(fields.reduce(0) { $0 + $1.utf8.count + 1 })
        for f in fields { Self.appendField(f.utf8, to: &bytes) }
        self.init(digestOf: bytes)
    }

    /// The id of `base` followed by one more field: the base's 16 bytes, then the field and 0x1f.
    init(base: DerivedID, then field: String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(17 + field.utf8.count)
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: base.high >> UInt64(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: base.low >> UInt64(shift))) }
        Self.appendField(field.utf8, to: &bytes)
        self.init(digestOf: bytes)
    }

    /// Appends one field of a digest's input: its bytes, then the unit separator (0x1f).
    static func appendField(_ field: some Sequence<UInt8>, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: field)
        bytes.append(0x1f)
    }

    init(digestOf bytes: [UInt8]) {
        var high: UInt64 = 0, low: UInt64 = 0
        SHA256.hash(data: bytes).withUnsafeBytes { d in
            for k in 0..<8 { high = high << 8 | UInt64(d[k]) }
            for k in 8..<16 { low = low << 8 | UInt64(d[k]) }
        }
        self.high = high
        self.low = low
    }

    /// Ids order like their hexadecimal text.
    static func < (a: DerivedID, b: DerivedID) -> Bool { (a.high, a.low) < (b.high, b.low) }

    /// The 32 hexadecimal digits.
    var hex: String {
        var out = [UInt8](repeating: 0x30, count: 32)
        write(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Overwrites the last 32 bytes of `text` with the id's lowercase hexadecimal digits.
    func write(into text: inout [UInt8]) {
        let start = text.count - 32
        for (half, value) in [high, low].enumerated() {
            for k in 0..<16 {
                let nibble = UInt8(truncatingIfNeeded: value >> UInt64(60 - 4 * k)) & 0xf
                text[start + 16 * half + k] = nibble < 10 ? 0x30 + nibble : 0x57 + nibble
            }
        }
    }
}

extension DerivedID {
    /// The fields a message's content id is derived from.
    static func contentFields(_ m: Message) -> [String] {
        [m.kind.rawValue, m.userID ?? "", m.anonymousID ?? "", m.event ?? "", m.groupID ?? "", m.previousID ?? "",
         m.timestamp.map { String($0.milliseconds) } ?? "", JSONValue.object(m.properties).jsonText, JSONValue.object(m.traits).jsonText]
    }

    /// The id of a message that came without a messageId: `content:` + the 128-bit id of its content.
    static func content(_ m: Message) -> String { "content:" + DerivedID(fields: contentFields(m)).hex }

    /// The base of a generated order id: customer, time in ms and amount.
    static func orderBase(_ o: Order) -> DerivedID {
        var scratch: [UInt8] = []
        return orderBase(o, scratch: &scratch)
    }

    /// ``orderBase(_:)`` written into `scratch`, reused from one order to the next (an import
    /// hashes millions: no allocation per order but the amount's text).
    static func orderBase(_ o: Order, scratch: inout [UInt8]) -> DerivedID {
        scratch.removeAll(keepingCapacity: true)
        appendField(o.customerID.utf8, to: &scratch)
        NumberText.appendDecimal(o.timestamp.milliseconds, to: &scratch)
        scratch.append(0x1f)
        appendField(JSONValue.format(o.amount).utf8, to: &scratch)
        return DerivedID(digestOf: scratch)
    }

    /// A generated order id's digest: the base for the first identical row of an import, the base
    /// followed by the occurrence (1, 2, …) for the next ones.
    static func order(base: DerivedID, occurrence: Int) -> DerivedID {
        occurrence == 0 ? base : DerivedID(base: base, then: String(occurrence))
    }
}
