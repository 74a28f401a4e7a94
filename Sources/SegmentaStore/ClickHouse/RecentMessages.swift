import SegmentaCore
import Synchronization

/// The last `capacity` messages stored (a 64-bit hash of source and messageId each, oldest
/// forgotten first): lets the server answer "duplicate" to an SDK retry of a message it stored
/// lately without storing it again. Only an answer and a saving — queries count each message
/// once whether or not a retry was stored.
final class RecentMessages: Sendable {
    private struct State {
        var members = Set<UInt64>()
        var order: [UInt64] = []
        var next = 0
    }
    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int) { self.capacity = max(0, capacity) }

    static func key(source: String, messageID: String) -> UInt64 {
        var h = StableHash()
        h.combine(source)
        h.combine(messageID)
        return h.value
    }

    func contains(source: String, messageID: String) -> Bool {
        let k = Self.key(source: source, messageID: messageID)
        return state.withLock { $0.members.contains(k) }
    }

    func insert(source: String, messageID: String) {
        guard capacity > 0 else { return }
        let k = Self.key(source: source, messageID: messageID)
        state.withLock { s in
            guard s.members.insert(k).inserted else { return }
            if s.order.count < capacity {
                s.order.append(k)
            } else {
                s.members.remove(s.order[s.next])
                s.order[s.next] = k
                s.next = (s.next + 1) % capacity
            }
        }
    }
}
