public import SegmentaCore

/// One recorded analysis run: its as-of, parameters and summary.
public struct AnalysisRun: Sendable {
    /// The time the analysis describes.
    public var asOf: Timestamp
    /// What it was run with (and `subject` for per-segment runs).
    public var parameters: JSONValue
    /// What it found, as the API shows it.
    public var summary: JSONValue
}
