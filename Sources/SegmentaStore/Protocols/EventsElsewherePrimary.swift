public import SegmentaCore

/// What a primary store offers when the events are kept elsewhere (``ClickHouseEventsStorage``):
/// messages applied without storing their events, and conditions evaluated with their event
/// conditions already answered by the events store. SQLite and PostgreSQL offer it; only the
/// composite asks for it, so none of the nine protocols of ``Storage`` holds a requirement that
/// exists for one backend.
public protocol EventsElsewherePrimary: Storage {
    /// Applies batches as ``ProfileStore/apply(_:)-([MessageBatch])`` does, except that track, page
    /// and screen messages are not stored as events (an event store elsewhere keeps them; their
    /// identities, first/last seen and orders still apply). Returns, with the results, every id of
    /// every profile the batches touched, as committed.
    func applyWithoutEvents(_ batches: [MessageBatch]) async throws(SegmentaError) -> AppliedMessages
    /// ``ProfileStore/importMessages(_:)`` without storing events, as ``applyWithoutEvents(_:)``: one
    /// result, the total; each batch as applied (erased people left out) is handed to `applied` on
    /// the caller's thread before the commit.
    func importMessagesWithoutEvents(_ produce: (_ emit: (MessageBatch) throws -> Void) throws -> Void,
                                     applied: (MessageBatch) throws -> Void) async throws(SegmentaError) -> AppliedMessages
    /// ``SegmentStore/matchingProfiles(_:asOf:)`` with its event conditions already evaluated.
    func matchingProfiles(_ condition: Condition, asOf: Timestamp, eventLeaves: EventLeaves?) async throws(SegmentaError) -> [String]
    /// ``SegmentStore/refresh(_:asOf:webhookPageSize:)`` with its event conditions already evaluated.
    func refresh(_ name: String, asOf: Timestamp, webhookPageSize: Int, eventLeaves: EventLeaves?) async throws(SegmentaError) -> RefreshResult
}

extension EventsElsewherePrimary {
    /// ``SegmentStore/matchingProfiles(_:asOf:)``, reading events from this store.
    public func matchingProfiles(_ condition: Condition, asOf: Timestamp) async throws(SegmentaError) -> [String] {
        try await matchingProfiles(condition, asOf: asOf, eventLeaves: nil)
    }
    /// ``SegmentStore/refresh(_:asOf:webhookPageSize:)``, reading events from this store.
    public func refresh(_ name: String, asOf: Timestamp, webhookPageSize: Int) async throws(SegmentaError) -> RefreshResult {
        try await refresh(name, asOf: asOf, webhookPageSize: webhookPageSize, eventLeaves: nil)
    }
}
