public import SegmentaCore
public import SegmentaStore

/// Drift alerts at a refresh: each refreshed segment's size against its recent history and its mix
/// of plan, country, lifecycle stage and RFM segment against the previous snapshot
/// (``DriftDetector``); what is significant is stored, listed and sent to the segment's webhooks.
/// Used by every refresh path: the scheduled recompute, the API, the dashboard and the CLI.
public struct DriftCheck: Sendable {
    /// The traits whose mix is tested, with how people call them; `computed` ones are read from
    /// computed traits.
    public static let mixTraits: [(name: String, label: String, computed: Bool)] = [
        ("plan", "plan", false), ("country", "country", false), ("lifecycle", "lifecycle stage", true), ("rfm_segment", "RFM segment", true),
    ]

    let store: any Storage
    let options: DriftDetector.Options

    public init(store: any Storage, options: DriftDetector.Options = DriftDetector.Options()) {
        self.store = store
        self.options = options
    }

    /// Checks the refreshes (those stored: a backtest has nothing to compare) and records the
    /// alerts they raise; trait values are read once for all of them.
    public func run(_ refreshes: [RefreshResult]) async throws(SegmentaError) -> [SegmentAlert] {
        var values: [String: [String: String]]?
        var alerts: [SegmentAlert] = []
        for refresh in refreshes {
            let history = try await store.history(of: refresh.segment)
            guard let at = history.firstIndex(where: { $0.id == refresh.snapshot.id }) else { continue }
            let current = history[at]
            // Only snapshots of the same definition: a new version is expected to change the segment.
            let earlier = history[..<at].filter { $0.version == current.version }
            guard let previous = earlier.last else { continue }
            var findings: [DriftDetector.Finding] = []
            let days = previous.asOf.wholeDays(until: current.asOf)
            if let f = DriftDetector.size(segment: refresh.segment, current: current.size, history: earlier.map(\.size), days: days > 0 ? days : nil, options: options) {
                findings.append(f)
            }
            if values == nil {
                var loaded: [String: [String: String]] = [:]
                for t in Self.mixTraits { loaded[t.name] = t.computed ? try await store.computedTraitValues(t.name) : try await store.traitValues(t.name) }
                values = loaded
            }
            let before = try await store.members(of: refresh.segment, snapshot: previous.id)
            let after = try await store.members(of: refresh.segment, snapshot: current.id)
            let mixes = Self.mixTraits.compactMap { t -> DriftDetector.Mix? in
                guard let byProfile = values?[t.name], !byProfile.isEmpty else { return nil }
                func counts(_ ids: [String]) -> [String: Int] {
                    var c: [String: Int] = [:]
                    for id in ids { c[byProfile[id] ?? "(none)", default: 0] += 1 }
                    return c
                }
                return DriftDetector.Mix(trait: t.name, label: t.label, before: counts(before), after: counts(after))
            }
            findings += DriftDetector.mix(segment: refresh.segment, mixes, options: options)
            alerts += try await store.recordAlerts(findings, segment: refresh.segment, snapshot: current)
        }
        return alerts
    }
}
