import SegmentaCore
import Synchronization

/// The identity rows (id → profile, signup) this process has written to ClickHouse, up to
/// `capacity` ids (then forgotten all at once): a write sends only the rows that changed. Rows
/// are remembered only once ClickHouse has them, so a failed write sends them again.
final class WrittenIdentities: Sendable {
    private struct Row: Equatable {
        var profile: String
        var signup: Int64?
    }
    private let rows = Mutex<[String: Row]>([:])
    let capacity: Int

    init(capacity: Int) { self.capacity = max(0, capacity) }

    /// The identities whose profile or signup differ from what was last written.
    func changed(_ identities: [ProfileIdentity]) -> [ProfileIdentity] {
        rows.withLock { rows in
            identities.filter { rows[$0.id] != Row(profile: $0.profile, signup: $0.signup?.milliseconds) }
        }
    }

    /// Records what ClickHouse now holds.
    func remember(_ identities: [ProfileIdentity]) {
        guard capacity > 0 else { return }
        rows.withLock { rows in
            if rows.count + identities.count > capacity { rows.removeAll(keepingCapacity: true) }
            for i in identities { rows[i.id] = Row(profile: i.profile, signup: i.signup?.milliseconds) }
        }
    }
}
