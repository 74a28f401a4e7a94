/// The type a column of traits is read as, inferred from all of its values.
public enum TraitType: String, Sendable, CaseIterable {
    case number, boolean, date, string

    /// The narrowest type that holds every non-empty value: number (no leading zeros, so zip codes
    /// and phone numbers stay text), boolean (`true`/`false`, any case), date (ISO-8601 date or
    /// timestamp, kept as ISO text), else string.
    public static func infer<S: Sequence>(_ values: S) -> TraitType where S.Element == String {
        var number = true, boolean = true, date = true
        var any = false
        for v in values where !v.isEmpty {
            any = true
            if number && !looksNumeric(v) { number = false }
            if boolean && !["true", "false"].contains(v.lowercased()) { boolean = false }
            if date && (try? Timestamp.parse(v)) == nil { date = false }
            if !number && !boolean && !date { return .string }
        }
        if !any { return .string }
        if number { return .number }
        if boolean { return .boolean }
        if date { return .date }
        return .string
    }

    /// The JSON value of one cell under this type (nil for an empty cell: the trait is not set).
    public func value(_ text: String) -> JSONValue? {
        if text.isEmpty { return nil }
        switch self {
        case .number: return DecimalParser.double(text).map(JSONValue.number)
        case .boolean: return .bool(text.lowercased() == "true")
        case .date:
            guard let t = try? Timestamp.parse(text) else { return .string(text) }
            // Keep date-only values as dates; normalise timestamps to UTC ISO-8601.
            return .string(text.count <= 10 && t.startOfDay == t ? t.dateString : t.iso8601)
        case .string: return .string(text)
        }
    }

    static func looksNumeric(_ v: String) -> Bool {
        let u = Array(v.utf8)
        var digitsStart = 0
        if u.first == UInt8(ascii: "-") { digitsStart = 1 }
        if u.count > digitsStart + 1, u[digitsStart] == 48, u[digitsStart + 1] != UInt8(ascii: ".") { return false }
        return DecimalParser.double(v) != nil
    }
}
