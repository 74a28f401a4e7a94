import SegmentaCore
import SegmentaStore
import Synchronization

/// The overview page's figures (profiles, orders, accounts, events), kept until the store's data
/// version changes.
///
/// Counting a million profiles and a few million orders reads their indexes: tens of
/// milliseconds with the store in memory, up to a second from a cold disk after a restart. The
/// server counts when the data changes — at start and after each scheduled recompute
/// (``overview(_:)`` from the warmer) — so a person opening the overview on a store at rest finds
/// the figures ready. A commit by anyone (the server's ingestion, the CLI in another process) moves
/// the data version and the next view counts again; a backend that cannot tell its version
/// (nil) counts at every view.
final class OverviewCache: Sendable {
    private let cached = Mutex<(version: Int64, overview: StoreOverview)?>(nil)

    /// The store's figures, counted unless they are cached at its current data version.
    func overview(_ store: any ProfileStore) async throws(SegmentaError) -> StoreOverview {
        // Read before counting: a commit made while the counts run moves the version past this
        // one, so the next view counts again instead of keeping figures that miss it.
        let version = try await store.dataVersion()
        if let version, let hit = cached.withLock({ $0 }), hit.version == version { return hit.overview }
        let overview = try await store.overview()
        if let version { cached.withLock { $0 = (version, overview) } }
        return overview
    }

    /// Whether figures are cached at `version` (for tests).
    func holds(_ version: Int64?) -> Bool {
        guard let version else { return false }
        return cached.withLock { $0?.version == version }
    }
}
