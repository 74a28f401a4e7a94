import Testing
@testable import SegmentaCore

/// Dates and amounts as other locales write them, against values worked out by hand.
@Suite struct DateFormatTests {
    func parse(_ f: DateFormat, _ s: String) throws -> Timestamp {
        try Array(s.utf8).withUnsafeBufferPointer { b -> Timestamp in try f.parse(b) }
    }

    @Test func dayAndMonthOrdersWithTimes() throws {
        #expect(try parse(.monthDayYear, "12/31/2024") == Timestamp(year: 2024, month: 12, day: 31))
        #expect(try parse(.dayMonthYear, "31.12.2024") == Timestamp(year: 2024, month: 12, day: 31))
        #expect(try parse(.dayMonthYear, "1-2-2024") == Timestamp(year: 2024, month: 2, day: 1))
        #expect(try parse(.monthDayYear, "02/29/2024 13:45") == Timestamp(year: 2024, month: 2, day: 29).adding(days: 0).plus(seconds: 13 * 3600 + 45 * 60))
        #expect(try parse(.dayMonthYear, "29/02/2024 13:45:07") == Timestamp(year: 2024, month: 2, day: 29).plus(seconds: 13 * 3600 + 45 * 60 + 7))
        for (f, bad) in [(DateFormat.monthDayYear, "31/12/2024"), (.dayMonthYear, "12/31/2024"), (.monthDayYear, "02/29/2023"),
                         (.monthDayYear, "12/31/24"), (.monthDayYear, "12/31-2024"), (.dayMonthYear, "31/12/2024 25:00")] {
            #expect(throws: Timestamp.ParseFailure.self, "\(bad)") { try parse(f, bad) }
        }
    }

    @Test func detectionNeverGuesses() throws {
        func detect(_ dates: [String]) throws -> DateFormat? {
            var d = DateFormat.Detector()
            for s in dates { try Array(s.utf8).withUnsafeBufferPointer { b -> Void in try d.add(b) } }
            return try d.result()
        }
        #expect(try detect(["01/02/2024", "12/31/2024"]) == .monthDayYear)
        #expect(try detect(["01/02/2024", "31/12/2024"]) == .dayMonthYear)
        #expect(try detect(["2024-01-02", "2024-12-31"]) == .iso)
        #expect(try detect(["01/02/2024", "03/04/2024"]) == nil)   // reads both ways
        #expect(throws: Timestamp.ParseFailure.self) { try detect(["31/01/2024", "01/31/2024"]) }
        #expect(throws: Timestamp.ParseFailure.self) { try detect(["2024-01-02", "31/01/2024"]) }
    }

    @Test func decimalCommas() {
        func comma(_ s: String) -> Double? { Array(s.utf8).withUnsafeBufferPointer { DecimalMark.comma.double($0) } }
        #expect(comma("12,50") == 12.5)
        #expect(comma("1.234,56") == 1234.56)
        #expect(comma("1 234,56") == 1234.56)
        #expect(comma("1\u{00A0}234,56") == 1234.56)
        #expect(comma("-0,5") == -0.5)
        #expect(comma("1234") == 1234)
        #expect(comma("1,2,3") == nil)
        #expect(comma("1,5.0") == nil)   // a group mark after the decimal comma
        #expect(Array("12,50".utf8).withUnsafeBufferPointer { DecimalMark.point.double($0) } == nil)
    }
}

extension Timestamp {
    func plus(seconds: Int) -> Timestamp { Timestamp(milliseconds: milliseconds + Int64(seconds) * 1000) }
}
