public import SegmentaCore

/// A privacy request read back, written once for every SQL backend (``SQLExecutor``). Erasure,
/// suppression checks on the ingestion path and consent stay with each backend (their bulk
/// and per-dialect reads).
extension PrivacyStore where Self: SQLExecutor {
    /// A privacy request by id (nil when unknown): the hashes of the ids it named, its status and report.
    public func privacyRequest(id: String) async throws(SegmentaError) -> PrivacyRequest? {
        guard let row = try await rows("SELECT id, subject_ids, suppress, status, result, created_at, completed_at FROM privacy_requests WHERE id = \(id)").first else {
            return nil
        }
        let subjects = try row.text(1), result = try row.text(4)
        let parsed: (subjects: JSONValue, result: JSONValue)
        do throws(JSONTextParser.SyntaxError) { parsed = (try JSONTextParser.parse(subjects), try JSONTextParser.parse(result)) } catch {
            throw SegmentaError(.storage, "privacy request \(id) is stored with invalid JSON: \(error)")
        }
        return PrivacyRequest(id: try row.text(0), subjectHashes: parsed.subjects.arrayValues.compactMap(\.stringValue),
                              suppress: try row.integer(2) != 0, status: PrivacyRequest.Status(rawValue: try row.text(3)) ?? .failed,
                              result: parsed.result, createdAt: Timestamp(milliseconds: try row.integer(5)),
                              completedAt: try row.optionalInteger(6).map(Timestamp.init(milliseconds:)))
    }
}
