public import SegmentaCore

/// Analyses and what they leave: computed traits per profile, runs with their parameters and
/// summary, and the per-profile values kept with a run (for migrations between runs).
public protocol AnalysisStore: Sendable {
    /// Replaces the computed traits named in `rows.names` with new values, for every profile.
    func replaceComputedTraits(_ rows: ComputedTraitRows, computedAt: Timestamp) async throws(SegmentaError)
    /// Replaces the computed traits `names` with the rows `rows` returns (holding exactly
    /// `names`), all in one transaction: a backend may clear the old values while `rows` runs, so
    /// `rows` may read the store (for instance the orders the values come from) but never write
    /// it. If `rows` throws, nothing changes.
    func replaceComputedTraits(names: [String], computedAt: Timestamp,
                               rows: @escaping @Sendable () async throws(SegmentaError) -> ComputedTraitRows) async throws(SegmentaError)
    /// Each profile's value of a computed trait, as text.
    func computedTraitValues(_ name: String) async throws(SegmentaError) -> [String: String]
    /// Records that an analysis ran, with its parameters, summary and per-profile values.
    func recordAnalysis(kind: String, asOf: Timestamp, parameters: JSONValue, summary: JSONValue, values: [(profile: String, value: String)],
                        at time: Timestamp) async throws(SegmentaError)
    /// The latest run of a kind (optionally with exactly these parameters), with when it ran.
    func latestAnalysisRun(kind: String, parameters: JSONValue?) async throws(SegmentaError) -> (run: AnalysisRun, createdAt: Timestamp)?
    /// Runs of a kind, oldest first; with `parameter`, those whose parameters name it as `subject`.
    func analysisRuns(kind: String, parameter: String?) async throws(SegmentaError) -> [AnalysisRun]
    /// Deletes the runs of a kind whose parameters name `subject`, all but the newest `keep`
    /// (with their values); returns how many went. For runs kept only to compare with the next one.
    func pruneAnalysisRuns(kind: String, subject: String, keep: Int) async throws(SegmentaError) -> Int
    /// Moves between the values of two runs (as of `from` and `to`), counted per (from, to).
    func transitions(kind: String, from: Timestamp, to: Timestamp) async throws(SegmentaError) -> [(from: String, to: String, count: Int)]
    /// A number that changes whenever a run of one of `kinds` is recorded (its largest id): cached
    /// summaries of what those analyses wrote stay valid while it does not, whatever other
    /// analyses (cohorts, validations, comparisons) record meanwhile.
    func analysisHighWater(kinds: [String]) async throws(SegmentaError) -> Int64
    /// The as-of dates of an analysis's runs, newest first.
    func analysisDates(kind: String) async throws(SegmentaError) -> [Timestamp]
    /// The per-profile values of the latest run of `kind` as of `asOf`, sorted by profile.
    func sortedAnalysisValues(kind: String, asOf: Timestamp) async throws(SegmentaError) -> [(profile: String, value: String)]?
}

extension AnalysisStore {
    /// Computes the rows first, then replaces: for backends with nothing to overlap.
    public func replaceComputedTraits(names: [String], computedAt: Timestamp,
                                      rows: @escaping @Sendable () async throws(SegmentaError) -> ComputedTraitRows) async throws(SegmentaError) {
        let rows = try await rows()
        guard rows.names == names else {
            throw SegmentaError(.storage, "computed traits \(rows.names) were given where \(names) were announced")
        }
        try await replaceComputedTraits(rows, computedAt: computedAt)
    }
}
