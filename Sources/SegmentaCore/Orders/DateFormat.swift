/// How the dates of a file are written: ISO-8601 (the default), or day and month in a local order
/// (`12/31/2024` in the US, `31/12/2024` or `31.12.2024` in most of Europe), optionally followed by
/// a time (`HH:MM` or `HH:MM:SS`, UTC).
public enum DateFormat: String, Sendable, Equatable, CaseIterable {
    /// `YYYY-MM-DD`, `YYYYMMDD` or an ISO-8601 timestamp.
    case iso = "%Y-%m-%d"
    /// Month, day, year: `12/31/2024` (`-` and `.` also separate).
    case monthDayYear = "%m/%d/%Y"
    /// Day, month, year: `31/12/2024`, `31.12.2024` (`-` also separates).
    case dayMonthYear = "%d/%m/%Y"

    /// A format as `--date-format` names it: `%Y-%m-%d` (or `iso`), `%m/%d/%Y` (or `mdy`), `%d/%m/%Y` (or `dmy`).
    public init?(name: String) {
        switch name.lowercased() {
        case "%y-%m-%d", "iso", "ymd": self = .iso
        case "%m/%d/%y", "mdy", "us": self = .monthDayYear
        case "%d/%m/%y", "dmy", "%d.%m.%y": self = .dayMonthYear
        default: return nil
        }
    }

    /// Parses one date of this format.
    public func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Timestamp.ParseFailure) -> Timestamp {
        guard self != .iso else { return try Timestamp.parse(bytes: bytes) }
        guard let (a, b, year, rest) = Self.parts(bytes) else {
            throw Timestamp.ParseFailure(reason: "expected a date as \(self == .monthDayYear ? "MM/DD/YYYY" : "DD/MM/YYYY") (--date-format \(rawValue))")
        }
        let (month, day) = self == .monthDayYear ? (a, b) : (b, a)
        guard (1...12).contains(month) else { throw Timestamp.ParseFailure(reason: "month \(month) is not in 1…12 (--date-format \(rawValue))") }
        guard (1...CivilCalendar.daysInMonth(year: year, month: month)).contains(day) else {
            throw Timestamp.ParseFailure(reason: "day \(day) does not exist in \(year)-\(month < 10 ? "0" : "")\(month)")
        }
        var ms = Int64(CivilCalendar.daysFromCivil(year: year, month: month, day: day)) * 86_400_000
        if let rest { ms += try Self.time(rest) }
        return Timestamp(milliseconds: ms)
    }

    /// The two leading numbers and the year of `N/N/YYYY`, and what follows a space, if anything.
    static func parts(_ bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int, Int, ArraySlice<UInt8>?)? {
        var s = ArraySlice(bytes)
        while s.first == 0x20 { s = s.dropFirst() }
        while s.last == 0x20 { s = s.dropLast() }
        var numbers: [Int] = []
        var separator: UInt8?
        while numbers.count < 3 {
            var value = 0, digits = 0
            while let c = s.first, c >= 48, c <= 57, digits < 4 { value = value * 10 + Int(c - 48); digits += 1; s = s.dropFirst() }
            guard digits > 0, digits <= (numbers.count == 2 ? 4 : 2) else { return nil }
            if numbers.count == 2 && digits != 4 { return nil }
            numbers.append(value)
            if numbers.count < 3 {
                guard let c = s.first, c == UInt8(ascii: "/") || c == UInt8(ascii: "-") || c == UInt8(ascii: "."), separator == nil || separator == c else { return nil }
                separator = c
                s = s.dropFirst()
            }
        }
        if s.isEmpty { return (numbers[0], numbers[1], numbers[2], nil) }
        guard s.first == 0x20 || s.first == UInt8(ascii: "T") else { return nil }
        return (numbers[0], numbers[1], numbers[2], s.dropFirst())
    }

    /// `HH:MM` or `HH:MM:SS`, in milliseconds.
    static func time(_ s: ArraySlice<UInt8>) throws(Timestamp.ParseFailure) -> Int64 {
        let fields = s.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        let values = fields.map { f in f.count == 2 && f.allSatisfy { $0 >= 48 && $0 <= 57 } ? Int(f[f.startIndex] - 48) * 10 + Int(f[f.startIndex + 1] - 48) : -1 }
        guard (2...3).contains(values.count), values.allSatisfy({ $0 >= 0 }), values[0] < 24, values[1] < 60, values.count == 2 || values[2] < 60 else {
            throw Timestamp.ParseFailure(reason: "the time after the date must be HH:MM or HH:MM:SS")
        }
        return Int64(values[0] * 3600 + values[1] * 60 + (values.count == 3 ? values[2] : 0)) * 1000
    }

    /// What a file's dates say about their order: `.dayMonthYear` when some first number is over
    /// 12 (it can only be a day), `.monthDayYear` when some second number is, `.iso` when they are
    /// ISO dates; nil when every day/month date reads both ways (ambiguous: never guessed).
    /// - Throws: when the file holds both kinds (12/31/2024 and 31/12/2024), or a date in neither form.
    public static func detect(_ dates: some Sequence<UnsafeBufferPointer<UInt8>>) throws(Timestamp.ParseFailure) -> DateFormat? {
        var detector = Detector()
        for bytes in dates { try detector.add(bytes) }
        return try detector.result()
    }

    /// ``detect(_:)`` one date at a time, in constant memory.
    public struct Detector: Sendable {
        var dayFirst: String?, monthFirst: String?
        var sawISO = false, sawDayMonth = false

        /// An empty detector.
        public init() {}

        /// Looks at one date.
        public mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) throws(Timestamp.ParseFailure) {
            if let (a, b, _, _) = DateFormat.parts(bytes) {
                sawDayMonth = true
                if a > 12 && dayFirst == nil { dayFirst = String(decoding: bytes, as: UTF8.self) }
                if b > 12 && monthFirst == nil { monthFirst = String(decoding: bytes, as: UTF8.self) }
            } else if (try? Timestamp.parse(bytes: bytes)) != nil {
                sawISO = true
            } else {
                throw Timestamp.ParseFailure(reason: "\"\(String(decoding: bytes, as: UTF8.self))\" is neither an ISO date nor a day/month date")
            }
        }

        /// The format the dates seen so far have; nil when they read both ways.
        public func result() throws(Timestamp.ParseFailure) -> DateFormat? {
            if sawISO && sawDayMonth { throw Timestamp.ParseFailure(reason: "the file mixes ISO dates and day/month dates; fix the file") }
            switch (dayFirst, monthFirst) {
            case let (d?, m?): throw Timestamp.ParseFailure(reason: "the file mixes day-first dates (\(d)) and month-first dates (\(m)); fix the file")
            case (_?, nil): return .dayMonthYear
            case (nil, _?): return .monthDayYear
            case (nil, nil): return sawDayMonth ? nil : .iso
            }
        }
    }
}
