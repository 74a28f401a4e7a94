/// Everything the analyses and jobs need from a backend: one value a configuration picks
/// (``SQLiteBackend`` today) and passes around.
public typealias Storage = ProfileStore & ActivityStore & SegmentStore & AnalysisStore & ExperimentStore & AccessStore & WebhookStore & PrivacyStore & HealthStore

public import SegmentaCore

extension SegmentStore {
    /// Every segment's current definition, by name (a static segment's has no condition).
    public func segmentDefinitions() async throws(SegmentaError) -> [String: SegmentDefinition] {
        Dictionary(try await segments().map { ($0.name, $0.definition) }, uniquingKeysWith: { a, _ in a })
    }

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

extension ProfileStore where Self: ActivityStore {
    /// Per profile, track events of a name in the `days` × 24 hours before `asOf` (every profile
    /// the store knows, 0 when none).
    public func eventCounts(_ name: String, days: Int, asOf: Timestamp) async throws(SegmentaError) -> [String: Double] {
        var out: [String: Double] = [:]
        for id in try await profileIDs() { out[id] = 0 }
        for (id, n) in try await eventCounts(name, in: [asOf.adding(days: -days)...asOf]) where out[id] != nil { out[id] = n.first ?? 0 }
        return out
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

extension SegmentStore {
    /// The latest snapshot whose as-of is at or before `asOf`.
    public func snapshot(of name: String, asOf: Timestamp) async throws(SegmentaError) -> SegmentSnapshot? {
        try await history(of: name).filter { $0.asOf <= asOf }.max { ($0.asOf, $0.id) < ($1.asOf, $1.id) }
    }

    /// A static copy of a segment's current members.
    public func freeze(_ name: String, as newName: String) async throws(SegmentaError) -> RefreshResult {
        guard let info = try await segment(named: name) else { throw SegmentaError(.notFound, "no segment named \"\(name)\"") }
        guard info.lastRefreshAt != nil else { throw SegmentaError(.conflict, "\"\(name)\" has never been refreshed; run `segmenta segments refresh \(name)` first") }
        return try await importStatic(newName, ids: try await members(of: name), description: "Frozen copy of \(name) (version \(info.version))")
    }

    /// For each profile, the first of `names` it belongs to at the snapshot of each segment at or before `asOf`.
    public func membership(of names: [String], asOf: Timestamp) async throws(SegmentaError) -> [String: String] {
        var out: [String: String] = [:]
        for name in names.reversed() {
            guard try await segment(named: name) != nil else { throw SegmentaError(.notFound, "no segment named \"\(name)\"") }
            guard let snap = try await snapshot(of: name, asOf: asOf) else {
                throw SegmentaError(.notFound, "segment \"\(name)\" has no snapshot at or before \(asOf.dateString); refresh it with --as-of")
            }
            for id in try await members(of: name, snapshot: snap.id) { out[id] = name }
        }
        return out
    }
}

extension AnalysisStore {
    /// Per profile, the value an analysis gave at its latest run with an as-of at or before `asOf`
    /// (e.g. the RFM segment), and that run's as-of.
    public func analysisValues(kind: String, asOf: Timestamp) async throws(SegmentaError) -> (asOf: Timestamp, values: [String: String])? {
        guard let values = try await sortedAnalysisValues(kind: kind, asOf: asOf),
              let runAsOf = try await analysisDates(kind: kind).first(where: { $0 <= asOf }) else { return nil }
        var out: [String: String] = [:]
        for (profile, value) in values { out[profile] = value }
        return (runAsOf, out)
    }
}

extension ProfileStore {
    /// Timestamps of a signup-like trait (ISO text), for cohorts started by it.
    public func traitTimestamps(_ path: String) async throws(SegmentaError) -> [String: Timestamp] {
        var out: [String: Timestamp] = [:]
        for (id, text) in try await traitValues(path) {
            if let t = try? Timestamp.parse(text) { out[id] = t }
        }
        return out
    }
}
