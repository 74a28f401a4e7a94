import SegmentaCore
import SegmentaStore
import Synchronization

/// Members' mix over a computed trait (RFM segment, lifecycle stage), kept per (segment, trait)
/// until the segment's snapshot or the analyses change.
///
/// Joining every member of a large segment takes seconds at a million profiles, so the server
/// fills the cache when the data changes — at start and after each scheduled recompute
/// (``warm(_:)``) — and a page view finds it ready. A change made by another process (the CLI)
/// is seen by the version and computed at the next view. A mix being computed is computed once:
/// a page opened while the warmer works on it waits for that computation instead of starting
/// its own (two joins over every member would slow each other down on the same cores).
final class MixCache: Sendable {
    typealias Mix = [(value: String, count: Int)]
    /// The computed traits whose mix the segment page shows.
    static let traits = ["rfm_segment", "lifecycle"]
    private let entries = Mutex<[String: (version: String, mix: Mix)]>([:])
    /// Mixes being computed, by key, with the version they are computed at.
    private let computing = Mutex<[String: (version: String, task: Task<Mix, any Error>)]>([:])
    /// How many computations were started (for tests).
    let started = Atomic<Int>(0)

    /// The analyses that write the computed traits the mixes count.
    static let analyses = traits.compactMap { AnalysisKind.writing($0)?.rawValue }

    /// What a mix depends on: the segment's latest snapshot and the newest run of the analyses
    /// that write its traits (a cohort or validation run recorded meanwhile changes nothing).
    static func version(_ store: any SegmentStore & AnalysisStore, history: [SegmentSnapshot]) async throws(SegmentaError) -> String {
        "\(history.last?.id ?? 0)/\(try await store.analysisHighWater(kinds: analyses))"
    }

    /// The mix of `segment`'s members over `trait`, computed unless cached at `version`.
    func mix(_ store: any SegmentStore & AnalysisStore, _ segment: String, _ trait: String, _ version: String) async throws(SegmentaError) -> Mix {
        let key = segment + "\u{0}" + trait
        if let hit = entries.withLock({ $0[key] }), hit.version == version { return hit.mix }
        let task = computing.withLock { all in
            if let running = all[key], running.version == version { return running.task }
            started.add(1, ordering: .relaxed)
            let task = Task<Mix, any Error> { try await store.memberMix(of: segment, computed: trait) }
            all[key] = (version, task)
            return task
        }
        let result = await task.result
        computing.withLock { all in if all[key]?.version == version { all[key] = nil } }
        switch result {
        case .success(let mix):
            entries.withLock { all in
                if all.count > 500 { all.removeAll() }
                all[key] = (version, mix)
            }
            return mix
        case .failure(let error as SegmentaError):
            throw error
        case .failure(let error):
            throw SegmentaError(.storage, "computing the member mix of \(segment) failed: \(error)", underlying: error)
        }
    }

    /// Whether the mix of `segment` over `trait` is cached at `version` (for tests and the warmer).
    func holds(_ segment: String, _ trait: String, _ version: String) -> Bool {
        entries.withLock { $0[segment + "\u{0}" + trait]?.version == version }
    }

    /// Computes every segment's mixes that are not cached at their current version.
    /// - Returns: how many mixes were computed.
    @discardableResult
    func warm(_ store: any SegmentStore & AnalysisStore) async throws(SegmentaError) -> Int {
        var computed = 0
        for segment in try await store.segments() {
            let version = try await Self.version(store, history: try await store.history(of: segment.name))
            for trait in Self.traits where !holds(segment.name, trait, version) {
                _ = try await mix(store, segment.name, trait, version)
                computed += 1
            }
        }
        return computed
    }
}
