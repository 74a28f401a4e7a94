public import SegmentaCore

/// Whether the backend answers, and what it is (for `/health`).
public protocol HealthStore: Sendable {
    /// What the primary store is (`sqlite`, `postgresql`), as `/health` names it even when it does not answer.
    var databaseKind: String { get }
    /// A cheap round trip to the database; returns facts about it (e.g. `database`, `journal_mode`).
    func health() async throws(SegmentaError) -> [String: String]
    /// Runs `body` unless another process runs the job of that name now (then returns nil at once):
    /// with several servers on one database, the scheduled recompute runs on one at a time, and
    /// another takes over when that one stops. One process per store needs no more than a local lock.
    func exclusively<T: Sendable>(_ job: String, _ body: () async throws -> T) async throws -> T?
}
