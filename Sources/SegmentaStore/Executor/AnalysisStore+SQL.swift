public import SegmentaCore

/// The analysis runs a recompute, the dashboard and the API list and prune, written once for
/// every SQL backend (``SQLExecutor``). Computed traits and the values kept with a run are
/// written by each backend (bulk paths).
extension AnalysisStore where Self: SQLExecutor {
    /// Runs of a kind, oldest first; with `parameter`, only those whose parameters name it as `subject`.
    public func analysisRuns(kind: String, parameter: String?) async throws(SegmentaError) -> [AnalysisRun] {
        var statement: SQLStatement = "SELECT as_of, parameters, summary FROM analysis_runs WHERE kind = \(kind)"
        if let parameter { statement = statement + " AND parameters ->> 'subject' = \(parameter)" }
        return try await rows(statement + " ORDER BY id").map { r throws(SegmentaError) in
            AnalysisRun(asOf: Timestamp(milliseconds: try r.integer(0)), parameters: try Self.json(r.text(1)), summary: try Self.json(r.text(2)))
        }
    }

    /// Deletes the runs of `kind` about `subject` but the `keep` latest; how many went.
    public func pruneAnalysisRuns(kind: String, subject: String, keep: Int) async throws(SegmentaError) -> Int {
        try await transaction { s throws(SegmentaError) in
            try await s.rows("""
                DELETE FROM analysis_runs WHERE kind = \(kind) AND parameters ->> 'subject' = \(subject) AND id NOT IN (
                  SELECT id FROM analysis_runs WHERE kind = \(kind) AND parameters ->> 'subject' = \(subject) ORDER BY id DESC LIMIT \(max(0, keep)))
                RETURNING 1
                """).count
        }
    }

    /// The largest id of a run of one of `kinds` (0 without any): what changed since a page was cached.
    public func analysisHighWater(kinds: [String]) async throws(SegmentaError) -> Int64 {
        guard !kinds.isEmpty else { return 0 }
        return try await rows("SELECT COALESCE(max(id), 0) FROM analysis_runs WHERE kind IN (\(list: kinds))").first?.integer(0) ?? 0
    }

    /// The dates an analysis ran as of, latest first.
    public func analysisDates(kind: String) async throws(SegmentaError) -> [Timestamp] {
        try await rows("SELECT DISTINCT as_of FROM analysis_runs WHERE kind = \(kind) ORDER BY as_of DESC").map { r throws(SegmentaError) in
            Timestamp(milliseconds: try r.integer(0))
        }
    }

    /// A stored JSON document, or a storage error that says so.
    static func json(_ text: String) throws(SegmentaError) -> JSONValue {
        do throws(JSONTextParser.SyntaxError) { return try JSONTextParser.parse(text) } catch {
            throw SegmentaError(.storage, "a stored analysis run is not valid JSON: \(error)")
        }
    }
}
