/// Reads a CSV of profiles: one id column, every other column a trait.
///
/// Column types are inferred over the whole column (``TraitType``); empty cells leave the
/// trait unset; dotted column names (`company.size`) become nested traits.
public enum ProfileFileReader {
    /// One profile row.
    public struct Row: Sendable, Equatable {
        /// Its line in the file (1 is the header).
        public var line: Int
        /// The profile's id.
        public var id: String
        /// Its traits, nested where column names are dotted (`company.size`).
        public var traits: [String: JSONValue]
    }

    /// Reads every row.
    /// - Parameters:
    ///   - buffer: the file's bytes.
    ///   - options: delimiter and header.
    ///   - idColumn: the id column; default `id`, then `user_id`, then `customer_id`.
    ///   - policy: stop at bad rows or skip them.
    ///   - fileName: for messages.
    /// - Returns: the rows, the inferred type of each trait column, and the report.
    public static func read(
        _ buffer: UnsafeBufferPointer<UInt8>,
        options: DelimitedFileOptions,
        idColumn: String?,
        policy: ErrorPolicy,
        fileName: String
    ) throws(SegmentaError) -> (rows: [Row], types: [String: TraitType], report: ScanReport) {
        let (names, dataStart, dataLine) = try options.layout(of: buffer)
        let lowered = names.map { $0.lowercased() }
        let idIndex: Int
        if let idColumn {
            guard let i = lowered.firstIndex(of: idColumn.lowercased()) else {
                throw SegmentaError(.invalidInput, "no column named \"\(idColumn)\" (given by --id-column); the file has: \(names.joined(separator: ", "))")
            }
            idIndex = i
        } else if let i = ["id", "user_id", "userid", "customer_id"].lazy.compactMap({ lowered.firstIndex(of: $0) }).first {
            idIndex = i
        } else {
            throw SegmentaError(.invalidInput, "no id column (id, user_id or customer_id); the file has: \(names.joined(separator: ", ")). Name it with --id-column NAME")
        }
        var cells: [(line: Int, id: String, values: [String])] = []
        var report = ScanReport()
        do {
            try CSVScanner.scan(UnsafeBufferPointer(rebasing: buffer[dataStart...]), delimiter: options.delimiter, firstLine: dataLine) { record in
                report.rowsRead += 1
                guard record.count == names.count else {
                    report.record(RowIssue(line: record.line, column: nil, reason: "expected \(names.count) fields, found \(record.count); quote values that contain the delimiter"))
                    return policy == .skip || report.issueCount < 20
                }
                let id = record.string(idIndex).normalizedID
                guard !id.isEmpty else {
                    report.record(RowIssue(line: record.line, column: names[idIndex], reason: "the id is empty"))
                    return policy == .skip || report.issueCount < 20
                }
                report.rowsValid += 1
                cells.append((record.line, id, (0..<record.count).map { record.string($0) }))
                return true
            }
        } catch let e as CSVScanner.SyntaxError {
            throw SegmentaError(.invalidInput, "\(fileName): line \(e.line): \(e.reason)")
        } catch {
            throw SegmentaError(.invalidInput, "\(fileName): \(error)")
        }
        if report.issueCount > 0 && policy == .fail { throw report.failure(file: fileName) }
        var types: [String: TraitType] = [:]
        for (c, name) in names.enumerated() where c != idIndex {
            types[name] = TraitType.infer(cells.lazy.map { $0.values[c] })
        }
        let rows = cells.map { cell in
            var traits: [String: JSONValue] = [:]
            for (c, name) in names.enumerated() where c != idIndex {
                if let v = types[name]?.value(cell.values[c]) { traits.setValue(v, atPath: name) }
            }
            return Row(line: cell.line, id: cell.id, traits: traits)
        }
        return (rows, types, report)
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// Sets a value at a dotted path, creating nested objects as needed.
    public mutating func setValue(_ value: JSONValue, atPath path: String) {
        let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { self[path] = value; return }
        var inner = self[parts[0]]?.objectValue ?? [:]
        inner.setValue(value, atPath: parts[1])
        self[parts[0]] = .object(inner)
    }
}
