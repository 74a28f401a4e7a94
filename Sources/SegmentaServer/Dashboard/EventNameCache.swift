import SegmentaCore
import SegmentaStore
import Synchronization

/// The track event names the segment builder offers, with their counts: read from the store at
/// most once per `lifetime` (counting names reads the whole events index, about a second at 16M
/// events), warmed at server start. A name first seen within the lifetime shows up at the next
/// read; the builder accepts any name typed meanwhile.
final class EventNameCache: Sendable {
    private let cached = Mutex<(names: [(name: String, count: Int)], at: Timestamp)?>(nil)
    let clock: any WallClock
    /// How long a read is reused.
    let lifetime: Int64

    /// - Parameter lifetimeSeconds: how long a read is reused (5 minutes by default).
    init(clock: any WallClock = SystemClock(), lifetimeSeconds: Int64 = 300) {
        self.clock = clock
        lifetime = lifetimeSeconds * 1000
    }

    /// The 100 most sent track event names, from the cache while it is fresh.
    func names(_ store: any ActivityStore) async throws(SegmentaError) -> [(name: String, count: Int)] {
        let now = clock.now
        if let hit = cached.withLock({ $0 }), now.milliseconds - hit.at.milliseconds < lifetime, hit.at.milliseconds <= now.milliseconds {
            return hit.names
        }
        let names = try await store.eventNames(limit: 100)
        cached.withLock { $0 = (names, now) }
        return names
    }

    /// Whether a fresh read is cached (for tests).
    var isFresh: Bool {
        let now = clock.now
        return cached.withLock { c in c.map { now.milliseconds - $0.at.milliseconds < lifetime } ?? false }
    }
}
