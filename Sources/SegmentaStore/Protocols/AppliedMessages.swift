public import SegmentaCore

/// One id a message may carry (a profile's own id, a user id or an anonymous id), resolved: the
/// profile it belongs to and that profile's signup instant.
public struct ProfileIdentity: Sendable, Equatable {
    /// The id (as normalised: NFC).
    public var id: String
    /// The profile it belongs to (empty: a person erased by a privacy request).
    public var profile: String
    /// That profile's signup: the `signed_up_at` trait when a date, else first seen.
    public var signup: Timestamp?

    /// Creates an identity.
    public init(id: String, profile: String, signup: Timestamp?) {
        self.id = id
        self.profile = profile
        self.signup = signup
    }
}

/// What applying messages to a primary store did when their events are kept in another store
/// (``ProfileStore/applyWithoutEvents(_:)``).
public struct AppliedMessages: Sendable {
    /// One result per batch, in order.
    public var results: [MessageImportResult]
    /// Every id of every profile the batches touched, with its profile and signup as committed.
    public var identities: [ProfileIdentity]
    /// The messages as applied: those of people erased by a privacy request left out (their
    /// events must not be stored elsewhere either).
    public var applied: [MessageBatch]

    /// Creates the outcome.
    public init(results: [MessageImportResult], identities: [ProfileIdentity], applied: [MessageBatch]) {
        self.results = results
        self.identities = identities
        self.applied = applied
    }
}
