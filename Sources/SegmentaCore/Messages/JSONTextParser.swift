/// A strict JSON parser (RFC 8259) into ``JSONValue``, with error positions.
///
/// Written for speed on JSONL imports and ingestion bodies, and to keep number and boolean
/// types exact on every platform. Text that is not valid UTF-8 is refused, never repaired, and
/// ``Limits`` bound the work one input can cause *while* it is parsed (nesting, array length,
/// number of values, string length), so a hostile body costs no more than its limits.
public struct JSONTextParser {
    /// A syntax error, or a limit exceeded, and the byte offset where it was found.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        /// Byte offset of the problem in the text.
        public var offset: Int
        /// What was wrong there.
        public var reason: String
        /// True when the text may be valid JSON but goes over one of the ``Limits`` (answer 413, not 400).
        public var isLimit: Bool = false
        /// "invalid JSON at byte N: reason" (or "JSON over a limit …").
        public var description: String { (isLimit ? "JSON over a limit at byte \(offset): " : "invalid JSON at byte \(offset): ") + reason }
    }

    /// Bounds on what one parse may build.
    public struct Limits: Sendable, Equatable {
        /// Deepest nesting of arrays and objects.
        public var maxDepth: Int
        /// Most items in one array.
        public var maxArrayItems: Int
        /// Most values (of any kind, keys not counted) in the whole text.
        public var maxValues: Int
        /// Longest string, in UTF-8 bytes after unescaping.
        public var maxStringBytes: Int

        /// Limits with these bounds.
        public init(maxDepth: Int, maxArrayItems: Int, maxValues: Int, maxStringBytes: Int) {
            self.maxDepth = maxDepth
            self.maxArrayItems = maxArrayItems
            self.maxValues = maxValues
            self.maxStringBytes = maxStringBytes
        }

        /// For files and stored data the program wrote itself: only the nesting bound.
        public static let standard = Limits(maxDepth: 128, maxArrayItems: .max, maxValues: .max, maxStringBytes: .max)

        /// For request bodies from the network: nesting ≤ 32, ≤ 10,000 items per array (a batch),
        /// ≤ 1,000,000 values, strings ≤ 1 MiB. Stored data parsed back with ``standard`` is always accepted.
        public static let request = Limits(maxDepth: 32, maxArrayItems: 10_000, maxValues: 1_000_000, maxStringBytes: 1 << 20)
    }

    /// Nesting deeper than this is refused (protects the stack).
    public static let maxDepth = Limits.standard.maxDepth

    /// Parses one JSON value filling the whole text.
    public static func parse(_ text: String) throws(SyntaxError) -> JSONValue {
        var copy = text
        let result: Result<JSONValue, SyntaxError> = copy.withUTF8 { buffer in
            Result { () throws(SyntaxError) in try parse(bytes: buffer) }
        }
        return try result.get()
    }

    /// Parses a JSON object filling the whole text.
    public static func parseObject(_ text: String) throws(SyntaxError) -> [String: JSONValue] {
        guard case .object(let o) = try parse(text) else { throw SyntaxError(offset: 0, reason: "expected a JSON object") }
        return o
    }

    /// Parses one JSON value filling the whole buffer.
    /// - Parameter limits: bounds checked while parsing (``Limits/request`` for network input).
    public static func parse(bytes: UnsafeBufferPointer<UInt8>, limits: Limits = .standard) throws(SyntaxError) -> JSONValue {
        var p = JSONTextParser(bytes: bytes, limits: limits)
        p.skipBlanks()
        if p.i + 2 < bytes.count, bytes[p.i] == 0xEF, bytes[p.i + 1] == 0xBB, bytes[p.i + 2] == 0xBF { p.i += 3 } // UTF-8 BOM
        let v = try p.value(depth: 0)
        p.skipBlanks()
        guard p.i == bytes.count else { throw SyntaxError(offset: p.i, reason: "unexpected text after the value") }
        return v
    }

    let bytes: UnsafeBufferPointer<UInt8>
    let limits: Limits
    var i = 0
    var values = 0

    init(bytes: UnsafeBufferPointer<UInt8>, limits: Limits) {
        self.bytes = bytes
        self.limits = limits
    }

    func limit(_ reason: String) -> SyntaxError { SyntaxError(offset: i, reason: reason, isLimit: true) }

    mutating func skipBlanks() {
        while i < bytes.count, bytes[i] == 32 || bytes[i] == 9 || bytes[i] == 10 || bytes[i] == 13 { i += 1 }
    }

    mutating func value(depth: Int) throws(SyntaxError) -> JSONValue {
        guard depth < limits.maxDepth else { throw limit("nested deeper than \(limits.maxDepth) levels") }
        values += 1
        guard values <= limits.maxValues else { throw limit("more than \(limits.maxValues) values") }
        skipBlanks()
        guard i < bytes.count else { throw SyntaxError(offset: i, reason: "unexpected end of input") }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            i += 1
            var o: [String: JSONValue] = [:]
            skipBlanks()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
            while true {
                skipBlanks()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw SyntaxError(offset: i, reason: "expected a quoted key") }
                let keyOffset = i
                let k = try string()
                skipBlanks()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw SyntaxError(offset: i, reason: "expected ':' after a key") }
                i += 1
                // A repeated key is refused: which value was meant is a guess (parsers disagree).
                if o.updateValue(try value(depth: depth + 1), forKey: k) != nil {
                    throw SyntaxError(offset: keyOffset, reason: "the key \"\(k.prefix(64))\" appears twice in one object; send each key once")
                }
                skipBlanks()
                guard i < bytes.count else { throw SyntaxError(offset: i, reason: "unexpected end inside an object") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(o) }
                throw SyntaxError(offset: i, reason: "expected ',' or '}' in an object")
            }
        case UInt8(ascii: "["):
            i += 1
            var a: [JSONValue] = []
            skipBlanks()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
            while true {
                guard a.count < limits.maxArrayItems else { throw limit("an array has more than \(limits.maxArrayItems) items") }
                a.append(try value(depth: depth + 1))
                skipBlanks()
                guard i < bytes.count else { throw SyntaxError(offset: i, reason: "unexpected end inside an array") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(a) }
                throw SyntaxError(offset: i, reason: "expected ',' or ']' in an array")
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default:
            return .number(try number())
        }
    }

    mutating func literal(_ word: StaticString) throws(SyntaxError) {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { throw SyntaxError(offset: i, reason: "unexpected end of input") }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { throw SyntaxError(offset: i, reason: "unknown literal; expected \(word)") }
        i += n
    }

    mutating func number() throws(SyntaxError) -> Double {
        let start = i
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
        let intStart = i
        while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 { i += 1 }
        guard i > intStart else { throw SyntaxError(offset: start, reason: "unexpected character") }
        if i - intStart > 1, bytes[intStart] == 48 { throw SyntaxError(offset: start, reason: "numbers may not have leading zeros") }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            let f = i
            while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 { i += 1 }
            guard i > f else { throw SyntaxError(offset: i, reason: "expected digits after '.'") }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            let e = i
            while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 { i += 1 }
            guard i > e else { throw SyntaxError(offset: i, reason: "expected digits in the exponent") }
        }
        let slice = UnsafeBufferPointer(rebasing: bytes[start..<i])
        guard let d = DecimalParser.double(slice) ?? Double(String(decoding: slice, as: UTF8.self)), d.isFinite else {
            throw SyntaxError(offset: start, reason: "number out of range")
        }
        return d
    }

    mutating func string() throws(SyntaxError) -> String {
        i += 1 // opening quote
        let start = i
        var ascii = true
        // Fast path: no escapes.
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<i])
                guard raw.count <= limits.maxStringBytes else { throw limit("a string is longer than \(limits.maxStringBytes) bytes") }
                let s = try text(raw, ascii: ascii, at: start)
                i += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw SyntaxError(offset: i, reason: "control character inside a string") }
            if b >= 0x80 { ascii = false }
            i += 1
        }
        var out = Array(bytes[start..<i])
        while i < bytes.count {
            let b = bytes[i]
            guard out.count <= limits.maxStringBytes else { throw limit("a string is longer than \(limits.maxStringBytes) bytes") }
            if b == UInt8(ascii: "\"") {
                i += 1
                return try out.withUnsafeBufferPointer { buffer throws(SyntaxError) in try text(buffer, ascii: ascii, at: start) }
            }
            if b >= 0x80 { ascii = false }
            if b < 0x20 { throw SyntaxError(offset: i, reason: "control character inside a string") }
            if b != UInt8(ascii: "\\") { out.append(b); i += 1; continue }
            i += 1
            guard i < bytes.count else { break }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                    i += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw SyntaxError(offset: i, reason: "invalid surrogate pair") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { throw SyntaxError(offset: i, reason: "invalid \\u escape") }
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            default: throw SyntaxError(offset: i - 1, reason: "invalid escape")
            }
        }
        throw SyntaxError(offset: i, reason: "unterminated string")
    }

    /// The bytes as a String; refuses invalid UTF-8 instead of replacing it (a replaced id would
    /// silently merge different people).
    func text(_ raw: UnsafeBufferPointer<UInt8>, ascii: Bool, at offset: Int) throws(SyntaxError) -> String {
        if ascii { return String(decoding: raw, as: UTF8.self) }
        guard let s = String(validating: raw, as: UTF8.self) else {
            throw SyntaxError(offset: offset, reason: "a string is not valid UTF-8; send text encoded as UTF-8")
        }
        return s
    }

    mutating func hex4() throws(SyntaxError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw SyntaxError(offset: i, reason: "short \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let d: UInt32
            switch b {
            case 48...57: d = UInt32(b - 48)
            case 65...70: d = UInt32(b - 55)
            case 97...102: d = UInt32(b - 87)
            default: throw SyntaxError(offset: i, reason: "bad hex digit in \\u escape")
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }
}
