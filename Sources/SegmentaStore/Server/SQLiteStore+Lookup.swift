public import SegmentaCore
import GRDB

/// Reads for the API: one profile, its events, a segment's members page by page.
extension SQLiteStore {
    /// The profile known by `id` (its own id, a user id or an anonymous id): traits, computed
    /// traits, current segments, identities, accounts, first/last seen and event counts (with how
    /// many messages came dated more than a day ahead, ``FutureDated``).
    public func profileDetail(_ id: String) throws(SegmentaError) -> JSONValue? {
        try read { db in
            guard let profile = try Self.resolve(db, id),
                  let p = try Row.fetchOne(db, sql: "SELECT traits, first_seen, last_seen, created_at FROM profiles WHERE id = ?", arguments: [profile]) else { return nil }
            func time(_ v: Int64?) -> JSONValue { v.map { .string(Timestamp(milliseconds: $0).iso8601) } ?? .null }
            let computed = try ComputedTraitLayout.traits(db, profile: profile)
            let segments = try String.fetchAll(db, sql: "SELECT segment FROM segment_membership WHERE profile_id = ? AND exited_snapshot IS NULL ORDER BY segment", arguments: [profile])
            let identities = try Row.fetchAll(db, sql: "SELECT external_id, kind FROM identities WHERE profile_id = ? ORDER BY kind DESC, external_id", arguments: [profile])
                .map { JSONValue.object(["id": .string($0[0]), "kind": .string($0[1])]) }
            let accounts = try Row.fetchAll(db, sql: "SELECT a.id, a.traits FROM account_members m JOIN accounts a ON a.id = m.account_id WHERE m.profile_id = ? ORDER BY a.id", arguments: [profile])
                .map { JSONValue.object(["id": .string($0[0]), "traits": try JSONTextParser.parse($0[1] as String)]) }
            var byType: [String: JSONValue] = [:], byName: [String: JSONValue] = [:]
            var total = 0
            for r in try Row.fetchAll(db, sql: "SELECT type, name, COUNT(*) FROM events WHERE profile_id = ? GROUP BY type, name", arguments: [profile]) {
                let n: Int = r[2]
                total += n
                byType[r[0], default: .number(0)] = .number((byType[r[0]]?.numberValue ?? 0) + Double(n))
                if let name = r[1] as String?, (r[0] as String) == "track" { byName[name] = .number(Double(n)) }
            }
            var ahead: [String: JSONValue] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT type, COUNT(*) FROM events WHERE profile_id = ? AND \(FutureDated.condition) GROUP BY type", arguments: [profile]) {
                ahead[r[0]] = .number(Double(r[1] as Int))
            }
            let totals = try Row.fetchOne(db, sql: "SELECT COUNT(*), coalesce(SUM(amount), 0) FROM orders WHERE profile_id = ?", arguments: [profile])
            let orders: (count: Int, sum: Double) = (totals?[0] ?? 0, totals?[1] ?? 0)
            return .object([
                "id": .string(profile), "traits": try JSONTextParser.parse(p[0] as String), "computed_traits": .object(computed),
                "segments": .array(segments.map(JSONValue.string)), "identities": .array(identities), "accounts": .array(accounts),
                "first_seen": time(p[1]), "last_seen": time(p[2]), "created_at": time(p[3]),
                "event_counts": .object(["total": .number(Double(total)), "by_type": .object(byType), "by_event": .object(byName),
                                         "future_dated": .number(ahead.values.reduce(0) { $0 + ($1.numberValue ?? 0) }), "future_dated_by_type": .object(ahead)]),
                "orders": .object(["count": .number(Double(orders.count)), "revenue": .number(orders.sum)]),
            ])
        }
    }

    /// A profile's events, newest first, `limit` at a time. `cursor` is the `next_cursor` of the
    /// previous page. Nil when no profile is known by `id`.
    public func profileEvents(_ id: String, limit: Int, cursor: String?) throws(SegmentaError) -> (events: [JSONValue], nextCursor: String?)? {
        let after = try EventCursor.parse(cursor)
        return try read { db in
            guard let profile = try Self.resolve(db, id) else { return nil }
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, type, name, timestamp, received_at, properties, context, message_id, source FROM events
                WHERE profile_id = ? AND (? IS NULL OR timestamp < ? OR (timestamp = ? AND id < ?))
                ORDER BY timestamp DESC, id DESC LIMIT ?
                """, arguments: [profile, after?.0, after?.0, after?.0, after?.1, limit + 1])
            let page = try rows.prefix(limit).map { r -> JSONValue in
                .object(["type": .string(r[1]), "name": (r[2] as String?).map(JSONValue.string) ?? .null,
                         "timestamp": .string(Timestamp(milliseconds: r[3]).iso8601), "received_at": .string(Timestamp(milliseconds: r[4]).iso8601),
                         "properties": try JSONTextParser.parse(r[5] as String), "context": try JSONTextParser.parse(r[6] as String),
                         "message_id": .string(r[7]), "source": .string(r[8])])
            }
            let next = rows.count > limit ? rows[limit - 1] : nil
            return (page, next.map { EventCursor.text(time: $0[3], id: $0[0]) })
        }
    }

    /// A segment's current members in id order after `after`, without those whose
    /// `consent.marketing` is false (exports respect consent; analytics still count them), with
    /// the values of `traits` (dotted trait paths, or computed trait names).
    /// - Parameter includeNoConsent: include people who denied consent (internal use only).
    public func exportableMembers(of segment: String, after: String?, limit: Int, traits: [String] = [], includeNoConsent: Bool = false) throws(SegmentaError) -> [(id: String, values: [JSONValue])] {
        try read { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM segments WHERE name = ?", arguments: [segment]) == true else {
                throw SegmentaError(.notFound, "no segment named \"\(segment)\"")
            }
            let rows = try Row.fetchAll(db, sql: """
                SELECT m.profile_id, p.traits FROM segment_membership m JOIN profiles p ON p.id = m.profile_id
                WHERE m.segment = ? AND m.exited_snapshot IS NULL AND (? IS NULL OR m.profile_id > ?)
                  AND (? OR NOT \(ConsentRule.deniedMarketing("p", .sqlite)))
                ORDER BY m.profile_id LIMIT ?
                """, arguments: [segment, after, after, includeNoConsent, limit])
            let computed = try db.cachedStatement(sql: "SELECT traits -> ? FROM computed_values WHERE grp = ? AND profile_id = ?")
            return try rows.map { r in
                let id: String = r[0]
                guard !traits.isEmpty else { return (id, []) }
                let t = try JSONTextParser.parse(r[1] as String)
                let values = try traits.map { name -> JSONValue in
                    if let v = t.value(atPath: name) { return v }
                    if let text = try String.fetchOne(computed, arguments: [ComputedTraitLayout.path(of: name), ComputedTraitLayout.group(of: name), id]) {
                        return try JSONTextParser.parse(text)
                    }
                    return .null
                }
                return (id, values)
            }
        }
    }

    /// The profile known by `id`: through the identities, or a profile of that id.
    static func resolve(_ db: Database, _ sent: String) throws -> String? {
        let id = sent.normalizedID
        if let p = try String.fetchOne(db.cachedStatement(sql: "SELECT profile_id FROM identities WHERE external_id = ?"), arguments: [id]) { return p }
        return try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM profiles WHERE id = ?"), arguments: [id]) == true ? id : nil
    }
}
