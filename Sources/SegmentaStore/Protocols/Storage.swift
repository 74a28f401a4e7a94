/// Everything the analyses and jobs need from a backend: one value a configuration picks
/// (``SQLiteBackend`` today) and passes around.
public typealias Storage = ProfileStore & ActivityStore & SegmentStore & AnalysisStore & ExperimentStore & AccessStore & WebhookStore & PrivacyStore & HealthStore

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

extension SegmentStore {
    /// Creates a segment; computed traits must be known.
    public func createSegment(_ document: JSONValue) async throws(SegmentaError) -> SegmentInfo { try await createSegment(document, allowUnknownComputed: false) }
    /// Saves a new version; computed traits must be known.
    public func updateSegment(_ document: JSONValue) async throws(SegmentaError) -> SegmentInfo { try await updateSegment(document, allowUnknownComputed: false) }
    /// Current members after `after`, with the values of `traits`, consent-denied left out unless asked.
    public func exportableMembers(of segment: String, after: String?, limit: Int, traits: [String] = [], includeNoConsent: Bool = false) async throws(SegmentaError) -> [(id: String, values: [JSONValue])] {
        try await exportableMembers(of: segment, after: after, limit: limit, traits: traits, includeNoConsent: includeNoConsent)
    }
}

extension WebhookStore {
    /// Deliveries due by `now`, 50 at most.
    public func dueWebhookDeliveries(now: Timestamp) async throws(SegmentaError) -> [WebhookDelivery] { try await dueWebhookDeliveries(now: now, limit: 50) }
    /// A segment's latest 100 deliveries.
    public func webhookDeliveries(segment: String) async throws(SegmentaError) -> [WebhookDelivery] { try await webhookDeliveries(segment: segment, limit: 100) }
}

extension AnalysisStore {
    /// Runs of a kind, oldest first.
    public func analysisRuns(kind: String) async throws(SegmentaError) -> [AnalysisRun] { try await analysisRuns(kind: kind, parameter: nil) }
}
