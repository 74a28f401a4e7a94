import Testing
@testable import SegmentaCore

@Suite struct TimestampTests {
    @Test("every date of 1899–2200 is the day counted from 1899-01-01; the day after a month's last is refused")
    func everyDateAcrossTheTable() throws {
        var expected = -25_932   // 1899-01-01, from Python: (date(1899, 1, 1) - date(1970, 1, 1)).days
        for year in 1899...2200 {
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            for (m, length) in [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31].enumerated() {
                let prefix = "\(year)-\(m < 9 ? "0" : "")\(m + 1)-"
                for day in 1...length {
                    let text = prefix + (day < 10 ? "0" : "") + String(day)
                    #expect(try Timestamp.parse(text).epochDay == expected, "\(text)")
                    expected += 1
                }
                #expect(throws: Timestamp.ParseFailure.self) { _ = try Timestamp.parse(prefix + String(length + 1)) }
            }
        }
    }

    @Test(arguments: [
        ("1970-01-01", Int64(0)),
        ("19970101", Int64(852_076_800_000)),
        ("1997-01-01", Int64(852_076_800_000)),
        ("2026-11-22T15:20:53.347+00:00", Int64(1_795_360_853_347)),
        ("2026-11-22T15:20:53.347Z", Int64(1_795_360_853_347)),
        ("2026-11-22T15:20:56.000071+00:00", Int64(1_795_360_856_000)),
        ("2026-11-22T16:20:53.347+01:00", Int64(1_795_360_853_347)),
        ("2026-11-22T15:20:53", Int64(1_795_360_853_000)),
        ("2026-11-22 15:20:53", Int64(1_795_360_853_000)),
        ("2024-02-29", Int64(1_709_164_800_000)),
        ("2026-11-22T10:20:53.347-0500", Int64(1_795_360_853_347)),
    ])
    func parsesTheAcceptedForms(text: String, expected: Int64) throws {
        // Expected values computed with Python: datetime.fromisoformat(...).timestamp() * 1000.
        #expect(try Timestamp.parse(text).milliseconds == expected)
    }

    @Test(arguments: ["2023-02-29", "2026-13-01", "2026-00-10", "not a date", "2026-11-22T25:00:00", "20261", "", "2026-11-22T10:00:00.1234567891Z", "2026-11-22Tfoo"])
    func rejectsInvalidDates(text: String) {
        #expect(throws: Timestamp.ParseFailure.self) { try Timestamp.parse(text) }
    }

    @Test func civilCalendarRoundTripsEveryDayOverFourCenturies() {
        for day in stride(from: -146_097, to: 146_097 * 2, by: 1) {
            let (y, m, d) = CivilCalendar.civilFromDays(day)
            #expect(CivilCalendar.daysFromCivil(year: y, month: m, day: d) == day)
        }
    }

    @Test func formatsDatesAndTimes() throws {
        let t = try Timestamp.parse("2026-03-05T07:08:09.010Z")
        #expect(t.dateString == "2026-03-05")
        #expect(t.iso8601 == "2026-03-05T07:08:09.010Z")
        #expect(Timestamp(milliseconds: -1).dateString == "1969-12-31")
    }

    @Test func wholeDaysRoundDown() throws {
        let a = try Timestamp.parse("2026-01-01T12:00:00Z"), b = try Timestamp.parse("2026-01-03T00:00:00Z")
        #expect(a.wholeDays(until: b) == 1)
        #expect(b.wholeDays(until: a) == -2)
    }

    @Test func readableForms() throws {
        let t = try Timestamp.parse("2026-11-22T15:20:53.347Z")
        #expect(t.readable == "22 Nov 2026, 15:20 UTC" && t.readableDate == "22 Nov 2026")
        #expect(Timestamp(year: 2027, month: 1, day: 3).readable == "3 Jan 2027, 00:00 UTC")
    }

    @Test func amountsAndShares() {
        #expect(NumberText.amount(1234.5) == "1,234.50" && NumberText.amount(-0.004) == "0.00" && NumberText.amount(-1_000_000.129) == "-1,000,000.13")
        #expect(NumberText.percent(0.031) == "3.1%" && NumberText.thousands(-1234567) == "-1,234,567" && NumberText.fixed(2.005, 2) == "2.01")
    }
}
