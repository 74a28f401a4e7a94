public import SegmentaCore

/// Privacy requests: deleting people (leaving no row), exporting what is held, suppression and consent.
public protocol PrivacyStore: Sendable {
    /// Deletes the people known by these ids, everywhere; with `suppress`, their ids are refused from then on.
    func deletePeople(_ ids: [String], suppress: Bool, requestID: String) async throws(SegmentaError) -> PrivacyRequest
    /// A privacy request by id, nil when unknown.
    func privacyRequest(id: String) async throws(SegmentaError) -> PrivacyRequest?
    /// Everything held on the person known by `id`, nil when nobody is.
    func exportPerson(_ id: String) async throws(SegmentaError) -> JSONValue?
    /// The ids among these that a privacy request suppressed.
    func suppressed(among ids: Set<String>) async throws(SegmentaError) -> Set<String>
    /// The profiles among these that denied marketing consent.
    func consentDenied(among ids: [String]) async throws(SegmentaError) -> Set<String>
}
