import SegmentaCore

/// The ids derived before schema v12 (FNV-1a, 64 bits), still recognised so that sending or
/// importing again what a store received before v12 is counted as a duplicate.
enum LegacyDerivedID {
    /// The pre-v12 id of a generated-id order: `auto:` + FNV-1a of customer, time in ms, amount and occurrence.
    static func order(customer: String, milliseconds: Int64, amount: Double, occurrence: Int) -> String {
        var h = StableHash()
        h.combine(customer)
        h.combine(String(milliseconds))
        h.combine(JSONValue.format(amount))
        h.combine(String(occurrence))
        return "auto:" + h.hex
    }

    /// The pre-v12 id of a message without a messageId: `content:` + FNV-1a of its content.
    static func content(_ m: Message) -> String {
        var h = StableHash()
        for field in DerivedID.contentFields(m) { h.combine(field) }
        return "content:" + h.hex
    }
}
