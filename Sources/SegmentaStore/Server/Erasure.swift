public import SegmentaCore

/// A privacy delete as every backend runs it, written once: which ids may be asked for, what is
/// counted for the request's report, which ids are then kept only as hashes, and the request as
/// it is recorded. A backend finds the profiles behind the ids, deletes their rows and scrubs its
/// stored JSON in one transaction, telling the erasure what it found and removed.
struct Erasure {
    /// The ids asked for, NFC-normalised.
    let ids: [String]
    let requestID: String
    let suppress: Bool
    let at: Timestamp
    /// What was removed, by kind, for the request's report.
    var counts: [String: Int] = ["profiles": 0, "identities": 0, "events": 0, "orders": 0, "computed_traits": 0, "memberships": 0, "webhook_bodies": 0]
    /// Every id the people were known by: the ids asked for, their profiles' ids and identities.
    private(set) var allIDs: Set<String>
    /// The segment stays their webhooks had been told about, to tell them they left.
    var departed: [WebhookPages.Departed] = []

    /// - Throws: `invalidInput` unless there are 1 to 5,000 ids.
    init(ids: [String], suppress: Bool, requestID: String, at: Timestamp) throws(SegmentaError) {
        guard !ids.isEmpty, ids.count <= 5000 else {
            throw SegmentaError(.invalidInput, "userIds must hold between 1 and 5,000 ids (got \(ids.count))")
        }
        self.ids = ids.map(\.normalizedID)
        self.requestID = requestID
        self.suppress = suppress
        self.at = at
        allIDs = Set(self.ids)
    }

    /// A profile behind the ids, with every id it is known by.
    mutating func found(profile: String, knownBy known: [String]) {
        allIDs.formUnion(known)
        allIDs.insert(profile)
        counts["identities", default: 0] += known.count
    }

    /// What the request's report and record hold: the ids' hashes, never the ids.
    var subjectHashes: [String] { ids.map { IDHash.of(id: $0) } }

    /// The hashes kept of every id the people were known by, in a stable order.
    var deletedHashes: [String] { allIDs.map { IDHash.of(id: $0) }.sorted() }

    /// The report of what was removed.
    var result: JSONValue { .object(counts.mapValues { .number(Double($0)) }) }

    /// The request, completed.
    var request: PrivacyRequest {
        PrivacyRequest(id: requestID, subjectHashes: subjectHashes, suppress: suppress, status: .completed, result: result, createdAt: at, completedAt: at)
    }
}
