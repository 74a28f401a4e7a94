public import SegmentaCore

/// The outbox bodies of a refresh: who entered and who exited for the receiver, `pageSize` ids per
/// list and page — the same pages on every backend.
enum WebhookPages {
    /// The JSON text of each page, in order (none when there is nothing to tell). The members who
    /// withdrew consent are in `exited` and, on their page, also in `consent_withdrawn`.
    static func bodies(_ refresh: RefreshResult, told: DownstreamChange, pageSize requested: Int) -> [String] {
        let pageSize = max(1, requested)
        guard !told.isEmpty else { return [] }
        let pages = max(1, (max(told.entered.count, told.exited.count) + pageSize - 1) / pageSize)
        return (0..<pages).map { page in
            func slice(_ list: [String]) -> ArraySlice<String> {
                let lo = min(list.count, page * pageSize), hi = min(list.count, lo + pageSize)
                return list[lo..<hi]
            }
            let exited = slice(told.exited)
            var body: [String: JSONValue] = [
                "segment": .string(refresh.segment), "as_of": .string(refresh.snapshot.asOf.iso8601),
                "snapshot": .number(Double(refresh.snapshot.id)), "page": .number(Double(page + 1)), "pages": .number(Double(pages)),
                "entered": .array(slice(told.entered).map(JSONValue.string)), "exited": .array(exited.map(JSONValue.string)),
            ]
            let withdrawn = exited.filter(told.withdrawn.contains)
            if !withdrawn.isEmpty { body["consent_withdrawn"] = .array(withdrawn.map(JSONValue.string)) }
            return JSONValue.object(body).jsonText
        }
    }

    /// A member who left a segment between two refreshes, and the snapshot they were last in.
    struct Departed {
        var segment: String
        var snapshot: Int64
        var profile: String
    }

    /// Why a member left a segment between two refreshes.
    enum Departure: String {
        /// Merged into another profile (an alias, a PostHog `$identify`): the id they were sent
        /// under is gone; the profile they joined enters at the next refresh if it matches.
        case merged
        /// Deleted through the privacy API.
        case erased
    }

    /// The body of a delivery sent when a member leaves without a refresh:
    /// `{"type": "departure", "reason", "segment", "snapshot", "entered": [], "exited": [id]}` — a
    /// receiver that only reads `entered` and `exited` removes them like any exit. It holds the id
    /// and nothing else about the person.
    static func departureBody(segment: String, snapshot: Int64, reason: Departure, id: String, at time: Timestamp) -> String {
        JSONValue.object(["type": .string("departure"), "reason": .string(reason.rawValue), "segment": .string(segment),
                          "snapshot": .number(Double(snapshot)), "at": .string(time.iso8601),
                          "entered": .array([]), "exited": .array([.string(id)])]).jsonText
    }

    /// The body of an `alert` delivery: `{"type": "alert", "segment", "as_of", "snapshot", "alerts": [...]}`.
    static func alertBody(_ alerts: [SegmentAlert], snapshot: SegmentSnapshot, segment: String) -> String {
        JSONValue.object(["type": .string("alert"), "segment": .string(segment), "as_of": .string(snapshot.asOf.iso8601),
                          "snapshot": .number(Double(snapshot.id)), "alerts": .array(alerts.map(\.json))]).jsonText
    }
}
