/// Parsing and formatting of the date and time forms Segmenta accepts.
///
/// Accepted: `YYYYMMDD`, `YYYY-MM-DD`, and ISO-8601 date-times
/// `YYYY-MM-DDTHH:MM[:SS[.fffffffff]][Z|±HH:MM|±HHMM|±HH]` (a space may stand for `T`; no offset
/// means UTC; 0–9 fraction digits, kept to the millisecond).
extension Timestamp {
    /// Why a text is not a valid date or time.
    public struct ParseFailure: Error, Equatable, Sendable {
        /// Human-readable reason.
        public var reason: String
    }

    /// Parses a date or timestamp.
    /// - Parameter text: e.g. `2026-11-22`, `20261122`, `2026-11-22T15:20:53.347+00:00`.
    /// - Returns: the instant, in UTC.
    /// - Throws: ``ParseFailure`` naming what is wrong.
    public static func parse(_ text: String) throws(ParseFailure) -> Timestamp {
        var copy = text
        let result: Result<Timestamp, ParseFailure> = copy.withUTF8 { buffer in
            Result { () throws(ParseFailure) in try parse(bytes: buffer) }
        }
        return try result.get()
    }

    /// Parses a date or timestamp from UTF-8 bytes (the fast path used by the CSV readers).
    public static func parse(bytes: UnsafeBufferPointer<UInt8>) throws(ParseFailure) -> Timestamp {
        var p = DateScanner(bytes: bytes)
        p.skipSpaces()
        guard let year = p.digits(4) else {
            throw ParseFailure(reason: "expected a date as YYYY-MM-DD, YYYYMMDD or an ISO-8601 timestamp")
        }
        let month: Int, day: Int
        if p.peek() == UInt8(ascii: "-") {
            p.advance()
            guard let m = p.digits(2), p.take(UInt8(ascii: "-")), let d = p.digits(2) else {
                throw ParseFailure(reason: "expected a date as YYYY-MM-DD")
            }
            month = m; day = d
        } else {
            guard let m = p.digits(2), let d = p.digits(2) else {
                throw ParseFailure(reason: "expected a date as YYYY-MM-DD, YYYYMMDD or an ISO-8601 timestamp")
            }
            month = m; day = d
        }
        guard (1...12).contains(month) else { throw ParseFailure(reason: "month \(month) is not in 1…12") }
        guard day >= 1 && day <= CivilCalendar.daysInMonth(year: year, month: month) else {
            throw ParseFailure(reason: "day \(day) does not exist in \(year)-\(month < 10 ? "0" : "")\(month)")
        }
        var ms = Int64(CivilCalendar.daysFromCivil(year: year, month: month, day: day)) * millisecondsPerDay
        p.skipTrailingSpaces()
        if p.atEnd { return Timestamp(milliseconds: ms) }
        guard p.take(UInt8(ascii: "T")) || p.take(UInt8(ascii: "t")) || p.take(UInt8(ascii: " ")) else {
            throw ParseFailure(reason: "unexpected text after the date; expected 'T' and a time")
        }
        guard let hour = p.digits(2), p.take(UInt8(ascii: ":")), let minute = p.digits(2) else {
            throw ParseFailure(reason: "expected a time as HH:MM[:SS]")
        }
        var second = 0
        var fractionMs = 0
        if p.take(UInt8(ascii: ":")) {
            guard let s = p.digits(2) else { throw ParseFailure(reason: "expected seconds as two digits") }
            second = s
            if p.take(UInt8(ascii: ".")) || p.take(UInt8(ascii: ",")) {
                var count = 0
                var scale = 100
                while let digit = p.digit() {
                    count += 1
                    if count > 9 { throw ParseFailure(reason: "more than 9 fraction digits in the seconds") }
                    fractionMs += digit * scale
                    scale /= 10
                }
                if count == 0 { throw ParseFailure(reason: "expected digits after the decimal point") }
            }
        }
        guard hour < 24, minute < 60, second <= 60 else {
            throw ParseFailure(reason: "time \(hour):\(minute):\(second) is out of range")
        }
        ms += Int64(hour * 3_600_000 + minute * 60_000 + min(second, 59) * 1000 + fractionMs)
        if p.take(UInt8(ascii: "Z")) || p.take(UInt8(ascii: "z")) {
            // UTC
        } else if let sign = p.peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            p.advance()
            guard let oh = p.digits(2) else { throw ParseFailure(reason: "expected a UTC offset as ±HH:MM") }
            var om = 0
            if p.take(UInt8(ascii: ":")) {
                guard let m = p.digits(2) else { throw ParseFailure(reason: "expected a UTC offset as ±HH:MM") }
                om = m
            } else if let m = p.digits(2) {
                om = m
            }
            guard oh <= 23, om <= 59 else { throw ParseFailure(reason: "UTC offset out of range") }
            let offset = Int64(oh * 3_600_000 + om * 60_000)
            ms += sign == UInt8(ascii: "+") ? -offset : offset
        }
        p.skipTrailingSpaces()
        guard p.atEnd else { throw ParseFailure(reason: "unexpected text after the time") }
        return Timestamp(milliseconds: ms)
    }

    /// The calendar date, `YYYY-MM-DD` (UTC).
    public var dateString: String {
        let (y, m, d) = CivilCalendar.civilFromDays(epochDay)
        return "\(Self.pad(y, 4))-\(Self.pad(m, 2))-\(Self.pad(d, 2))"
    }

    /// The date as people read it, e.g. `22 Nov 2026` (UTC).
    public var readableDate: String {
        let (y, m, d) = CivilCalendar.civilFromDays(epochDay)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(d) \(months[max(0, min(11, m - 1))]) \(y)"
    }

    /// Date and time to the minute as people read them, e.g. `22 Nov 2026, 15:20 UTC`.
    public var readable: String {
        let msInDay = Int(milliseconds - Int64(epochDay) * Self.millisecondsPerDay)
        return "\(readableDate), \(Self.pad(msInDay / 3_600_000, 2)):\(Self.pad(msInDay / 60_000 % 60, 2)) UTC"
    }

    /// ISO-8601 with milliseconds and `Z`, e.g. `2026-11-22T15:20:53.347Z`.
    public var iso8601: String {
        let msInDay = Int(milliseconds - Int64(epochDay) * Self.millisecondsPerDay)
        let h = msInDay / 3_600_000, mi = msInDay / 60_000 % 60, s = msInDay / 1000 % 60, f = msInDay % 1000
        return "\(dateString)T\(Self.pad(h, 2)):\(Self.pad(mi, 2)):\(Self.pad(s, 2)).\(Self.pad(f, 3))Z"
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

/// A cursor over the bytes of a date.
struct DateScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    var end: Int

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        self.end = bytes.count
    }

    var atEnd: Bool { index >= end }
    func peek() -> UInt8? { index < end ? bytes[index] : nil }
    mutating func advance() { index += 1 }

    mutating func take(_ byte: UInt8) -> Bool {
        if index < end, bytes[index] == byte { index += 1; return true }
        return false
    }

    mutating func digit() -> Int? {
        guard index < end else { return nil }
        let b = bytes[index]
        guard b >= 48 && b <= 57 else { return nil }
        index += 1
        return Int(b - 48)
    }

    mutating func digits(_ n: Int) -> Int? {
        guard index + n <= end else { return nil }
        var value = 0
        for i in index..<index + n {
            let b = bytes[i]
            guard b >= 48 && b <= 57 else { return nil }
            value = value * 10 + Int(b - 48)
        }
        index += n
        return value
    }

    mutating func skipSpaces() {
        while index < end, bytes[index] == 32 || bytes[index] == 9 { index += 1 }
    }

    mutating func skipTrailingSpaces() {
        while end > index, bytes[end - 1] == 32 || bytes[end - 1] == 9 || bytes[end - 1] == 13 { end -= 1 }
    }
}
