/// Reads orders from the bytes of a delimited file, row by row, without copying.
///
/// Every row is checked: a customer id, a date (ISO-8601, `YYYY-MM-DD` or `YYYYMMDD`) and a
/// finite amount. Rows that fail are reported as ``RowIssue``s naming line, column and reason.
public enum OrderReader {
    /// One valid row, valid only inside the visitor.
    public struct Row {
        /// The record, for optional fields.
        public let record: CSVRecord
        /// The customer id's bytes.
        public let customer: UnsafeBufferPointer<UInt8>
        /// When the order was placed.
        public let timestamp: Timestamp
        /// The order's amount.
        public let amount: Double
        /// 1-based line number.
        public var line: Int { record.line }
    }

    /// Visits each valid row of `range`, and reports each bad one.
    /// - Parameters:
    ///   - buffer: the file's bytes.
    ///   - range: the part to read (data only, after any header).
    ///   - firstLine: line number of `range`'s first line.
    ///   - layout: where the fields are.
    ///   - delimiter: the field separator.
    ///   - visit: called for each valid row.
    ///   - issue: called for each bad row; return `false` to stop reading.
    ///   - notAfter: a row dated after this (milliseconds) is a bad row — a date typed wrong, not an order.
    /// - Complexity: O(n) in the bytes read.
    public static func read(
        _ buffer: UnsafeBufferPointer<UInt8>,
        range: Range<Int>,
        firstLine: Int,
        layout: OrderLayout,
        delimiter: CSVDelimiter,
        notAfter: Int64? = nil,
        visit: (Row) -> Void,
        issue: (RowIssue) -> Bool
    ) throws(SegmentaError) {
        let slice = UnsafeBufferPointer(rebasing: buffer[range])
        let needed = layout.requiredFieldCount
        do {
            try CSVScanner.scan(slice, delimiter: delimiter, firstLine: firstLine) { record in
                guard record.count >= needed else {
                    return issue(RowIssue(line: record.line, column: nil,
                                          reason: "expected \(layout.names.count) fields (\(layout.names.joined(separator: ", "))), found \(record.count)"))
                }
                let customer = record.bytes(layout.customer)
                if customer.isEmpty {
                    return issue(RowIssue(line: record.line, column: layout.names[layout.customer], reason: "the customer id is empty"))
                }
                let dateBytes = record.bytes(layout.date)
                let timestamp: Timestamp
                do throws(Timestamp.ParseFailure) {
                    timestamp = try layout.dateFormat.parse(dateBytes)
                } catch {
                    let text = String(decoding: dateBytes, as: UTF8.self)
                    let hint = layout.dateFormat == .iso && DateFormat.parts(dateBytes) != nil
                        ? " (a day/month date: read the file with --date-format %m/%d/%Y, %d/%m/%Y, or auto)" : ""
                    return issue(RowIssue(line: record.line, column: layout.names[layout.date], reason: "\"\(text)\" is not a date: \(error.reason)\(hint)"))
                }
                if let notAfter, timestamp.milliseconds > notAfter {
                    return issue(RowIssue(line: record.line, column: layout.names[layout.date],
                                          reason: "\"\(String(decoding: dateBytes, as: UTF8.self))\" is in the future (more than a day after this machine's clock); fix the date, or pass --allow-future if the file really holds orders to come"))
                }
                var amount = 0.0
                if let column = layout.amount {
                    let amountBytes = record.bytes(column)
                    guard let value = layout.decimal.double(amountBytes) else {
                        let text = String(decoding: amountBytes, as: UTF8.self)
                        let hint = layout.decimal == .point && text.contains(",") ? "; amounts written 12,50 need --decimal comma" : ""
                        return issue(RowIssue(line: record.line, column: layout.names[column],
                                              reason: text.isEmpty ? "the amount is empty" : "\"\(text)\" is not a number (write amounts like 12.50, without currency signs or thousands separators\(hint))"))
                    }
                    amount = value
                }
                visit(Row(record: record, customer: customer, timestamp: timestamp, amount: amount))
                return true
            }
        } catch let e as CSVScanner.SyntaxError {
            throw SegmentaError(.invalidInput, "line \(e.line): \(e.reason)")
        } catch {
            throw SegmentaError(.invalidInput, "\(error)")
        }
    }
}
