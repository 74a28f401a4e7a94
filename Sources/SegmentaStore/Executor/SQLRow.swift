public import SegmentaCore

/// One row a statement gave, its values as both SQL backends decode them: integers (and booleans
/// as 0 and 1), reals, text (JSON as its text) and NULL.
public struct SQLRow: Sendable, Equatable {
    /// The values, in the order of the select list.
    package var values: [SQLArgument]

    /// The row's values.
    package init(_ values: [SQLArgument]) { self.values = values }

    /// The text at `i`; an error when it is NULL or not text.
    package func text(_ i: Int) throws(SegmentaError) -> String {
        guard let s = try optionalText(i) else { throw Self.mismatch(i, "text", got: "NULL") }
        return s
    }

    /// The text at `i`, or nil for NULL.
    package func optionalText(_ i: Int) throws(SegmentaError) -> String? {
        switch value(i) {
        case .null: return nil
        case .text(let s): return s
        case let other: throw Self.mismatch(i, "text", got: "\(other)")
        }
    }

    /// The integer at `i`; an error when it is NULL or not an integer.
    package func integer(_ i: Int) throws(SegmentaError) -> Int64 {
        guard let n = try optionalInteger(i) else { throw Self.mismatch(i, "an integer", got: "NULL") }
        return n
    }

    /// The integer at `i`, or nil for NULL.
    package func optionalInteger(_ i: Int) throws(SegmentaError) -> Int64? {
        switch value(i) {
        case .null: return nil
        case .integer(let n): return n
        case let other: throw Self.mismatch(i, "an integer", got: "\(other)")
        }
    }

    private func value(_ i: Int) -> SQLArgument { values.indices.contains(i) ? values[i] : .null }

    private static func mismatch(_ i: Int, _ expected: String, got: String) -> SegmentaError {
        SegmentaError(.storage, "the store gave \(got) in column \(i + 1) where \(expected) was expected; the schema may be from another version")
    }
}
