/// One field of a record: a byte range into the scanned buffer.
public struct CSVField: Sendable {
    /// First byte of the field's text (after an opening quote).
    public var start: Int
    /// One past the last byte of the field's text (before a closing quote).
    public var end: Int
    /// True when the field was quoted and holds doubled quotes to unescape.
    public var hasEscapes: Bool
    /// True when the field was quoted.
    public var quoted: Bool
}

/// One record of a delimited file, valid only inside the scanner's callback.
///
/// Field access is by index and never copies unless a `String` is asked for.
public struct CSVRecord {
    /// The whole buffer being scanned.
    public let buffer: UnsafeBufferPointer<UInt8>
    /// The fields of this record (the storage is reused between records).
    public internal(set) var fields: [CSVField]
    /// 1-based line number of the record's first line in the file.
    public internal(set) var line: Int

    /// Number of fields.
    public var count: Int { fields.count }

    /// The raw bytes of field `i`, with surrounding blanks trimmed when it was not quoted.
    @inlinable
    public func bytes(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let f = fields[i]
        var s = f.start, e = f.end
        if !f.quoted {
            while s < e, buffer[s] == 32 || buffer[s] == 9 { s += 1 }
            while e > s, buffer[e - 1] == 32 || buffer[e - 1] == 9 { e -= 1 }
        }
        return UnsafeBufferPointer(rebasing: buffer[s..<e])
    }

    /// Field `i` as text (quotes unescaped, blanks trimmed when unquoted).
    public func string(_ i: Int) -> String {
        let f = fields[i]
        if !f.hasEscapes { return String(decoding: bytes(i), as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(f.end - f.start)
        var k = f.start
        while k < f.end {
            let b = buffer[k]
            out.append(b)
            k += (b == UInt8(ascii: "\"") && k + 1 < f.end && buffer[k + 1] == UInt8(ascii: "\"")) ? 2 : 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// True when field `i` is empty (after trimming).
    public func isEmpty(_ i: Int) -> Bool { bytes(i).isEmpty }
}
