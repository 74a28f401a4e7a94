public import SegmentaCore

/// A segment's versions and the drift alerts, read once for every SQL backend (``SQLExecutor``).
/// Creating, refreshing and listing members stay with each backend (their transactions and
/// bulk paths).
extension SegmentStore where Self: SQLExecutor {
    /// Every version of a segment's definition, oldest first.
    public func versions(of name: String) async throws(SegmentaError) -> [SegmentVersion] {
        try await rows("SELECT version, definition, created_at FROM segment_versions WHERE segment = \(name) ORDER BY version").map { r throws(SegmentaError) in
            try SegmentVersion(Int(try r.integer(0)), document: try Self.storedJSON(r.text(1), what: "segment \(name)'s definition"), of: name,
                               createdAt: Timestamp(milliseconds: try r.integer(2)))
        }
    }

    /// The latest drift alerts, newest first; with `segment`, that segment's only.
    public func alerts(segment: String?, limit: Int) async throws(SegmentaError) -> [SegmentAlert] {
        var statement: SQLStatement = "SELECT id, segment, snapshot_id, kind, trait, message, details, created_at FROM segment_alerts"
        if let segment { statement = statement + " WHERE segment = \(segment)" }
        return try await rows(statement + " ORDER BY id DESC LIMIT \(max(0, limit))").map { r throws(SegmentaError) in
            SegmentAlert(id: try r.integer(0), segment: try r.text(1), snapshot: try r.integer(2), kind: try r.text(3), trait: try r.optionalText(4),
                         message: try r.text(5), details: try Self.storedJSON(r.text(6), what: "an alert's details"), createdAt: Timestamp(milliseconds: try r.integer(7)))
        }
    }

    /// A stored JSON document, or a storage error that names it.
    static func storedJSON(_ text: String, what: String) throws(SegmentaError) -> JSONValue {
        do throws(JSONTextParser.SyntaxError) { return try JSONTextParser.parse(text) } catch {
            throw SegmentaError(.storage, "\(what) is stored as invalid JSON: \(error)")
        }
    }
}
