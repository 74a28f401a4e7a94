public import SegmentaCore
import GRDB

/// Reads for the API: one profile, its events, a segment's members page by page.
extension SQLiteStore {
    /// The profile known by `id` (its own id, a user id or an anonymous id): traits, computed
    /// traits, current segments, identities, accounts, first/last seen and event counts (with how
    /// many messages came dated more than a day ahead, ``FutureDated``).
    public func profileDetail(_ id: String) throws(SegmentaError) -> ProfileDetail? {
        try read { db in
            guard let profile = try Self.resolve(db, id),
                  let p = try Row.fetchOne(db, sql: "SELECT traits, first_seen, last_seen, created_at FROM profiles WHERE id = ?", arguments: [profile]) else { return nil }
            func time(_ v: Int64?) -> Timestamp? { v.map(Timestamp.init(milliseconds:)) }
            let memberships = try Row.fetchAll(db, sql: """
                SELECT m.segment, s.as_of FROM segment_membership m JOIN segment_snapshots s ON s.id = m.entered_snapshot
                WHERE m.profile_id = ? AND m.exited_snapshot IS NULL ORDER BY m.segment
                """, arguments: [profile]).map { ProfileDetail.Membership(segment: $0[0], since: Timestamp(milliseconds: $0[1])) }
            let identities = try Row.fetchAll(db, sql: "SELECT external_id, kind FROM identities WHERE profile_id = ? ORDER BY kind DESC, external_id", arguments: [profile])
                .map { ProfileDetail.Identity(id: $0[0], kind: $0[1]) }
            let accounts = try Row.fetchAll(db, sql: "SELECT a.id, a.traits FROM account_members m JOIN accounts a ON a.id = m.account_id WHERE m.profile_id = ? ORDER BY a.id", arguments: [profile])
                .map { ProfileDetail.Account(id: $0[0], traits: try JSONTextParser.parse($0[1] as String)) }
            var detail = ProfileDetail(id: profile, traits: try JSONTextParser.parse(p[0] as String), computedTraits: try ComputedTraitLayout.traits(db, profile: profile),
                                       memberships: memberships, identities: identities, accounts: accounts, firstSeen: time(p[1]), lastSeen: time(p[2]), createdAt: time(p[3]))
            for r in try Row.fetchAll(db, sql: "SELECT type, name, COUNT(*) FROM events WHERE profile_id = ? GROUP BY type, name", arguments: [profile]) {
                detail.eventCounts.add(type: r[0], name: r[1], count: r[2])
            }
            for r in try Row.fetchAll(db, sql: "SELECT type, COUNT(*) FROM events WHERE profile_id = ? AND \(FutureDated.condition) GROUP BY type", arguments: [profile]) {
                detail.eventCounts.futureDatedByType[r[0]] = r[1]
            }
            let totals = try Row.fetchOne(db, sql: "SELECT COUNT(*), coalesce(SUM(amount), 0) FROM orders WHERE profile_id = ?", arguments: [profile])
            (detail.orderCount, detail.revenue) = (totals?[0] ?? 0, totals?[1] ?? 0)
            return detail
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
