public import SegmentaCore

/// The `next_cursor` of a profile's events, newest first: the (time, id) of the last event shown.
enum EventCursor {
    /// The position after which the next page starts, nil for the first page.
    static func parse(_ cursor: String?) throws(SegmentaError) -> (time: Int64, id: Int64)? {
        guard let cursor else { return nil }
        let parts = cursor.split(separator: "_")
        guard parts.count == 2, let t = Int64(parts[0]), let i = Int64(parts[1]) else {
            throw SegmentaError(.invalidInput, "cursor \"\(cursor)\" is not one this API returned; pass next_cursor from the previous page")
        }
        return (t, i)
    }

    /// The cursor of an event.
    static func text(time: Int64, id: Int64) -> String { "\(time)_\(id)" }
}
