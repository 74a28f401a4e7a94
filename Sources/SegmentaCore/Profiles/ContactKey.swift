/// How a helpdesk names the person who wrote in: an email address or a phone number, in the form
/// the stores index them (so a lookup reads one index entry, not every profile).
///
/// - An email is compared trimmed and with ASCII letters in lower case (`Ada@Example.COM ` is
///   `ada@example.com`); other letters are kept as they are, as both SQL backends index them.
/// - A phone number is compared by its digits: spaces, `-`, `.`, `(`, `)` and `+` are left out
///   (`+33 6 12-34-56-78` is `33612345678`). National and international forms of one number are
///   different digits: keep phone traits in one form (E.164, as Zendesk and the SDKs send them).
public enum ContactKey: Sendable, Hashable {
    /// An email address, normalised.
    case email(String)
    /// A phone number's digits.
    case phone(String)

    /// The profile trait that holds it.
    public var trait: String {
        switch self {
        case .email: return "email"
        case .phone: return "phone"
        }
    }

    /// The normalised value.
    public var value: String {
        switch self {
        case .email(let v), .phone(let v): return v
        }
    }

    /// The characters a phone number may have besides its digits, left out when compared.
    public static let phoneSeparators: [Character] = [" ", "-", ".", "(", ")", "+"]

    /// The key of an email as someone typed it.
    /// - Throws: `invalidInput` when it is empty or has no `@` between two parts.
    public static func email(typed text: String) throws(SegmentaError) -> ContactKey {
        let v = lowercasedASCII(text.trimmedSpaces)
        guard let at = v.firstIndex(of: "@"), at != v.startIndex, v.index(after: at) != v.endIndex else {
            throw SegmentaError(.invalidInput, "\"\(text)\" is not an email address (NAME@DOMAIN)")
        }
        return .email(v)
    }

    /// The key of a phone number as someone typed it.
    /// - Throws: `invalidInput` when it has characters other than digits and the separators, or
    ///   fewer than 3 or more than 20 digits.
    public static func phone(typed text: String) throws(SegmentaError) -> ContactKey {
        let digits = text.trimmedSpaces.filter { !phoneSeparators.contains($0) }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), (3...20).contains(digits.count) else {
            throw SegmentaError(.invalidInput, "\"\(text)\" is not a phone number: give 3 to 20 digits, with spaces, dashes, dots, parentheses or a leading + if you like (+33 6 12 34 56 78)")
        }
        return .phone(digits)
    }

    /// Whether a profile's trait value (its text) is this key once normalised the same way.
    public func matches(_ stored: String) -> Bool {
        switch self {
        case .email(let v): return Self.lowercasedASCII(stored.trimmingCharacters(" ")) == v
        case .phone(let v): return stored.filter { !Self.phoneSeparators.contains($0) } == v
        }
    }

    /// `text` with `A`–`Z` in lower case and every other character as it is (what SQL's `lower`
    /// does in SQLite, and in PostgreSQL with the C collation).
    static func lowercasedASCII(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { s in
            (65...90).contains(s.value) ? Unicode.Scalar(s.value + 32) ?? s : s
        }))
    }
}

extension String {
    /// The text without `c` at either end (SQL's `trim`, which removes spaces only).
    func trimmingCharacters(_ c: Character) -> String {
        String(drop { $0 == c }.reversed().drop { $0 == c }.reversed())
    }
}
