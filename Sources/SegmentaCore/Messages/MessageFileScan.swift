import Dispatch

/// Reads a JSONL file of Segment-spec messages (one JSON object per line) in segments, each parsed
/// on all cores: the messages, the JSON text each one is stored with, and the lines refused.
public enum MessageFileScan {
    /// The messages of one segment, in file order.
    public struct Segment: Sendable {
        /// The messages that decoded.
        public var messages: [Message] = []
        /// Each message's stored JSON (traits or properties, and context), encoded while parsing.
        public var encoded: [(payload: String, context: String)] = []
    }

    /// Calls `body` with each segment of about `segmentBytes`, in file order; lines that are not a
    /// valid message are recorded in the report with their line number (and stop the scan under
    /// `.fail` once the segment they are in is read).
    /// - Returns: what was read and refused in the whole file.
    public static func forEachSegment(
        _ buffer: UnsafeBufferPointer<UInt8>,
        policy: ErrorPolicy,
        fileName: String,
        segmentBytes: Int = 32 << 20,
        parallelism: Int = 2,
        consumed: ((Range<Int>) -> Void)? = nil,
        _ body: (Segment) throws -> Void
    ) throws -> ScanReport {
        var report = ScanReport()
        var line = 1
        var lower = 0
        while lower < buffer.count {
            var cut = min(buffer.count, lower + max(1, segmentBytes))
            while cut < buffer.count, buffer[cut - 1] != UInt8(ascii: "\n") { cut += 1 }
            let (segment, segmentReport) = parse(buffer, lower..<cut, firstLine: line, parallelism: parallelism)
            report.merge(segmentReport)
            if policy == .fail && report.issueCount > 0 { throw report.failure(file: fileName) }
            try body(segment)
            line += CSVScanner.lineBreaks(in: buffer, lower..<cut)
            consumed?(lower..<cut)
            lower = cut
        }
        return report
    }

    /// One range of whole lines, split into a chunk per core, parsed, and joined in order.
    static func parse(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, firstLine: Int, parallelism: Int) -> (Segment, ScanReport) {
        let part = UnsafeBufferPointer(rebasing: buffer[range])
        let chunks = CSVScanner.chunks(of: part, from: 0, parts: max(1, parallelism))
        var firstLines = [firstLine]
        for c in chunks.dropLast() { firstLines.append((firstLines.last ?? firstLine) + CSVScanner.lineBreaks(in: part, c)) }
        let lines = firstLines
        let results = ChunkResults<(Segment, ScanReport)>(count: chunks.count, empty: (Segment(), ScanReport()))
        let shared = UnsafeSendable(part)
        DispatchQueue.concurrentPerform(iterations: chunks.count) { i in
            results.set(i, parseLines(shared.value, chunks[i], firstLine: lines[i]))
        }
        var segment = Segment()
        var report = ScanReport()
        for i in chunks.indices {
            let (s, r) = results.get(i)
            segment.messages += s.messages
            segment.encoded += s.encoded
            report.merge(r)
        }
        return (segment, report)
    }

    /// Parses the lines of `range`; blank lines are skipped and not counted.
    static func parseLines(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, firstLine: Int) -> (Segment, ScanReport) {
        var segment = Segment()
        var report = ScanReport()
        var line = firstLine - 1
        var start = range.lowerBound
        while start < range.upperBound {
            var end = start
            while end < range.upperBound, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            line += 1
            defer { start = end + 1 }
            let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
            if slice.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            report.rowsRead += 1
            do {
                guard case .object(let object) = try JSONTextParser.parse(bytes: slice) else {
                    report.record(RowIssue(line: line, column: nil, reason: "expected a JSON object"))
                    continue
                }
                let message = try Message.decode(object)
                segment.messages.append(message)
                segment.encoded.append((Message.storedPayload(message), JSONValue.object(message.context).jsonText))
                report.rowsValid += 1
            } catch let e as JSONTextParser.SyntaxError {
                report.record(RowIssue(line: line, column: nil, reason: e.description))
            } catch let e as Message.Invalid {
                report.record(RowIssue(line: line, column: nil, reason: e.reason))
            } catch {
                report.record(RowIssue(line: line, column: nil, reason: "\(error)"))
            }
        }
        return (segment, report)
    }
}
