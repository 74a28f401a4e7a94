/// The calendar period cohorts and activity are grouped by.
public enum CohortPeriod: String, Sendable, CaseIterable, Codable {
    /// Calendar months (UTC), labelled `YYYY-MM`.
    case month
    /// ISO weeks starting on Monday (UTC), labelled by their Monday, `YYYY-MM-DD`.
    case week

    /// A running index of the period an instant falls in (consecutive periods differ by 1).
    public func index(of t: Timestamp) -> Int {
        switch self {
        case .month:
            let (y, m, _) = CivilCalendar.civilFromDays(t.epochDay)
            return y * 12 + (m - 1)
        case .week:
            // 1970-01-01 was a Thursday: day −3 is the Monday that starts week 0.
            let d = t.epochDay + 3
            return d >= 0 ? d / 7 : (d - 6) / 7
        }
    }

    /// The label of a period index.
    public func label(of index: Int) -> String {
        switch self {
        case .month:
            let y = index >= 0 ? index / 12 : (index - 11) / 12
            let m = index - y * 12 + 1
            return "\(Timestamp.pad(y, 4))-\(Timestamp.pad(m, 2))"
        case .week:
            return Timestamp(milliseconds: Int64(index * 7 - 3) * Timestamp.millisecondsPerDay).dateString
        }
    }
}
