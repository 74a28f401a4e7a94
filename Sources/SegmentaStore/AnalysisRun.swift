public import SegmentaCore

/// One recorded analysis run: its as-of, parameters and summary.
public struct AnalysisRun: Sendable {
    public var asOf: Timestamp
    public var parameters: JSONValue
    public var summary: JSONValue
}
