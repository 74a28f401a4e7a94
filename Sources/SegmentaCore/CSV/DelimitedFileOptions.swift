/// How to read a delimited file: its delimiter, and whether its first line names the columns.
public struct DelimitedFileOptions: Sendable, Equatable {
    /// The field separator.
    public var delimiter: CSVDelimiter
    /// Whether the first line is a header.
    public var hasHeader: Bool
    /// Column names to use instead of (or, without a header, in place of) the header's.
    public var columnNames: [String]?

    /// Creates options; defaults are a comma-separated file with a header.
    public init(delimiter: CSVDelimiter = .comma, hasHeader: Bool = true, columnNames: [String]? = nil) {
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.columnNames = columnNames
    }

    /// Reads the column names and where the data starts.
    /// - Throws: ``SegmentaError`` when there is neither a header nor `columnNames`.
    public func layout(of buffer: UnsafeBufferPointer<UInt8>) throws(SegmentaError) -> (names: [String], dataStart: Int, dataLine: Int) {
        var names: [String] = []
        var start = 0, line = 1
        if hasHeader {
            do {
                (names, start, line) = try CSVScanner.header(buffer, delimiter: delimiter)
            } catch let e as CSVScanner.SyntaxError {
                throw SegmentaError(.invalidInput, "line \(e.line): \(e.reason)")
            } catch {
                throw SegmentaError(.invalidInput, "the header could not be read: \(error)")
            }
            if names.isEmpty { throw SegmentaError(.invalidInput, "the file is empty: expected a header line naming the columns") }
        }
        if let columnNames {
            names = columnNames.map { $0.trimmingBlanks }
        } else if !hasHeader {
            throw SegmentaError(.invalidInput, "--no-header needs --columns to name the columns, e.g. --columns customer_id,date,cds,amount")
        }
        return (names, start, line)
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs and line breaks.
    var trimmingBlanks: String {
        let blanks: Set<Character> = [" ", "\t", "\r", "\n"]
        var s = Substring(self)
        while let f = s.first, blanks.contains(f) { s = s.dropFirst() }
        while let l = s.last, blanks.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
