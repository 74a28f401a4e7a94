public import SegmentaCore

/// The `next_cursor` of a profile's events when they come from two stores: the primary store's
/// own cursor, and a position (time, message hash) in ClickHouse's events, each `-` once that
/// side has run out: `PRIMARY~TIME_KEY`.
struct MergedCursor: Sendable {
    var primary: String?
    var primaryDone = false
    var events: (time: Int64, key: UInt64)?
    var eventsDone = false

    init(_ text: String?) throws(SegmentaError) {
        guard let text else { return }
        let parts = text.split(separator: "~", omittingEmptySubsequences: false).map(String.init)
        func bad() -> SegmentaError { SegmentaError(.invalidInput, "cursor \"\(text)\" is not one this API returned; pass next_cursor from the previous page") }
        guard parts.count == 2 else { throw bad() }
        switch parts[0] {
        case "-": primaryDone = true
        case "": primary = nil
        default: primary = parts[0]
        }
        switch parts[1] {
        case "-": eventsDone = true
        case "": events = nil
        default:
            let p = parts[1].split(separator: "_")
            guard p.count == 2, let t = Int64(p[0]), let k = UInt64(p[1]) else { throw bad() }
            events = (t, k)
        }
    }

    var text: String {
        let a = primaryDone ? "-" : (primary ?? "")
        let b = eventsDone ? "-" : (events.map { "\($0.time)_\($0.key)" } ?? "")
        return a + "~" + b
    }
}
