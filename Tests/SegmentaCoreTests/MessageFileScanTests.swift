import Testing
@testable import SegmentaCore

@Suite("Reading a JSONL file of messages in parallel segments")
struct MessageFileScanTests {
    /// 40,000 lines (about 4 MB: split into parallel chunks), with blank lines and bad lines at known places.
    func file() -> (text: String, bad: [Int: String], ids: [String]) {
        var lines: [String] = []
        var bad: [Int: String] = [:]
        var ids: [String] = []
        for i in 0..<40_000 {
            let n = lines.count + 1
            switch i {
            case 7, 25_001: lines.append("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"E\",")   // cut short
                bad[n] = "json"
            case 31_337: lines.append("{\"type\":\"track\",\"event\":\"E\",\"messageId\":\"x\"}")   // no user or anonymous id
                bad[n] = "id"
            case 12_000, 30_000: lines.append("   ")
            default:
                let id = "m\(i)"
                ids.append(id)
                lines.append("{\"type\":\"track\",\"userId\":\"u\(i % 97)\",\"event\":\"Feature Used\",\"messageId\":\"\(id)\",\"properties\":{\"n\":\(i),\"pad\":\"\(String(repeating: "x", count: i % 50))\"},\"context\":{\"ip\":\"10.0.0.\(i % 250)\"}}")
            }
        }
        return (lines.joined(separator: "\n") + "\n", bad, ids)
    }

    @Test("messages come back in file order, bad lines with their own line numbers, across segments and chunks")
    func orderAndLineNumbers() throws {
        var (text, bad, ids) = file()   // var: withUTF8 needs a mutable string
        for segmentBytes in [1 << 20, 1 << 30] {
            var seen: [Message] = []
            var encoded: [(payload: String, context: String)] = []
            let report = try text.withUTF8 { bytes in
                try MessageFileScan.forEachSegment(bytes, policy: .skip, fileName: "e.jsonl", segmentBytes: segmentBytes) { segment in
                    seen += segment.messages
                    encoded += segment.encoded
                }
            }
            #expect(seen.map { $0.messageID ?? "" } == ids)
            #expect(report.rowsRead == 39_998 && report.rowsValid == ids.count)
            #expect(report.issues.map(\.line).sorted() == bad.keys.sorted())
            #expect(report.issues.first { $0.line == 31_338 }?.reason.contains("userId") == true)
            #expect(report.issueSummary == "3 bad rows")   // lines wrong as a whole: no column to name
            #expect(zip(seen, encoded).allSatisfy { $0.0.properties == (try? JSONTextParser.parseObject($0.1.payload)) && $0.1.context == JSONValue.object($0.0.context).jsonText })
        }
        // Under --on-error fail the scan stops at the segment holding the first bad line.
        var segments = 0
        #expect(throws: SegmentaError.self) {
            try text.withUTF8 { bytes in
                _ = try MessageFileScan.forEachSegment(bytes, policy: .fail, fileName: "e.jsonl", segmentBytes: 1 << 20) { _ in segments += 1 }
            }
        }
        #expect(segments == 0)
        bad.removeAll()
    }

    @Test("the summary names the columns of bad values, and counts rows wrong as a whole apart")
    func summaryWording() {
        var report = ScanReport()
        report.record(RowIssue(line: 3, column: "date", reason: "not a date"))
        report.record(RowIssue(line: 4, column: "amount", reason: "not a number"))
        report.record(RowIssue(line: 9, column: nil, reason: "2 fields, expected 3"))
        #expect(report.issueSummary == "3 bad rows (1 in amount, 1 in date, 1 as a whole)")
        var one = ScanReport()
        one.record(RowIssue(line: 2, column: nil, reason: "invalid JSON"))
        #expect(one.issueSummary == "1 bad row")
    }
}
