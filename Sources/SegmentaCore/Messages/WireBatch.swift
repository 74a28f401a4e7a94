/// A request body from an SDK, decoded into messages: the Segment (`/v1/batch`, `/v1/track`, …)
/// and PostHog (`/batch/`, `/capture/`) wire formats of `shared/INGESTION.md`.
///
/// Decoding never fails as a whole for one bad message: each item is a message or the reason
/// it was refused, so the server can accept the rest (as Segment does) and count the rejects.
public struct WireBatch: Sendable {
    /// The routes' body shapes.
    public enum Format: Sendable, Equatable {
        /// `{"batch":[…], "sentAt", "writeKey", "context", "integrations"}`.
        case segmentBatch
        /// One message plus `writeKey`; the path gives the type.
        case segmentSingle(Message.Kind)
        /// `{"batch":[…], "api_key", "sent_at"}`.
        case posthogBatch
        /// One event: `{"api_key", "event", "distinct_id", "properties", "timestamp"}` (or a `batch`).
        case posthogCapture
    }

    /// Segment's documented per-message limit.
    public static let maxMessageBytes = 32 * 1024

    /// The write key found in the body (`writeKey`, `api_key`, `token`, `$token`), if any.
    public var bodyKey: String?
    /// Each message, or why it was refused.
    public var items: [Result<Message, Message.Invalid>]

    /// Decodes a body.
    /// - Parameter bodyBytes: the body's size; a body within 32 KiB cannot hold an oversize message,
    ///   so messages are measured only in larger bodies.
    /// - Throws: ``Message/Invalid`` when the body as a whole is not what the route takes (not an object, no batch array).
    public static func decode(_ body: JSONValue, format: Format, bodyBytes: Int = .max) throws(Message.Invalid) -> WireBatch {
        let measure = bodyBytes > maxMessageBytes
        if case .array(let list) = body, format == .posthogBatch || format == .posthogCapture {
            // posthog-js posts a JSON array of events, each with its token in properties.
            return posthogBatch(list, key: nil, sentAt: nil, measure: measure)
        }
        guard case .object(let top) = body else {
            throw Message.Invalid(code: "invalid_body", reason: "the body must be a JSON object")
        }
        switch format {
        case .segmentBatch:
            guard case .array(let list)? = top["batch"] else {
                throw Message.Invalid(code: "invalid_batch", reason: "the body needs a \"batch\" array of messages")
            }
            let shared = top["context"]?.objectValue ?? [:], integrations = top["integrations"]
            let sentAt = top["sentAt"]
            let items = list.map { item -> Result<Message, Message.Invalid> in
                guard case .object(var m) = item else { return .failure(Message.Invalid(code: "invalid_message", reason: "each batch item must be a JSON object")) }
                if !shared.isEmpty { m["context"] = .object(shared.merging(m["context"]?.objectValue ?? [:]) { _, own in own }) }
                if m["integrations"] == nil, let integrations { m["integrations"] = integrations }
                if m["sentAt"]?.isNull ?? true, let sentAt { m["sentAt"] = sentAt }
                return decodeMessage(m, kind: nil, measure: measure)
            }
            return WireBatch(bodyKey: top["writeKey"]?.stringValue, items: items)
        case .segmentSingle(let kind):
            return WireBatch(bodyKey: top["writeKey"]?.stringValue, items: [decodeMessage(top, kind: kind, measure: measure)])
        case .posthogBatch, .posthogCapture:
            let key = top["api_key"]?.stringValue ?? top["token"]?.stringValue ?? top["$token"]?.stringValue
            if case .array(let list)? = top["batch"] {
                return posthogBatch(list, key: key, sentAt: top["sent_at"], measure: measure)
            }
            guard format == .posthogCapture else {
                throw Message.Invalid(code: "invalid_batch", reason: "the body needs a \"batch\" array of events")
            }
            return WireBatch(bodyKey: key ?? posthogKey(top), items: [posthogMessage(top, sentAt: top["sent_at"], measure: measure)])
        }
    }

    static func posthogBatch(_ list: [JSONValue], key: String?, sentAt: JSONValue?, measure: Bool) -> WireBatch {
        WireBatch(bodyKey: key ?? list.lazy.compactMap { $0.objectValue.flatMap(posthogKey) }.first,
                  items: list.map { e in
                      guard case .object(let o) = e else { return .failure(Message.Invalid(code: "invalid_message", reason: "each batch item must be a JSON object")) }
                      return posthogMessage(o, sentAt: sentAt, measure: measure)
                  })
    }

    static func posthogKey(_ o: [String: JSONValue]) -> String? {
        o["api_key"]?.stringValue ?? o["token"]?.stringValue ?? o["properties"]?.objectValue?["token"]?.stringValue
    }

    /// Size check, then the Segment-spec decoder.
    static func decodeMessage(_ object: [String: JSONValue], kind: Message.Kind?, measure: Bool) -> Result<Message, Message.Invalid> {
        let size = measure ? JSONValue.object(object).jsonText.utf8.count : 0
        guard size <= maxMessageBytes else {
            return .failure(Message.Invalid(code: "message_too_large", reason: "a message is \(size) bytes; the limit is \(maxMessageBytes) bytes (32 KiB)"))
        }
        do { return .success(try Message.decode(object, kind: kind)) } catch { return .failure(error) }
    }

    /// One PostHog event as a Segment-spec message (the mapping table of INGESTION.md).
    static func posthogMessage(_ e: [String: JSONValue], sentAt: JSONValue?, measure: Bool) -> Result<Message, Message.Invalid> {
        var properties = e["properties"]?.objectValue ?? [:]
        guard let event = e["event"]?.stringValue, !event.isEmpty else {
            return .failure(Message.Invalid(code: "missing_event", reason: "a PostHog event needs an \"event\" name"))
        }
        let distinct = e["distinct_id"]?.idString ?? properties["distinct_id"]?.idString ?? properties["$distinct_id"]?.idString
        var m: [String: JSONValue] = [
            "messageId": e["uuid"] ?? .null, "timestamp": e["timestamp"] ?? .null, "sentAt": sentAt ?? .null,
        ]
        // posthog-js marks events sent before identify() with `$is_identified: false`: their
        // distinct id is the browser's anonymous id, so a later `$identify` merges it (as PostHog does).
        let anonymous = properties["$is_identified"] == .bool(false) && event != "$identify" && event != "$create_alias"
        m[anonymous ? "anonymousId" : "userId"] = distinct.map(JSONValue.string) ?? .null
        var context: [String: JSONValue] = ["library": .object(["name": properties["$lib"] ?? .string("posthog"), "version": properties["$lib_version"] ?? .null])]
        for key in ["token", "$lib", "$lib_version", "distinct_id"] { properties.removeValue(forKey: key) }
        switch event {
        case "$identify", "$set":
            m["type"] = .string("identify")
            var traits = properties["$set"]?.objectValue ?? [:]
            traits.merge(e["$set"]?.objectValue ?? [:]) { _, top in top }
            for (k, v) in properties["$set_once"]?.objectValue ?? [:] where traits[k] == nil { traits[k] = v }
            m["traits"] = .object(traits)
            if let anon = properties["$anon_distinct_id"]?.idString, anon != distinct { m["anonymousId"] = .string(anon) }
        case "$pageview":
            m["type"] = .string("page")
            m["name"] = properties["$current_url"] ?? .null
            m["properties"] = .object(properties)
        case "$screen":
            m["type"] = .string("screen")
            m["name"] = properties["$screen_name"] ?? .null
            m["properties"] = .object(properties)
        case "$groupidentify":
            m["type"] = .string("group")
            m["groupId"] = properties["$group_key"] ?? .null
            m["traits"] = properties["$group_set"] ?? .object([:])
            context["group_type"] = properties["$group_type"] ?? .null
        case "$create_alias":
            m["type"] = .string("alias")
            m["previousId"] = m["userId"]
            m["userId"] = properties["alias"].flatMap(\.idString).map(JSONValue.string) ?? .null
        default:
            m["type"] = .string("track")
            m["event"] = .string(event)
            m["properties"] = .object(properties)
        }
        m["context"] = .object(context)
        return decodeMessage(m, kind: nil, measure: measure)
    }
}
