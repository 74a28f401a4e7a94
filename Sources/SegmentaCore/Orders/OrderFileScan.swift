import Dispatch

/// Reads a whole orders file held in memory, in parallel when it is large and unquoted.
public enum OrderFileScan {
    /// Per-customer totals straight from the file's bytes, without materialising the rows.
    ///
    /// The file is cut at line breaks into one chunk per core; each chunk is parsed and
    /// aggregated on its own, then the partial totals are merged.
    /// - Parameters:
    ///   - buffer: the file's bytes.
    ///   - options: delimiter and header.
    ///   - columns: which columns are which.
    ///   - cutoff: leave out orders at or after this instant (`--as-of`).
    ///   - policy: stop at bad rows, or skip them.
    ///   - fileName: for error messages.
    ///   - parallelism: chunks to scan at once.
    /// - Complexity: O(n) in the bytes, plus O(c log c) to order c customers.
    public static func totals(
        _ buffer: UnsafeBufferPointer<UInt8>,
        options: DelimitedFileOptions,
        columns: OrderColumns,
        before cutoff: Timestamp? = nil,
        policy: ErrorPolicy,
        fileName: String,
        parallelism: Int = 2,
        refunds: RefundPolicy = .subtract,
        consumed: (@Sendable (Range<Int>) -> Void)? = nil
    ) throws(SegmentaError) -> (totals: CustomerTotals, report: ScanReport) {
        let (names, dataStart, dataLine) = try options.layout(of: buffer)
        let layout = try detectingDateFormat(columns, in: buffer, options: options).resolve(in: names)
        let ranges = chunkRanges(buffer, from: dataStart, options: options, parallelism: parallelism)
        // Later chunks number their lines from 1; issues are renumbered afterwards, if any.
        let firstLines = ranges.indices.map { $0 == 0 ? dataLine : 1 }
        let results = ChunkResults<(CustomerTable, ScanReport, SegmentaError?)>(count: ranges.count, empty: (CustomerTable(), ScanReport(), nil))
        let limit = cutoff?.milliseconds ?? .max
        let shared = UnsafeSendable(buffer)
        DispatchQueue.concurrentPerform(iterations: ranges.count) { part in
            var builder = CustomerTable(capacity: min(1 << 20, ranges[part].count / 24))
            builder.refunds = refunds
            var report = ScanReport()
            var failure: SegmentaError?
            // Tell the owner of the bytes, every 8 MiB, which ones are done with (to unmap them).
            var releasedTo = ranges[part].lowerBound
            do throws(SegmentaError) {
                try OrderReader.read(shared.value, range: ranges[part], firstLine: firstLines[part], layout: layout, delimiter: options.delimiter) { row in
                    report.rowsRead += 1
                    report.rowsValid += 1
                    if let consumed, report.rowsRead & 0x3FFF == 0 {
                        let at = ranges[part].lowerBound + row.record.fields[0].start
                        if at - releasedTo > 8 << 20 { consumed(releasedTo..<at); releasedTo = at }
                    }
                    guard row.timestamp.milliseconds < limit else { return }
                    builder.enqueue(bytes: row.customer, timestamp: row.timestamp.milliseconds, amount: row.amount)
                } issue: { issue in
                    report.rowsRead += 1
                    report.record(issue)
                    return policy == .skip || report.issueCount < 20
                }
            } catch {
                failure = error
            }
            builder.flush()
            results.set(part, (builder, report, failure))
        }
        var merged = CustomerTable()
        var report = ScanReport()
        for part in 0..<ranges.count {
            let (builder, partReport, failure) = results.get(part)
            if let failure { throw renumber(failure, part: part, buffer: buffer, ranges: ranges, dataLine: dataLine) }
            report.merge(renumber(partReport, part: part, buffer: buffer, ranges: ranges, dataLine: dataLine))
            if part == 0 { merged = builder } else { merged.merge(builder) }
        }
        if report.issueCount > 0 && policy == .fail { throw report.failure(file: fileName) }
        return (merged.finish(), report)
    }

    /// Every valid order of the file, in file order.
    /// - Parameters: as ``totals(_:options:columns:before:policy:fileName:parallelism:consumed:)``; `firstLine`
    ///   numbers the lines of a segment of a larger file.
    public static func orders(
        _ buffer: UnsafeBufferPointer<UInt8>,
        options: DelimitedFileOptions,
        columns: OrderColumns,
        policy: ErrorPolicy,
        fileName: String,
        parallelism: Int = 2,
        firstLine: Int? = nil,
        notAfter: Timestamp? = nil
    ) throws(SegmentaError) -> (orders: [Order], report: ScanReport) {
        let (names, dataStart, headerDataLine) = try options.layout(of: buffer)
        let dataLine = firstLine ?? headerDataLine
        let layout = try detectingDateFormat(columns, in: buffer, options: options).resolve(in: names)
        let ranges = chunkRanges(buffer, from: dataStart, options: options, parallelism: parallelism)
        let firstLines = ranges.indices.map { $0 == 0 ? dataLine : 1 }
        let results = ChunkResults<([Order], ScanReport, SegmentaError?)>(count: ranges.count, empty: ([], ScanReport(), nil))
        let shared = UnsafeSendable(buffer)
        DispatchQueue.concurrentPerform(iterations: ranges.count) { part in
            var orders: [Order] = []
            var report = ScanReport()
            var failure: SegmentaError?
            do throws(SegmentaError) {
                try OrderReader.read(shared.value, range: ranges[part], firstLine: firstLines[part], layout: layout, delimiter: options.delimiter,
                                     notAfter: notAfter?.milliseconds) { row in
                    report.rowsRead += 1
                    report.rowsValid += 1
                    let id = layout.orderID.flatMap { row.record.isEmpty($0) ? nil : row.record.string($0) }
                    let currency = layout.currency.flatMap { row.record.isEmpty($0) ? nil : row.record.string($0).uppercased() }
                    orders.append(Order(id: id, customerID: String(decoding: row.customer, as: UTF8.self).normalizedID,
                                        timestamp: row.timestamp, amount: row.amount, currency: currency))
                } issue: { issue in
                    report.rowsRead += 1
                    report.record(issue)
                    return policy == .skip || report.issueCount < 20
                }
            } catch {
                failure = error
            }
            results.set(part, (orders, report, failure))
        }
        var all: [Order] = []
        var report = ScanReport()
        for part in 0..<ranges.count {
            let (orders, partReport, failure) = results.get(part)
            if let failure { throw renumber(failure, part: part, buffer: buffer, ranges: ranges, dataLine: dataLine) }
            report.merge(renumber(partReport, part: part, buffer: buffer, ranges: ranges, dataLine: dataLine))
            all.append(contentsOf: orders)
        }
        if report.issueCount > 0 && policy == .fail { throw report.failure(file: fileName) }
        return (all, report)
    }

    /// Reads the file in segments of about `segmentBytes` (cut at line breaks) and hands each
    /// segment's valid orders to `body`, so that memory stays bounded by one segment. Each segment
    /// is itself parsed on all cores. Under ``ErrorPolicy/fail`` the first bad rows throw before
    /// their segment reaches `body` (the caller's transaction then rolls back what came before).
    /// A file with quotes is read as one segment (a quoted field may hold a line break).
    public static func forEachBatch(
        _ buffer: UnsafeBufferPointer<UInt8>,
        options: DelimitedFileOptions,
        columns: OrderColumns,
        policy: ErrorPolicy,
        fileName: String,
        segmentBytes: Int = 64 << 20,
        parallelism: Int = 2,
        consumed: ((Range<Int>) -> Void)? = nil,
        notAfter: Timestamp? = nil,
        _ body: ([Order]) throws -> Void
    ) throws -> ScanReport {
        let columns = try detectingDateFormat(columns, in: buffer, options: options)
        let (header, dataStart, dataLine) = try options.layout(of: buffer)
        let segmentOptions = DelimitedFileOptions(delimiter: options.delimiter, hasHeader: false, columnNames: header)
        var segments: [Range<Int>] = []
        var quoted = false
        if case .byte = options.delimiter { quoted = CSVScanner.containsQuote(UnsafeBufferPointer(rebasing: buffer[dataStart...])) }
        if quoted {
            segments = [dataStart..<buffer.count]
        } else {
            var lower = dataStart
            while lower < buffer.count {
                var cut = min(buffer.count, lower + segmentBytes)
                while cut < buffer.count, buffer[cut - 1] != UInt8(ascii: "\n") { cut += 1 }
                segments.append(lower..<cut)
                lower = cut
            }
        }
        var report = ScanReport()
        var line = dataLine
        for segment in segments {
            // Each segment is read as a header-less file whose lines start at `line`.
            let part = UnsafeBufferPointer(rebasing: buffer[segment])
            let (orders, partReport) = try Self.orders(part, options: segmentOptions, columns: columns, policy: .skip, fileName: fileName,
                                                       parallelism: parallelism, firstLine: line, notAfter: notAfter)
            report.merge(partReport)
            if policy == .fail && report.issueCount > 0 { throw report.failure(file: fileName) }
            try body(orders)
            line += CSVScanner.lineBreaks(in: buffer, segment)
            consumed?(segment)
        }
        return report
    }

    /// `columns` with its date format read off the file when it asks for detection (`--date-format
    /// auto`): one pass over the date column; an ambiguous file (every date reads both ways) is
    /// refused, never guessed.
    public static func detectingDateFormat(_ columns: OrderColumns, in buffer: UnsafeBufferPointer<UInt8>,
                                           options: DelimitedFileOptions) throws(SegmentaError) -> OrderColumns {
        guard columns.detectDateFormat else { return columns }
        let (names, dataStart, dataLine) = try options.layout(of: buffer)
        let date = try columns.resolve(in: names).date
        var detector = DateFormat.Detector()
        var example: String?
        var failure: SegmentaError?
        do {
            try CSVScanner.scan(UnsafeBufferPointer(rebasing: buffer[dataStart...]), delimiter: options.delimiter, firstLine: dataLine) { record in
                guard record.count > date else { return true }
                let bytes = record.bytes(date)
                if example == nil { example = String(decoding: bytes, as: UTF8.self) }
                do throws(Timestamp.ParseFailure) { try detector.add(bytes) } catch {
                    failure = SegmentaError(.invalidInput, "line \(record.line), column \(names[date]): \(error.reason)")
                    return false
                }
                return true
            }
        } catch {
            throw SegmentaError(.invalidInput, "\(error)")
        }
        if let failure { throw failure }
        var out = columns
        out.detectDateFormat = false
        let found: DateFormat?
        do throws(Timestamp.ParseFailure) { found = try detector.result() } catch {
            throw SegmentaError(.invalidInput, "--date-format auto: \(error.reason)")
        }
        guard let found else {
            throw SegmentaError(.invalidInput, "every date of the file reads both as month/day and as day/month (as \(example ?? "01/02/2024")): say which with --date-format %m/%d/%Y or %d/%m/%Y")
        }
        out.dateFormat = found
        return out
    }

    static func chunkRanges(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, options: DelimitedFileOptions, parallelism: Int) -> [Range<Int>] {
        let quoted: Bool
        if case .byte = options.delimiter { quoted = CSVScanner.containsQuote(UnsafeBufferPointer(rebasing: buffer[start...])) } else { quoted = false }
        return quoted ? [start..<buffer.count] : CSVScanner.chunks(of: buffer, from: start, parts: max(1, parallelism))
    }

    /// Lines before chunk `part` (counted only when one of its rows has to be reported).
    static func lineOffset(_ buffer: UnsafeBufferPointer<UInt8>, ranges: [Range<Int>], part: Int, dataLine: Int) -> Int {
        var line = dataLine
        for r in ranges.prefix(part) { line += CSVScanner.lineBreaks(in: buffer, r) }
        return line - 1
    }

    static func renumber(_ report: ScanReport, part: Int, buffer: UnsafeBufferPointer<UInt8>, ranges: [Range<Int>], dataLine: Int) -> ScanReport {
        guard part > 0, !report.issues.isEmpty else { return report }
        let offset = lineOffset(buffer, ranges: ranges, part: part, dataLine: dataLine)
        var r = report
        r.issues = r.issues.map { var i = $0; i.line += offset; return i }
        return r
    }

    static func renumber(_ error: SegmentaError, part: Int, buffer: UnsafeBufferPointer<UInt8>, ranges: [Range<Int>], dataLine: Int) -> SegmentaError {
        guard part > 0, error.message.hasPrefix("line ") else { return error }
        let digits = error.message.dropFirst(5).prefix { $0.isNumber }
        guard let local = Int(digits) else { return error }
        let offset = lineOffset(buffer, ranges: ranges, part: part, dataLine: dataLine)
        return SegmentaError(error.code, "line \(local + offset)" + error.message.dropFirst(5 + digits.count), underlying: error.underlying)
    }
}
