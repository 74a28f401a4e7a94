/// A point in time, as whole milliseconds since 1970-01-01T00:00:00Z.
///
/// Segmenta stores and compares every time as UTC milliseconds: it is exact, cheap to compare
/// and sort, and maps one-to-one onto an SQL `INTEGER` column.
public struct Timestamp: Hashable, Comparable, Sendable, Codable {
    /// Milliseconds since the Unix epoch (UTC).
    public var milliseconds: Int64

    /// Milliseconds in one day.
    public static let millisecondsPerDay: Int64 = 86_400_000

    /// Creates a timestamp from milliseconds since the epoch.
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// Creates the timestamp of 00:00:00 UTC on a calendar day.
    /// - Parameters:
    ///   - year: the proleptic Gregorian year, e.g. 2026.
    ///   - month: 1...12.
    ///   - day: 1...31.
    public init(year: Int, month: Int, day: Int) {
        self.milliseconds = Int64(CivilCalendar.daysFromCivil(year: year, month: month, day: day)) * Self.millisecondsPerDay
    }

    /// Whole days since the epoch, rounded down (the UTC calendar day this instant falls in).
    public var epochDay: Int {
        Int(milliseconds.floorDivided(by: Self.millisecondsPerDay))
    }

    /// 00:00:00 UTC of the day this instant falls in.
    public var startOfDay: Timestamp {
        Timestamp(milliseconds: Int64(epochDay) * Self.millisecondsPerDay)
    }

    /// This instant moved by a number of whole days; saturates at the ends of the representable
    /// range (±292 million years) instead of overflowing, whatever `days` a caller passes.
    public func adding(days: Int) -> Timestamp {
        let (delta, o1) = Int64(days).multipliedReportingOverflow(by: Self.millisecondsPerDay)
        let (sum, o2) = milliseconds.addingReportingOverflow(delta)
        if o1 || o2 { return Timestamp(milliseconds: days < 0 ? .min : .max) }
        return Timestamp(milliseconds: sum)
    }

    /// Whole days from `self` until `later`, rounded down (negative when `later` is earlier).
    public func wholeDays(until later: Timestamp) -> Int {
        let (difference, overflow) = later.milliseconds.subtractingReportingOverflow(milliseconds)
        if overflow { return later.milliseconds > milliseconds ? Int(Int64.max / Self.millisecondsPerDay) : Int(Int64.min / Self.millisecondsPerDay) }
        return Int(difference.floorDivided(by: Self.millisecondsPerDay))
    }

    /// Earlier first.
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// Decodes milliseconds since 1970.
    public init(from decoder: any Decoder) throws {
        milliseconds = try decoder.singleValueContainer().decode(Int64.self)
    }

    /// Encodes milliseconds since 1970.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(milliseconds)
    }
}

extension Int64 {
    /// Division rounding toward negative infinity.
    @inlinable
    func floorDivided(by divisor: Int64) -> Int64 {
        let q = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
    }
}
