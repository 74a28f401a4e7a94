/// A JSON value: the type of traits, properties and computed trait values.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The string, if this is one.
    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    /// The number, if this is one.
    public var numberValue: Double? { if case .number(let d) = self { return d }; return nil }
    /// The object, if this is one.
    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { return o }; return nil }
    /// The elements, if this is an array (else empty).
    /// The value at `key` of an object (nil for a missing key or a value that is not an object).
    public subscript(key: String) -> JSONValue? { objectValue?[key] }
    /// The elements of an array (empty for any other value).
    public var arrayValues: [JSONValue] { if case .array(let a) = self { return a }; return [] }
    /// True for `null`.
    public var isNull: Bool { if case .null = self { return true }; return false }

    /// An id-like value as text: strings as they are, integral numbers without a fraction. (The
    /// store puts every id in NFC where it keeps and looks them up: ``Swift/String/normalizedID``.)
    public var idString: String? {
        switch self {
        case .string(let s): return s.isEmpty ? nil : s
        case .number(let d) where d.rounded() == d && abs(d) < 1e15: return String(Int64(d))
        default: return nil
        }
    }

    /// The value at a dotted path (`company.size`) inside objects.
    public func value(atPath path: String) -> JSONValue? {
        var current = self
        for key in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard case .object(let o) = current, let next = o[String(key)] else { return nil }
            current = next
        }
        return current
    }
}

extension JSONValue: Codable {
    /// Decodes any JSON value.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    /// Encodes the value as the JSON it is.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    /// A string literal as a JSON string.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An integer literal as a JSON number.
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    /// A floating-point literal as a JSON number.
    public init(floatLiteral value: Double) { self = .number(value) }
    /// A Boolean literal as a JSON Boolean.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An array literal as a JSON array.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// A dictionary literal as a JSON object (a repeated key keeps its last value).
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    /// `nil` as JSON null.
    public init(nilLiteral: ()) { self = .null }
}
