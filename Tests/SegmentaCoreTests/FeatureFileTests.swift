import Testing
@testable import SegmentaCore

/// `clusters --input` and `predict fit` read their tables on two cores: the same rows as one
/// core, and a bad cell reported at its own line wherever the file was cut.
@Suite struct FeatureFileTests {
    static func text(rows: Int, bad: Int? = nil) -> String {
        var s = "id,a,b\n"
        for i in 0..<rows { s += i == bad ? "r\(i),x,1\n" : "r\(i),\(i),\(Double(i) / 4)\n" }
        return s
    }

    @Test func twoCoresReadWhatOneReads() throws {
        let options = DelimitedFileOptions(delimiter: .comma, hasHeader: true, columnNames: nil)
        let one = try withBytes(Self.text(rows: 5_000)) { b throws(SegmentaError) in try FeatureFile.parse(b, options: options, parallelism: 1) }
        let two = try withBytes(Self.text(rows: 5_000)) { b throws(SegmentaError) in try FeatureFile.parse(b, options: options, parallelism: 2) }
        #expect(one == two && one.rows == 5_000 && one.names == ["a", "b"])
        #expect(two.ids.last == "r4999" && two[4999, 1] == 4999.0 / 4)
    }

    @Test(arguments: [3, 4_000]) func aBadCellIsReportedAtItsLine(row: Int) throws {
        let options = DelimitedFileOptions(delimiter: .comma, hasHeader: true, columnNames: nil)
        #expect {
            _ = try withBytes(Self.text(rows: 5_000, bad: row)) { b throws(SegmentaError) in try FeatureFile.parse(b, options: options, parallelism: 2) }
        } throws: { e in
            "\(e)" == "line \(row + 2): column a: \"x\" is not a number"   // the header is line 1
        }
    }
}
