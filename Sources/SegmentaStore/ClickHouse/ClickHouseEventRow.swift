public import SegmentaCore

/// One event as ClickHouse keeps it: the ids it arrived with (never rewritten on merges), and
/// its properties both as JSON text (for pages and exports) and flattened into parallel arrays,
/// so that conditions on properties run on any ClickHouse, 18.16 included (which has no
/// `JSONExtract`):
/// - `prop_keys[i]` is a dotted path (`plan`, `company.size`), `prop_kinds[i]` what is there
///   (``Kind``), with the number, the text, and — for a text that is a date — its instant in
///   milliseconds, read with the same parser as everywhere else (``Timestamp/parse(_:)``);
/// - the scalar elements of arrays sit in `elem_*` arrays under their array's path (for
///   `contains`).
///
/// Keys holding a `.` are left out: no dotted path can reach them (``JSONValue/value(atPath:)``).
package struct ClickHouseEventRow: Sendable, Equatable {
    /// What a property path holds.
    package enum Kind: UInt8, Sendable {
        case null = 1, number = 2, text = 3, `true` = 4, `false` = 5, array = 6, object = 7
        /// A text that parses as a date.
        case date = 8
    }

    var source: String
    var messageID: String
    var distinctID: String
    var userID: String
    var anonymousID: String
    var type: String
    var event: String
    var timestamp: Int64
    var receivedAt: Int64
    var properties: [String: JSONValue]
    /// Dated more than a day after its arrival, and stored at its arrival (``FutureDated``).
    var futureDated = false

    /// A stored event read back from a primary store (`store copy --events-to`): its profile stands
    /// for the ids it arrived with, which the primary store does not keep.
    package init(source: String, messageID: String, profile: String, type: String, event: String, timestamp: Int64, receivedAt: Int64,
                 properties: [String: JSONValue], futureDated: Bool = false) {
        self.futureDated = futureDated
        self.source = source
        self.messageID = messageID
        distinctID = profile
        userID = ""
        anonymousID = ""
        self.type = type
        self.event = event
        self.timestamp = timestamp
        self.receivedAt = receivedAt
        self.properties = properties
    }

    /// The row of a track, page or screen message (nil for other kinds, which are not events).
    package init?(_ m: Message, source: String, arrival: Timestamp) {
        guard Message.eventKinds.contains(m.kind) else { return nil }
        let m = m.normalizingIDs()
        guard let distinct = m.userID ?? m.anonymousID else { return nil }
        self.source = source
        // The same stand-in as the primary stores for a message without an id: a hash of its content.
        messageID = m.messageID ?? SQLiteStore.contentID(m)
        distinctID = distinct
        userID = m.userID ?? ""
        anonymousID = m.anonymousID ?? ""
        type = m.kind.rawValue
        event = m.event ?? ""
        timestamp = m.eventTime(arrival: arrival).milliseconds
        receivedAt = (m.receivedAt ?? arrival).milliseconds
        properties = m.properties
        futureDated = m.isFutureDated(arrival: arrival)
    }

    /// Flattened properties: (path, kind, number, text, instant) for every value reachable by a path.
    package static func flatten(_ properties: [String: JSONValue]) -> (scalars: [(String, Kind, Double, String, Int64)], elements: [(String, Kind, Double, String)]) {
        var scalars: [(String, Kind, Double, String, Int64)] = []
        var elements: [(String, Kind, Double, String)] = []
        func visit(_ path: String, _ v: JSONValue) {
            switch v {
            case .null: scalars.append((path, .null, 0, "", 0))
            case .number(let d): scalars.append((path, .number, d, "", 0))
            case .bool(let b): scalars.append((path, b ? .true : .false, 0, "", 0))
            case .string(let s):
                if let t = try? Timestamp.parse(s) { scalars.append((path, .date, 0, s, t.milliseconds)) } else { scalars.append((path, .text, 0, s, 0)) }
            case .array(let items):
                scalars.append((path, .array, 0, "", 0))
                for item in items {
                    switch item {
                    case .number(let d): elements.append((path, .number, d, ""))
                    case .string(let s): elements.append((path, .text, 0, s))
                    case .bool(let b): elements.append((path, b ? .true : .false, 0, ""))
                    default: break
                    }
                }
            case .object(let o):
                scalars.append((path, .object, 0, "", 0))
                for (k, child) in o.sorted(by: { $0.key < $1.key }) where !k.utf8.contains(46) { visit(path + "." + k, child) }
            }
        }
        for (k, v) in properties.sorted(by: { $0.key < $1.key }) where !k.utf8.contains(46) { visit(k, v) }
        return (scalars, elements)
    }

    /// Appends the row as one `JSONEachRow` line (values as JSON data, never SQL).
    package func writeJSONLine(to out: inout String) {
        let (scalars, elements) = Self.flatten(properties)
        func str(_ s: String) { JSONValue.writeString(s, to: &out) }
        func array<T>(_ items: [T], _ write: (T) -> Void) {
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                write(item)
            }
            out += "]"
        }
        out += "{\"source\":"; str(source)
        out += ",\"message_id\":"; str(messageID)
        out += ",\"distinct_id\":"; str(distinctID)
        out += ",\"user_id\":"; str(userID)
        out += ",\"anonymous_id\":"; str(anonymousID)
        out += ",\"type\":"; str(type)
        out += ",\"event\":"; str(event)
        out += ",\"timestamp\":" + String(timestamp)
        out += ",\"received_at\":" + String(receivedAt)
        out += ",\"future_dated\":" + (futureDated ? "1" : "0")
        out += ",\"prop_keys\":"; array(scalars) { str($0.0) }
        out += ",\"prop_kinds\":"; array(scalars) { out += String($0.1.rawValue) }
        out += ",\"prop_numbers\":"; array(scalars) { out += JSONValue.format($0.2) }
        out += ",\"prop_strings\":"; array(scalars) { str($0.3) }
        out += ",\"prop_times\":"; array(scalars) { out += String($0.4) }
        out += ",\"elem_keys\":"; array(elements) { str($0.0) }
        out += ",\"elem_kinds\":"; array(elements) { out += String($0.1.rawValue) }
        out += ",\"elem_numbers\":"; array(elements) { out += JSONValue.format($0.2) }
        out += ",\"elem_strings\":"; array(elements) { str($0.3) }
        out += ",\"properties\":"; str(JSONValue.object(properties).jsonText)
        out += "}\n"
    }
}
