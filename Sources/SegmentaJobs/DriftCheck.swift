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
        ("plan", "plan", false), ("country", "country", false), ("lifecycle", ConditionSentence.label(computed: "lifecycle"), true),
        ("rfm_segment", ConditionSentence.label(computed: "rfm_segment"), true),
    ]

    let store: any SegmentStore & AnalysisStore & ProfileStore
    let options: DriftDetector.Options

    /// A check over `store` with these thresholds.
    public init(store: any SegmentStore & AnalysisStore & ProfileStore, options: DriftDetector.Options = DriftDetector.Options()) {
        self.store = store
        self.options = options
    }

    /// Checks the refreshes (those stored: a backtest has nothing to compare) and records the
    /// alerts they raise. Each refresh's mix — its members' counts per value of each trait, with the
    /// values as they are at the refresh — is kept (an analysis run of kind `segment_mix`) for the
    /// next refresh to compare with. Trait values are read for the members of each segment, or —
    /// when the segments together hold more people than the store — once for everyone.
    public func run(_ refreshes: [RefreshResult]) async throws(SegmentaError) -> [SegmentAlert] {
        let stored = refreshes.filter { !$0.backtest }
        guard !stored.isEmpty else { return [] }
        // The overview's profile count (`counts()` would also count every event row).
        let everyone = stored.reduce(0) { $0 + $1.snapshot.size } > (try await store.overview().profiles)
        var shared: [String: [String: String]]?
        var alerts: [SegmentAlert] = []
        for refresh in stored {
            let history = try await store.history(of: refresh.segment)
            guard let at = history.firstIndex(where: { $0.id == refresh.snapshot.id }) else { continue }
            let current = history[at]
            let values: [String: [String: String]]
            if everyone, let shared {
                values = shared
            } else {
                var loaded: [String: [String: String]] = [:]
                for t in Self.mixTraits {
                    loaded[t.name] = everyone
                        ? (t.computed ? try await store.computedTraitValues(t.name) : try await store.traitValues(t.name))
                        : try await store.memberValues(of: refresh.segment, trait: t.name, computed: t.computed)
                }
                values = loaded
                if everyone { shared = loaded }
            }
            let members = try await store.members(of: refresh.segment, snapshot: current.id)
            var mix: [String: JSONValue] = [:]
            for t in Self.mixTraits {
                // Members without the trait count as "(none)": all of them losing it is a change too.
                let byProfile = values[t.name] ?? [:]
                var counts: [String: Int] = [:]
                for id in members { counts[byProfile[id] ?? "(none)", default: 0] += 1 }
                mix[t.name] = .object(counts.mapValues { .number(Double($0)) })
            }
            try await store.recordAnalysis(kind: "segment_mix", asOf: current.asOf, parameters: Self.mixParameters(refresh.segment, current.id),
                                           summary: .object(mix), values: [], at: .now)
            // Only the previous refresh's mix is ever read: a few are kept, not one per refresh forever.
            _ = try await store.pruneAnalysisRuns(kind: "segment_mix", subject: refresh.segment, keep: 4)

            // Only snapshots of the same definition: a new version is expected to change the segment.
            let earlier = history[..<at].filter { $0.version == current.version }
            guard let previous = earlier.last else { continue }
            var findings: [DriftDetector.Finding] = []
            let days = previous.asOf.wholeDays(until: current.asOf)
            if let f = DriftDetector.size(segment: refresh.segment, current: current.size, history: earlier.map(\.size), days: days > 0 ? days : nil, options: options) {
                findings.append(f)
            }
            if let before = try await store.latestAnalysisRun(kind: "segment_mix", parameters: Self.mixParameters(refresh.segment, previous.id))?.run.summary.objectValue {
                let mixes = Self.mixTraits.compactMap { t -> DriftDetector.Mix? in
                    guard let b = before[t.name]?.objectValue, let a = mix[t.name]?.objectValue else { return nil }
                    func counts(_ o: [String: JSONValue]) -> [String: Int] { o.compactMapValues { $0.numberValue.map { Int(saturating: $0) } } }
                    return DriftDetector.Mix(trait: t.name, label: t.label, before: counts(b), after: counts(a))
                }
                findings += DriftDetector.mix(segment: refresh.segment, mixes, options: options)
            }
            alerts += try await store.recordAlerts(findings, segment: refresh.segment, snapshot: current)
        }
        return alerts
    }

    static func mixParameters(_ segment: String, _ snapshot: Int64) -> JSONValue {
        .object(["subject": .string(segment), "snapshot": .number(Double(snapshot))])
    }
}
