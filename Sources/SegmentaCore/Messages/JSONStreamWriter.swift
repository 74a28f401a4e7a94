/// Writes JSON as it goes, for outputs of a million rows: text is built in a buffer and handed
/// to `sink` in pieces of about `chunkBytes`, so memory stays flat whatever the row count (no
/// ``JSONValue`` tree of the whole document). Commas are placed by the writer; the caller opens
/// and closes objects and arrays and gives each object member's key before its value. Numbers and
/// strings are written exactly as ``JSONValue/jsonText`` writes them.
public struct JSONStreamWriter {
    private var buffer = ""
    private var needsComma: [Bool] = []
    private var afterKey = false
    private let chunkBytes: Int
    private let sink: (String) -> Void

    /// - Parameters:
    ///   - chunkBytes: how much text to gather before handing it to `sink`.
    ///   - sink: receives the text in order (e.g. writes it to standard output).
    public init(chunkBytes: Int = 1 << 20, sink: @escaping (String) -> Void) {
        self.chunkBytes = max(1, chunkBytes)
        self.sink = sink
        buffer.reserveCapacity(self.chunkBytes + 4096)
    }

    /// Opens an object (as a value: at the top, in an array, or after a key).
    public mutating func beginObject() { startValue(); buffer += "{"; needsComma.append(false) }
    /// Closes the innermost object.
    public mutating func endObject() { _ = needsComma.popLast(); buffer += "}"; flushIfFull() }
    /// Opens an array.
    public mutating func beginArray() { startValue(); buffer += "["; needsComma.append(false) }
    /// Closes the innermost array.
    public mutating func endArray() { _ = needsComma.popLast(); buffer += "]"; flushIfFull() }

    /// The key of the next member of the innermost object.
    public mutating func key(_ name: String) {
        separate()
        JSONValue.writeString(name, to: &buffer)
        buffer += ":"
        afterKey = true
    }

    /// A whole value (a small one: a summary, a parameter object).
    public mutating func value(_ v: JSONValue) { startValue(); v.write(to: &buffer); flushIfFull() }
    /// A string value.
    public mutating func string(_ s: String) { startValue(); JSONValue.writeString(s, to: &buffer); flushIfFull() }
    /// A number value (`null` when not finite, as ``JSONValue/format(_:)``).
    public mutating func number(_ d: Double) { startValue(); buffer += JSONValue.format(d); flushIfFull() }
    /// An optional number: `null` when nil.
    public mutating func number(_ d: Double?) { if let d { number(d) } else { null() } }
    /// `null`.
    public mutating func null() { startValue(); buffer += "null" }

    /// `key` then a value, for object members.
    public mutating func member(_ name: String, _ v: JSONValue) { key(name); value(v) }

    /// Hands the rest of the text to the sink (call once, at the end).
    public mutating func finish() {
        if !buffer.isEmpty { sink(buffer) }
        buffer = ""
    }

    private mutating func startValue() {
        if afterKey { afterKey = false; return }
        separate()
    }

    private mutating func separate() {
        guard let last = needsComma.indices.last else { return }
        if needsComma[last] { buffer += "," } else { needsComma[last] = true }
    }

    private mutating func flushIfFull() {
        if buffer.utf8.count >= chunkBytes {
            sink(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }
}
