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

    @Test("the quote check finds a quote at any position and alignment, and none where there is none")
    func quoteCheckAtEveryPosition() {
        // A file with a quote anywhere is scanned as one range (a quoted field may hold a line
        // break, so it cannot be cut at any line break): a missed quote would split such a field.
        for size in [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 200, 4_097] {
            let plain = [UInt8](repeating: UInt8(ascii: "a"), count: size + 7)
            for offset in 0..<min(7, size + 1) {
                plain.withUnsafeBufferPointer { all in
                    #expect(!CSVScanner.containsQuote(UnsafeBufferPointer(rebasing: all[offset..<(offset + size)])))
                }
                for at in Set([0, 1, size / 2, size - 2, size - 1]) where at >= 0 && at < size {
                    var bytes = plain
                    bytes[offset + at] = UInt8(ascii: "\"")
                    // A quote just outside the range must not count.
                    if offset > 0 { bytes[offset - 1] = UInt8(ascii: "\"") }
                    bytes.withUnsafeBufferPointer { all in
                        #expect(CSVScanner.containsQuote(UnsafeBufferPointer(rebasing: all[offset..<(offset + size)])), "size \(size), quote at \(at)")
                    }
                }
                if offset > 0 && size > 0 {
                    var bytes = plain
                    bytes[offset - 1] = UInt8(ascii: "\"")
                    bytes[offset + size] = UInt8(ascii: "\"")
                    bytes.withUnsafeBufferPointer { all in
                        #expect(!CSVScanner.containsQuote(UnsafeBufferPointer(rebasing: all[offset..<(offset + size)])), "size \(size), quotes around")
                    }
                }
            }
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
