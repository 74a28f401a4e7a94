import Testing
@testable import SegmentaCore

@Suite struct CSVScannerTests {
    func records(_ text: String, _ delimiter: CSVDelimiter = .comma) throws -> [[String]] {
        var out: [[String]] = []
        try withBytes(text) { buffer in
            try CSVScanner.scan(buffer, delimiter: delimiter) { r in
                out.append((0..<r.count).map { r.string($0) })
                return true
            }
        }
        return out
    }

    @Test func readsQuotedFieldsWithDelimitersQuotesAndLineBreaks() throws {
        let rows = try records("id,note\n1,\"a, b\"\n2,\"say \"\"hi\"\"\"\n3,\"two\nlines\"\r\n4,\n")
        #expect(rows == [["id", "note"], ["1", "a, b"], ["2", "say \"hi\""], ["3", "two\nlines"], ["4", ""]])
    }

    @Test func handlesCRLFAndBlankLinesAndMissingFinalNewline() throws {
        #expect(try records("a,b\r\n\r\n1,2\r\n3,4") == [["a", "b"], ["1", "2"], ["3", "4"]])
    }

    @Test("rows of different lengths keep their own fields: a shorter row after a longer one has no leftovers")
    func rowsOfDifferentLengths() throws {
        #expect(try records("a,b,c,d\n1,2\n\n3,4,5\n,\n6\n\"x\",\"y\",z\n")
            == [["a", "b", "c", "d"], ["1", "2"], ["3", "4", "5"], ["", ""], ["6"], ["x", "y", "z"]])
    }

    @Test func splitsOnRunsOfWhitespace() throws {
        #expect(try records(" 00001 19970101  1   11.77\r\n\t00002\t19970112 5 77.00\n", .whitespace)
            == [["00001", "19970101", "1", "11.77"], ["00002", "19970112", "5", "77.00"]])
    }

    @Test func reportsAnUnclosedQuoteWithItsLine() throws {
        #expect(throws: CSVScanner.SyntaxError(line: 2, reason: "a quoted field is not closed; add the closing '\"'")) {
            _ = try records("a,b\n1,\"open\n")
        }
    }

    @Test func parallelChunksCoverEveryLineOnce() throws {
        var text = "h\n"
        for i in 0..<200_000 { text += "\(i)\n" }
        try withBytes(text) { buffer in
            let ranges = CSVScanner.chunks(of: buffer, from: 2, parts: 3)
            #expect(ranges.count == 3)
            var seen = 0
            for r in ranges {
                try CSVScanner.scan(UnsafeBufferPointer(rebasing: buffer[r]), delimiter: .comma) { _ in seen += 1; return true }
            }
            #expect(seen == 200_000)
        }
    }

    @Test(arguments: [("12.50", 12.5), ("-3", -3.0), ("0.1", 0.1), ("1e3", 1000.0), ("007.25", 7.25), ("123456789012345678901", 123456789012345678901.0)])
    func parsesDecimalsExactly(text: String, expected: Double) {
        #expect(DecimalParser.double(text) == expected)
    }

    @Test(arguments: ["", "abc", "12,5", "nan", "inf", "1.2.3", "$12", "-"])
    func rejectsNonNumbers(text: String) {
        #expect(DecimalParser.double(text) == nil)
    }
}
