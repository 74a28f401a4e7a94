public import SegmentaCore

/// Profiles and identities, as the analyses read them.
///
/// Every storage protocol is async and throws ``SegmentaError`` only; no backend name or driver
/// type appears in a signature. A backend may block inside (SQLite) but never on the caller's
/// thread: the SQLite backend runs each call on a thread of its own (``SQLiteBackend``).
public protocol ProfileStore: Sendable {
    /// Applies Segment-spec messages (events, identities, traits, groups, orders), all or nothing;
    /// a message already stored (same source and messageId) is counted as a duplicate.
    func apply(_ messages: [Message], source: String, arrival: Timestamp) async throws(SegmentaError) -> MessageImportResult
    /// Applies several batches (from concurrent requests) in one transaction — a group commit:
    /// all land or none does. One result per batch, in order.
    func apply(_ batches: [MessageBatch]) async throws(SegmentaError) -> [MessageImportResult]
    /// Applies the batches `produce` emits (a file read in segments), in order, all in one
    /// transaction; the counts of every batch added up. Runs `produce` on the caller's thread.
    func importMessages(_ produce: (_ emit: (MessageBatch) throws -> Void) throws -> Void) async throws(SegmentaError) -> MessageImportResult
    /// Row counts of the main tables.
    func counts() async throws(SegmentaError) -> StoreCounts
    /// Merges traits into profiles (creating them), all or nothing.
    func importProfiles(_ rows: [ProfileFileReader.Row], at time: Timestamp) async throws(SegmentaError) -> ProfileImportResult
    /// The profile known by `id` (its own id, a user id or an anonymous id), as the API shows it; nil when unknown.
    func profileDetail(_ id: String) async throws(SegmentaError) -> ProfileDetail?
    /// A profile's events, newest first, a page at a time; nil when nobody is known by `id`.
    func profileEvents(_ id: String, limit: Int, cursor: String?) async throws(SegmentaError) -> (events: [JSONValue], nextCursor: String?)?
    /// Profiles whose id, user or anonymous id, or one of `traits` equals or starts with `query`
    /// (case aside): exact matches first, at most `limit`.
    func searchProfiles(_ query: String, traits: [String], limit: Int) async throws(SegmentaError) -> [ProfileMatch]
    /// The ids of the profiles (at most `limit`, in id order) whose `email` or `phone` trait is
    /// `key` once normalised as ``ContactKey`` says: one index read on every backend.
    func profileIDs(withContact key: ContactKey, limit: Int) async throws(SegmentaError) -> [String]
    /// Figures for the overview page.
    func overview() async throws(SegmentaError) -> StoreOverview
    /// A number that changes whenever a change is committed to the store, by this process or
    /// another (it may also change when nothing the pages show did); nil when the backend cannot
    /// tell, and then every read is computed afresh. Lets the server keep what a page shows until
    /// the data changes.
    func dataVersion() async throws(SegmentaError) -> Int64?
    /// Every profile id.
    func profileIDs() async throws(SegmentaError) -> [String]
    /// The profile an external id (userId or anonymousId) resolves to.
    func profileID(forExternalID id: String) async throws(SegmentaError) -> String?
    /// Each profile's value of a trait (dotted path), as text; profiles without it are absent.
    func traitValues(_ path: String) async throws(SegmentaError) -> [String: String]
    /// Each profile's signup: the `signed_up_at` trait when it is a date, else first seen.
    func signupTimes() async throws(SegmentaError) -> [String: Timestamp]
    /// Everything stored about the profile known by `id` (its own, a user or an anonymous id) as
    /// the reference evaluator sees it: traits, computed traits, accounts, track events, orders,
    /// first seen. Nil when nobody is known by `id`.
    func profileFacts(_ id: String) async throws(SegmentaError) -> ProfileFacts?
    /// Every external id (user id or anonymous id) with the profile it resolves to, by id.
    func identityMap() async throws(SegmentaError) -> [(id: String, profile: String)]
    /// Every (account, person) pair of account membership, by account then person.
    func accountMemberships() async throws(SegmentaError) -> [(account: String, profile: String)]
    /// The trait objects of up to `limit` profiles (the most recently created on SQLite; any on
    /// PostgreSQL): what the segment builder samples to offer trait names, types and examples.
    func sampleTraits(limit: Int) async throws(SegmentaError) -> [JSONValue]
}
