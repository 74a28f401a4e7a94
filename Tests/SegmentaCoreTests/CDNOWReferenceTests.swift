import Foundation
import Testing
@testable import SegmentaCore

/// Segmenta against pandas on the CDNOW data (expected files made by Fixtures/cdnow/reference.py).
@Suite struct CDNOWReferenceTests {
    static let options = DelimitedFileOptions(delimiter: .whitespace, hasHeader: false, columnNames: ["customer_id", "date", "cds", "amount"])

    func master<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T {
        var bytes = try FixtureFiles.bytes("cdnow/CDNOW_master.txt")
        // The lifetimes copy has a header line; skip it as --no-header --columns would read it as a bad row.
        let firstBreak = bytes.firstIndex(of: 10)!
        bytes.removeSubrange(0...firstBreak)
        return try bytes.withUnsafeBufferPointer(body)
    }

    func expectedRows(_ name: String) throws -> [[String]] {
        let text = try String(contentsOf: FixtureFiles.url("cdnow/\(name)"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func rfmMatchesPandasForEveryCustomer() throws {
        let (totals, report) = try master { try OrderFileScan.totals($0, options: Self.options, columns: OrderColumns(), policy: .fail, fileName: "cdnow", parallelism: 2) }
        #expect(report.rowsRead == 69_659 && report.issueCount == 0)
        let result = try RFMScorer.score(totals)
        #expect(result.asOf.dateString == "1998-07-01")
        let expected = try expectedRows("expected_rfm.csv")
        #expect(result.customers.count == expected.count)
        var mismatches = 0
        for (c, e) in zip(result.customers, expected) {
            let same = Int(c.customerID) == Int(e[0]) && String(c.recency) == e[1] && String(c.frequency) == e[2]
                && abs(c.monetary - Double(e[3])!) < 0.005 && [c.r, c.f, c.m, c.fm].map(String.init) == Array(e[4...7]) && c.segment?.rawValue == e[8]
            if !same { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test func headerFileWithWhitespaceDelimiterReadsTheSame() throws {
        let bytes = try FixtureFiles.bytes("cdnow/CDNOW_master.txt")
        let (totals, _) = try bytes.withUnsafeBufferPointer {
            try OrderFileScan.totals($0, options: DelimitedFileOptions(delimiter: .whitespace), columns: OrderColumns(amount: "dollar_value"), policy: .fail, fileName: "cdnow")
        }
        #expect(totals.customerCount == 23_570)
        #expect(abs(totals.monetary.reduce(0, +) - 2_500_315.63) < 0.01)
    }

    @Test func cohortRetentionMatchesPandas() throws {
        let (orders, _) = try master { try OrderFileScan.orders($0, options: Self.options, columns: OrderColumns(), policy: .fail, fileName: "cdnow") }
        let cells = CohortRetention.compute(activity: orders.map { .init(customerID: $0.customerID, timestamp: $0.timestamp) }, period: .month)
        let expected = try expectedRows("expected_cohorts.csv")
        #expect(cells.count == expected.count)
        for (c, e) in zip(cells, expected) {
            #expect(c.cohort == e[0] && String(c.period) == e[1] && String(c.size) == e[2] && String(c.active) == e[3])
            #expect(abs(c.retention - Double(e[4])!) < 1e-12)
        }
    }
}
