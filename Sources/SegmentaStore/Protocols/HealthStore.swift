public import SegmentaCore

/// Whether the backend answers, and what it is (for `/health`).
public protocol HealthStore: Sendable {
    /// A cheap round trip to the database; returns facts about it (e.g. `database`, `journal_mode`).
    func health() async throws(SegmentaError) -> [String: String]
}
