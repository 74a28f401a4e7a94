/// A problem with one row of an input file: where it is and what is wrong.
public struct RowIssue: Sendable, Hashable, CustomStringConvertible {
    /// 1-based line number in the file.
    public var line: Int
    /// The column's name (or position), when the problem is in one value.
    public var column: String?
    /// What is wrong, and how to fix it when that is not obvious.
    public var reason: String

    /// Creates an issue.
    public init(line: Int, column: String?, reason: String) {
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// "line N, column C: reason" (or "line N: reason" for a whole row).
    public var description: String {
        if let column { return "line \(line), column \(column): \(reason)" }
        return "line \(line): \(reason)"
    }
}
