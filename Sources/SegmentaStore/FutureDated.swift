import SegmentaCore

/// Which stored messages came dated more than a day after their arrival: the rule of
/// ``Message/isFutureDated(arrival:)`` read back from a stored row (such a message is stored at its
/// arrival, its own time kept in `original_timestamp`). With `sent_at`, the client's clock is
/// corrected first, so a phone set a year ahead that also sends `sentAt` is not one of them.
enum FutureDated {
    /// SQL (SQLite and PostgreSQL alike) true for such a row of `events`.
    static let condition = """
        (original_timestamp IS NOT NULL AND original_timestamp - COALESCE(sent_at, received_at) > \(Message.maxAhead))
        """

    /// The same rule on a row's values (copying events to ClickHouse, which keeps the answer):
    /// ``Message/isFutureDated(arrival:)`` itself, on the times the row kept.
    static func holds(originalTimestamp: Int64?, sentAt: Int64?, receivedAt: Int64) -> Bool {
        guard let original = originalTimestamp else { return false }
        let received = Timestamp(milliseconds: receivedAt)
        return Message(kind: .track, timestamp: Timestamp(milliseconds: original), sentAt: sentAt.map(Timestamp.init(milliseconds:)), receivedAt: received)
            .isFutureDated(arrival: received)
    }
}
