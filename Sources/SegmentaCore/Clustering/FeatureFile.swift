import Dispatch

/// A delimited table of an id column and numeric feature columns (`clusters --input`,
/// `predict fit`), parsed on two cores: the bytes are cut at line breaks (unless a quote could
/// hide one) and each part is parsed alone; the first problem, by line, is reported.
public enum FeatureFile {
    /// Reads an id column and numeric features from delimited bytes, on `parallelism` cores, naming the line and column of any bad cell.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, options: DelimitedFileOptions, parallelism: Int = 2) throws(SegmentaError) -> FeatureMatrix {
        let (names, start, line) = try options.layout(of: bytes)
        guard names.count >= 2 else { throw SegmentaError(.invalidInput, "needs an id column and at least one feature column") }
        let quoted: Bool
        if case .byte = options.delimiter { quoted = CSVScanner.containsQuote(UnsafeBufferPointer(rebasing: bytes[start...])) } else { quoted = false }
        let ranges = quoted ? [start..<bytes.count] : CSVScanner.chunks(of: bytes, from: start, parts: max(1, parallelism))
        let results = ChunkResults<([String], [Double], (line: Int, text: String)?)>(count: ranges.count, empty: ([], [], nil))
        let shared = UnsafeSendable(bytes), delimiter = options.delimiter
        DispatchQueue.concurrentPerform(iterations: ranges.count) { part in
            var ids: [String] = [], values: [Double] = []
            var problem: (line: Int, text: String)?
            do {
                try CSVScanner.scan(UnsafeBufferPointer(rebasing: shared.value[ranges[part]]), delimiter: delimiter, firstLine: part == 0 ? line : 1) { r in
                    guard r.count == names.count else { problem = (r.line, "expected \(names.count) fields, found \(r.count)"); return false }
                    ids.append(r.string(0))
                    for j in 1..<names.count {
                        guard let v = DecimalParser.double(r.bytes(j)) else {
                            problem = (r.line, "column \(names[j]): \"\(r.string(j))\" is not a number")
                            return false
                        }
                        values.append(v)
                    }
                    return true
                }
            } catch {
                if problem == nil { problem = (0, "\(error)") }
            }
            results.set(part, (ids, values, problem))
        }
        var ids: [String] = [], values: [Double] = []
        for part in ranges.indices {
            let (partIDs, partValues, problem) = results.get(part)
            if let problem {
                // Lines of later parts count from 1: add the lines before the part.
                var offset = 0
                if part > 0 { offset = line - 1 + ranges.prefix(part).reduce(0) { $0 + CSVScanner.lineBreaks(in: bytes, $1) } }
                throw SegmentaError(.invalidInput, "line \(problem.line + offset): \(problem.text)")
            }
            ids += partIDs
            values += partValues
        }
        return FeatureMatrix(ids: ids, names: Array(names.dropFirst()), values: values)
    }
}
