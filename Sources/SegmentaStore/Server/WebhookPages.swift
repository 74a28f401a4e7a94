public import SegmentaCore

/// The outbox bodies of a refresh: who entered and who exited, `pageSize` ids per list and page,
/// people who denied consent left out — the same pages on every backend.
enum WebhookPages {
    /// The JSON text of each page, in order (none when the refresh changed nothing).
    static func bodies(_ refresh: RefreshResult, denied: Set<String>, pageSize requested: Int) -> [String] {
        let pageSize = max(1, requested)
        let entered = refresh.entered.filter { !denied.contains($0) }, exited = refresh.exited.filter { !denied.contains($0) }
        guard !(refresh.entered.isEmpty && refresh.exited.isEmpty) else { return [] }
        let pages = max(1, (max(entered.count, exited.count) + pageSize - 1) / pageSize)
        return (0..<pages).map { page in
            func slice(_ list: [String]) -> JSONValue {
                let lo = min(list.count, page * pageSize), hi = min(list.count, lo + pageSize)
                return .array(list[lo..<hi].map(JSONValue.string))
            }
            let body: JSONValue = .object([
                "segment": .string(refresh.segment), "as_of": .string(refresh.snapshot.asOf.iso8601),
                "snapshot": .number(Double(refresh.snapshot.id)), "page": .number(Double(page + 1)), "pages": .number(Double(pages)),
                "entered": slice(entered), "exited": slice(exited),
            ])
            return body.jsonText
        }
    }

    /// The body of an `alert` delivery: `{"type": "alert", "segment", "as_of", "snapshot", "alerts": [...]}`.
    static func alertBody(_ alerts: [SegmentAlert], snapshot: SegmentSnapshot, segment: String) -> String {
        JSONValue.object(["type": .string("alert"), "segment": .string(segment), "as_of": .string(snapshot.asOf.iso8601),
                          "snapshot": .number(Double(snapshot.id)), "alerts": .array(alerts.map(\.json))]).jsonText
    }
}
