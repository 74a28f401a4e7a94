import SegmentaCore
import SegmentaStore
import Synchronization

/// Members' mix over a computed trait (RFM segment, lifecycle stage), kept per (segment, trait)
/// until the segment's snapshot or the analyses change.
///
/// Joining every member of a large segment takes seconds at a million profiles, so the server
/// fills the cache when the data changes — at start and after each scheduled recompute
/// (``warm(_:)``) — and a page view finds it ready. A change made by another process (the CLI)
/// is seen by the version and computed at the next view.
final class MixCache: Sendable {
    /// The computed traits whose mix the segment page shows.
    static let traits = ["rfm_segment", "lifecycle"]
    private let entries = Mutex<[String: (version: String, mix: [(value: String, count: Int)])]>([:])

    /// The analyses that write the computed traits the mixes count.
    static let analyses = ["rfm", "lifecycle"]

    /// What a mix depends on: the segment's latest snapshot and the newest run of the analyses
    /// that write its traits (a cohort or validation run recorded meanwhile changes nothing).
    static func version(_ store: any Storage, history: [SegmentSnapshot]) async throws(SegmentaError) -> String {
        "\(history.last?.id ?? 0)/\(try await store.analysisHighWater(kinds: analyses))"
    }

    /// The mix of `segment`'s members over `trait`, computed unless cached at `version`.
    func mix(_ store: any Storage, _ segment: String, _ trait: String, _ version: String) async throws(SegmentaError) -> [(value: String, count: Int)] {
        let key = segment + "\u{0}" + trait
        if let hit = entries.withLock({ $0[key] }), hit.version == version { return hit.mix }
        let mix = try await store.memberMix(of: segment, computed: trait)
        entries.withLock { all in
            if all.count > 500 { all.removeAll() }
            all[key] = (version, mix)
        }
        return mix
    }

    /// Whether the mix of `segment` over `trait` is cached at `version` (for tests and the warmer).
    func holds(_ segment: String, _ trait: String, _ version: String) -> Bool {
        entries.withLock { $0[segment + "\u{0}" + trait]?.version == version }
    }

    /// Computes every segment's mixes that are not cached at their current version.
    /// - Returns: how many mixes were computed.
    @discardableResult
    func warm(_ store: any Storage) async throws(SegmentaError) -> Int {
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
