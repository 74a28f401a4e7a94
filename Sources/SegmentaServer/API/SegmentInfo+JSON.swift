public import SegmentaCore
public import SegmentaStore

extension SegmentInfo {
    /// The API's view of a segment: definition, state, last size and error, the condition in words,
    /// and when the server's scheduled refresh runs next (`nextRefresh`; a dynamic segment's only).
    public func json(nextRefresh: Timestamp?) -> JSONValue {
        var o: [String: JSONValue] = [
            "name": .string(name), "kind": .string(kind.rawValue), "version": .number(Double(version)), "definition": document,
            "created_at": .string(createdAt.iso8601), "updated_at": .string(updatedAt.iso8601),
            "last_refresh_at": lastRefreshAt.map { .string($0.iso8601) } ?? .null, "last_error": lastError.map(JSONValue.string) ?? .null,
            "size": size.map { .number(Double($0)) } ?? .null,
            "next_refresh_at": kind == .dynamic ? nextRefresh.map { .string($0.iso8601) } ?? .null : .null,
        ]
        if let condition = definition.condition {
            o["condition_text"] = .string(ConditionRenderer.text(condition))
            o["condition_sentence"] = .string(ConditionSentence.text(condition))
        }
        return .object(o)
    }
}

extension SegmentSnapshot {
    /// One refresh, as the API shows it.
    public var json: JSONValue {
        .object(["snapshot": .number(Double(id)), "version": .number(Double(version)), "as_of": .string(asOf.iso8601),
                 "size": .number(Double(size)), "entered": .number(Double(entered)), "exited": .number(Double(exited)),
                 "merged": .number(Double(merged)), "erased": .number(Double(erased))])
    }
}

extension WebhookDelivery {
    /// One delivery in the log (the secret is never shown; the URL whole only when `wholeURL`, for admins).
    public func json(wholeURL: Bool) -> JSONValue {
        .object(["id": .number(Double(id)), "webhook_id": .number(Double(webhookID)), "url": .string(wholeURL ? url : WebhookTarget.masked(url)), "snapshot": .number(Double(snapshotID)),
                 "page": .number(Double(page)), "status": .string(status.rawValue), "attempts": .number(Double(attempts)),
                 "response_status": responseStatus.map { .number(Double($0)) } ?? .null, "last_error": lastError.map(JSONValue.string) ?? .null,
                 "created_at": .string(createdAt.iso8601), "delivered_at": deliveredAt.map { .string($0.iso8601) } ?? .null])
    }
}
