/// What to do with a bad row in an input file.
public enum ErrorPolicy: String, Sendable, CaseIterable {
    /// Stop at bad rows and change nothing (the default).
    case fail
    /// Leave bad rows out, use the rest, and report what was left out.
    case skip
}

/// What reading a file found: rows read, rows used, and the bad rows.
public struct ScanReport: Sendable, Equatable {
    /// Data rows read (bad ones included).
    public var rowsRead = 0
    /// Rows that were valid.
    public var rowsValid = 0
    /// The first bad rows (at most ``maxKeptIssues``).
    public var issues: [RowIssue] = []
    /// Bad rows in all.
    public var issueCount = 0
    /// Bad rows per column (`"row"` for rows with the wrong shape).
    public var issuesByColumn: [String: Int] = [:]

    /// How many issues are kept in full.
    public static let maxKeptIssues = 100

    /// An empty report.
    public init() {}

    /// Counts an issue (by column) and keeps it while fewer than ``maxKeptIssues`` are kept.
    public mutating func record(_ issue: RowIssue) {
        issueCount += 1
        issuesByColumn[issue.column ?? "row", default: 0] += 1
        if issues.count < Self.maxKeptIssues { issues.append(issue) }
    }

    mutating func merge(_ other: ScanReport) {
        rowsRead += other.rowsRead
        rowsValid += other.rowsValid
        issueCount += other.issueCount
        for (k, v) in other.issuesByColumn { issuesByColumn[k, default: 0] += v }
        issues = Array((issues + other.issues).sorted { $0.line < $1.line }.prefix(Self.maxKeptIssues))
    }

    /// "3 bad rows (2 in date, 1 in amount)"; a row wrong as a whole (a JSONL line that is not a
    /// message) has no column to name: "2 bad rows", or "(… , 1 as a whole)" beside columns.
    public var issueSummary: String {
        var parts = issuesByColumn.filter { $0.key != "row" }.sorted { $0.key < $1.key }.map { "\($0.value) in \($0.key)" }
        let head = "\(issueCount) bad row\(issueCount == 1 ? "" : "s")"
        guard !parts.isEmpty else { return head }
        if let whole = issuesByColumn["row"] { parts.append("\(whole) as a whole") }
        return head + " (\(parts.joined(separator: ", ")))"
    }

    /// The error to throw under ``ErrorPolicy/fail``: the first bad rows and how to proceed.
    public func failure(file: String) -> SegmentaError {
        let shown = issues.prefix(10).map { "  \($0)" }.joined(separator: "\n")
        let more = issueCount > 10 ? "\n  … and \(issueCount - 10) more" : ""
        return SegmentaError(.invalidInput, "\(file): \(issueSummary); nothing was changed.\n\(shown)\(more)\nFix these rows, or pass --on-error skip to use the valid rows and report the rest.")
    }
}
