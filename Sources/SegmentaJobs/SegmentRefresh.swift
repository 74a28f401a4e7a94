public import SegmentaCore
public import SegmentaStore

/// Refreshing a segment, the one way every caller does it — the CLI, the demo, the scheduled
/// recompute, the API and the dashboard: the snapshot with who entered and left and its webhook
/// deliveries (one store transaction), then the drift check of the stored snapshot with the
/// thresholds given, whose alerts are stored and sent like the snapshot's changes.
///
/// The refresh stands whatever happens to the drift check: a check that fails costs its alerts and
/// is answered as `driftError`, for the caller to say (the CLI prints it, the server logs it).
public struct SegmentRefresh: Sendable {
    /// What one refresh did.
    public struct Outcome: Sendable {
        /// The snapshot, who entered and who left.
        public var refresh: RefreshResult
        /// The drift alerts it raised.
        public var alerts: [SegmentAlert]
        /// Why the drift check did not run, when it did not.
        public var driftError: SegmentaError?
    }

    let store: any SegmentStore & AnalysisStore & ProfileStore
    let drift: DriftDetector.Options
    let webhookPageSize: Int

    /// Refreshes in `store`, drift checked with `drift`, webhook pages of `webhookPageSize` ids.
    public init(store: any SegmentStore & AnalysisStore & ProfileStore, drift: DriftDetector.Options = DriftDetector.Options(), webhookPageSize: Int = 1000) {
        self.store = store
        self.drift = drift
        self.webhookPageSize = webhookPageSize
    }

    /// Refreshes one segment as of `asOf` and checks its drift.
    /// - Throws: the refresh's error (an unknown segment, a storage failure); nothing is stored then.
    public func run(_ name: String, asOf: Timestamp) async throws(SegmentaError) -> Outcome {
        let refresh = try await snapshot(name, asOf: asOf)
        let (alerts, error) = await check([refresh])
        return Outcome(refresh: refresh, alerts: alerts, driftError: error)
    }

    /// The first half of ``run(_:asOf:)``, for a caller that refreshes several segments and
    /// checks their drift together (``check(_:)``), as the scheduled recompute does.
    public func snapshot(_ name: String, asOf: Timestamp) async throws(SegmentaError) -> RefreshResult {
        try await store.refresh(name, asOf: asOf, webhookPageSize: webhookPageSize)
    }

    /// The drift check of refreshes already stored, together (trait values loaded once for all).
    public func check(_ refreshes: [RefreshResult]) async -> (alerts: [SegmentAlert], error: SegmentaError?) {
        do {
            return (try await DriftCheck(store: store, options: drift).run(refreshes), nil)
        } catch {
            return ([], error)
        }
    }
}
