/// Everything the analyses and jobs need from a backend: one value a configuration picks
/// (``SQLiteBackend`` today) and passes around.
public typealias Storage = ProfileStore & ActivityStore & SegmentStore & AnalysisStore & ExperimentStore & AccessStore & WebhookStore & PrivacyStore

public import SegmentaCore

extension SegmentStore {
    /// Members of a segment at its latest snapshot.
    public func members(of name: String) async throws(SegmentaError) -> [String] { try await members(of: name, snapshot: nil) }
    /// Refreshes a segment with webhook deliveries of 1,000 ids per page.
    public func refresh(_ name: String, asOf: Timestamp) async throws(SegmentaError) -> RefreshResult {
        try await refresh(name, asOf: asOf, webhookPageSize: 1000)
    }
}

extension AnalysisStore {
    /// The latest run of a kind, with when it ran.
    public func latestAnalysisRun(kind: String) async throws(SegmentaError) -> (run: AnalysisRun, createdAt: Timestamp)? {
        try await latestAnalysisRun(kind: kind, parameters: nil)
    }
}

extension ActivityStore {
    /// Per-customer order totals before `cutoff`, refunds subtracted from the spend.
    public func customerTotals(before cutoff: Timestamp?) async throws(SegmentaError) -> CustomerTotals {
        try await customerTotals(before: cutoff, refunds: .subtract)
    }
}
