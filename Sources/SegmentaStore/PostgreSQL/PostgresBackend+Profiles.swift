public import SegmentaCore
import PostgresNIO

/// Profiles and identities on PostgreSQL.
extension PostgresBackend {
    /// ``ProfileStore/importProfiles`` on PostgreSQL.
    public func importProfiles(_ rows: [ProfileFileReader.Row], at time: Timestamp) async throws(SegmentaError) -> ProfileImportResult {
        try await write { pg in
            var result = ProfileImportResult()
            for row in rows {
                if try await Self.ensureProfile(pg, id: row.id, seen: nil) { result.created += 1 } else { result.updated += 1 }
                try await Self.mergeTraits(pg, table: "profiles", id: row.id, traits: row.traits, at: time)
            }
            return result
        }
    }

    /// ``ProfileStore/sampleTraits`` on PostgreSQL.
    public func sampleTraits(limit: Int) async throws(SegmentaError) -> [JSONValue] {
        try await read { pg in
            try await pg.column("SELECT traits::text FROM profiles LIMIT \(max(0, limit))", as: String.self).map { try JSONTextParser.parse($0) }
        }
    }

    /// ``ProfileStore/profileIDs`` on PostgreSQL.
    public func profileIDs() async throws(SegmentaError) -> [String] {
        try await read { pg in try await pg.column("SELECT id FROM profiles", as: String.self) }
    }

    /// ``ProfileStore/profileID`` on PostgreSQL.
    public func profileID(forExternalID id: String) async throws(SegmentaError) -> String? {
        try await read { pg in try await pg.value("SELECT profile_id FROM identities WHERE external_id = \(id.normalizedID)", as: String.self) }
    }

    /// ``ProfileStore/traitValues`` on PostgreSQL.
    public func traitValues(_ path: String) async throws(SegmentaError) -> [String: String] {
        try await traitValues(path, members: nil)
    }

    /// Each profile's value of a trait, as text; with `segment`, its current members only.
    func traitValues(_ path: String, members segment: String?) async throws(SegmentaError) -> [String: String] {
        let keys = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        return try await read { pg in
            var out: [String: String] = [:]
            for row in try await pg.rows("""
                SELECT p.id, (p.traits #> \(keys))::text FROM profiles p
                WHERE jsonb_typeof(p.traits #> \(keys)) IS DISTINCT FROM 'null' AND p.traits #> \(keys) IS NOT NULL
                  AND (\(segment)::text IS NULL OR EXISTS (SELECT 1 FROM segment_membership m WHERE m.profile_id = p.id AND m.segment = \(segment) AND m.exited_snapshot IS NULL))
                """) {
                let (id, text) = try row.decode((String, String).self)
                let v = try JSONTextParser.parse(text)
                out[id] = v.stringValue ?? v.jsonText
            }
            return out
        }
    }

    /// ``ProfileStore/identityMap`` on PostgreSQL.
    public func identityMap() async throws(SegmentaError) -> [(id: String, profile: String)] {
        try await read { pg in
            var out: [(id: String, profile: String)] = []
            for row in try await pg.rows("SELECT external_id, profile_id FROM identities ORDER BY external_id COLLATE \"C\"") {
                let (id, profile) = try row.decode((String, String).self)
                out.append((id, profile))
            }
            return out
        }
    }

    /// ``ProfileStore/accountMemberships`` on PostgreSQL.
    public func accountMemberships() async throws(SegmentaError) -> [(account: String, profile: String)] {
        try await read { pg in
            var out: [(account: String, profile: String)] = []
            for row in try await pg.rows("SELECT account_id, profile_id FROM account_members ORDER BY account_id COLLATE \"C\", profile_id COLLATE \"C\"") {
                let (account, profile) = try row.decode((String, String).self)
                out.append((account, profile))
            }
            return out
        }
    }

    /// ``ProfileStore/signupTimes`` on PostgreSQL.
    public func signupTimes() async throws(SegmentaError) -> [String: Timestamp] {
        try await read { pg in
            var out: [String: Timestamp] = [:]
            for row in try await pg.rows("""
                SELECT id, COALESCE(CASE WHEN jsonb_typeof(traits -> 'signed_up_at') = 'string' THEN seg_ts(traits ->> 'signed_up_at') END, first_seen) FROM profiles
                """) {
                let (id, ms) = try row.decode((String, Int64?).self)
                if let ms { out[id] = Timestamp(milliseconds: ms) }
            }
            return out
        }
    }

    /// ``ProfileStore/overview`` on PostgreSQL.
    public func overview() async throws(SegmentaError) -> StoreOverview {
        try await read { pg in
            let row = try await pg.rows("""
                SELECT (SELECT count(*) FROM profiles), (SELECT count(*) FROM accounts), (SELECT count(*) FROM orders),
                       (SELECT COALESCE(max(id), 0) FROM events), (SELECT received_at FROM events ORDER BY id DESC LIMIT 1)
                """).first
            let (profiles, accounts, orders, events, last) = try row?.decode((Int, Int, Int, Int, Int64?).self) ?? (0, 0, 0, 0, nil)
            return StoreOverview(profiles: profiles, accounts: accounts, orders: orders, events: events, lastEventAt: last.map(Timestamp.init(milliseconds:)))
        }
    }

    /// ``ProfileStore/dataVersion`` on PostgreSQL: the server's write-ahead log insert position,
    /// which moves at every change committed to any database of the server (and at some that
    /// change nothing visible, which only costs a recount). Nil on a standby (in recovery, its
    /// changes arrive by replication and there is no insert position): counted at every view.
    public func dataVersion() async throws(SegmentaError) -> Int64? {
        try await read { pg in
            try await pg.rows("SELECT CASE WHEN pg_is_in_recovery() THEN NULL ELSE (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint END")
                .first?.decode(Int64?.self) ?? nil
        }
    }

    /// The profile known by `id`: through the identities, or a profile of that id.
    static func resolve(_ pg: PG, _ sent: String) async throws -> String? {
        let id = sent.normalizedID
        if let p = try await pg.value("SELECT profile_id FROM identities WHERE external_id = \(id)", as: String.self) { return p }
        return try await pg.exists("SELECT 1 FROM profiles WHERE id = \(id)") ? id : nil
    }

    /// Every computed trait of one profile.
    static func computedTraits(_ pg: PG, profile: String) async throws -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for text in try await pg.column("""
            SELECT traits::text FROM computed_values WHERE grp IN (SELECT DISTINCT grp FROM computed_trait_names) AND profile_id = \(profile) ORDER BY grp
            """, as: String.self) {
            out.merge(try JSONTextParser.parseObject(text)) { _, new in new }
        }
        return out
    }

    /// ``ProfileStore/profileFacts`` on PostgreSQL.
    public func profileFacts(_ id: String) async throws(SegmentaError) -> ProfileFacts? {
        try await read { pg in
            guard let profile = try await Self.resolve(pg, id),
                  let p = try await pg.rows("SELECT traits::text, first_seen FROM profiles WHERE id = \(profile)").first else { return nil }
            let (traits, firstSeen) = try p.decode((String, Int64?).self)
            var facts = ProfileFacts(id: profile, traits: try JSONTextParser.parseObject(traits), computed: try await Self.computedTraits(pg, profile: profile),
                                     firstSeen: firstSeen.map(Timestamp.init(milliseconds:)))
            for text in try await pg.column("SELECT a.traits::text FROM account_members m JOIN accounts a ON a.id = m.account_id WHERE m.profile_id = \(profile) ORDER BY a.id COLLATE \"C\"", as: String.self) {
                facts.accounts.append(try JSONTextParser.parseObject(text))
            }
            for r in try await pg.rows("SELECT name, timestamp, properties::text FROM events WHERE type = 'track' AND profile_id = \(profile) ORDER BY id") {
                let (name, time, properties) = try r.decode((String?, Int64, String).self)
                facts.events.append(ProfileFacts.Event(name: name ?? "", timestamp: Timestamp(milliseconds: time), properties: try JSONTextParser.parseObject(properties)))
            }
            for r in try await pg.rows("SELECT order_id, timestamp, amount, currency FROM orders WHERE profile_id = \(profile)") {
                let (order, time, amount, currency) = try r.decode((String, Int64, Double, String?).self)
                facts.orders.append(Order(id: order, customerID: profile, timestamp: Timestamp(milliseconds: time), amount: amount, currency: currency))
            }
            return facts
        }
    }

    /// ``ProfileStore/profileDetail`` on PostgreSQL.
    public func profileDetail(_ id: String) async throws(SegmentaError) -> ProfileDetail? {
        try await read { pg in
            guard let profile = try await Self.resolve(pg, id),
                  let p = try await pg.rows("SELECT traits::text, first_seen, last_seen, created_at FROM profiles WHERE id = \(profile)").first else { return nil }
            let (traits, firstSeen, lastSeen, createdAt) = try p.decode((String, Int64?, Int64?, Int64).self)
            let memberships = try await pg.rows("""
                SELECT m.segment, s.as_of FROM segment_membership m JOIN segment_snapshots s ON s.id = m.entered_snapshot
                WHERE m.profile_id = \(profile) AND m.exited_snapshot IS NULL ORDER BY m.segment
                """).map { r in
                let (segment, since) = try r.decode((String, Int64).self)
                return ProfileDetail.Membership(segment: segment, since: Timestamp(milliseconds: since))
            }
            let identities = try await pg.rows("SELECT external_id, kind FROM identities WHERE profile_id = \(profile) ORDER BY kind DESC, external_id").map { r in
                let (external, kind) = try r.decode((String, String).self)
                return ProfileDetail.Identity(id: external, kind: kind)
            }
            let accounts = try await pg.rows("SELECT a.id, a.traits::text FROM account_members m JOIN accounts a ON a.id = m.account_id WHERE m.profile_id = \(profile) ORDER BY a.id").map { r in
                let (account, t) = try r.decode((String, String).self)
                return ProfileDetail.Account(id: account, traits: try JSONTextParser.parse(t))
            }
            var detail = ProfileDetail(id: profile, traits: try JSONTextParser.parse(traits), computedTraits: try await Self.computedTraits(pg, profile: profile),
                                       memberships: memberships, identities: identities, accounts: accounts, firstSeen: firstSeen.map(Timestamp.init(milliseconds:)),
                                       lastSeen: lastSeen.map(Timestamp.init(milliseconds:)), createdAt: Timestamp(milliseconds: createdAt))
            for r in try await pg.rows("SELECT type, name, count(*) FROM events WHERE profile_id = \(profile) GROUP BY type, name") {
                let (type, name, n) = try r.decode((String, String?, Int).self)
                detail.eventCounts.add(type: type, name: name, count: n)
            }
            for r in try await pg.rows("SELECT type, count(*) FROM events WHERE profile_id = \(profile) AND \(unescaped: FutureDated.condition) GROUP BY type") {
                let (type, n) = try r.decode((String, Int).self)
                detail.eventCounts.futureDatedByType[type] = n
            }
            let totals = try await pg.rows("SELECT count(*), COALESCE(sum(amount), 0) FROM orders WHERE profile_id = \(profile)").first
            (detail.orderCount, detail.revenue) = try totals?.decode((Int, Double).self) ?? (0, 0)
            return detail
        }
    }

    /// ``ProfileStore/profileEvents`` on PostgreSQL.
    public func profileEvents(_ id: String, limit: Int, cursor: String?) async throws(SegmentaError) -> (events: [JSONValue], nextCursor: String?)? {
        let after = try EventCursor.parse(cursor)
        return try await read { pg in
            guard let profile = try await Self.resolve(pg, id) else { return nil }
            let rows = try await pg.rows("""
                SELECT id, type, name, timestamp, received_at, properties::text, context::text, message_id, source FROM events
                WHERE profile_id = \(profile) AND (\(after?.0)::bigint IS NULL OR timestamp < \(after?.0) OR (timestamp = \(after?.0) AND id < \(after?.1)))
                ORDER BY timestamp DESC, id DESC LIMIT \(limit + 1)
                """).map { try $0.decode((Int64, String, String?, Int64, Int64, String, String, String, String).self) }
            let page = try rows.prefix(limit).map { r -> JSONValue in
                .object(["type": .string(r.1), "name": r.2.map(JSONValue.string) ?? .null,
                         "timestamp": .string(Timestamp(milliseconds: r.3).iso8601), "received_at": .string(Timestamp(milliseconds: r.4).iso8601),
                         "properties": try JSONTextParser.parse(r.5), "context": try JSONTextParser.parse(r.6),
                         "message_id": .string(r.7), "source": .string(r.8)])
            }
            let next = rows.count > limit ? rows[limit - 1] : nil
            return (page, next.map { EventCursor.text(time: $0.3, id: $0.0) })
        }
    }

    /// ``ProfileStore/searchProfiles`` on PostgreSQL (the rule of ``SQLiteStore``'s).
    public func searchProfiles(_ query: String, traits: [String], limit: Int) async throws(SegmentaError) -> [ProfileMatch] {
        guard limit > 0, var search = ProfileSearch(query, traits: traits) else { return [] }
        let like = SQLiteStore.likePrefix(search.query)
        return try await read { pg in
            // ILIKE with the C collation: ASCII letters case aside, as SQLite's LIKE; `\` escapes %, _ and itself.
            for r in try await pg.rows("SELECT id, traits::text FROM profiles WHERE id ILIKE \(like) LIMIT \(limit * 4)") {
                let (id, t) = try r.decode((String, String).self)
                try search.add(id, traitsText: t, matched: "id", value: id)
            }
            for r in try await pg.rows("""
                SELECT p.id, p.traits::text, i.external_id FROM identities i JOIN profiles p ON p.id = i.profile_id
                WHERE i.external_id ILIKE \(like) LIMIT \(limit * 4)
                """) {
                let (id, t, external) = try r.decode((String, String, String).self)
                try search.add(id, traitsText: t, matched: "identity", value: external)
            }
            for name in traits {
                let keys = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                // Folded by ``SearchFold``'s table, case and accents aside, as SQLite's `seg_fold`.
                let value = "translate(traits #>> $1, $2, $3)"
                var b = PostgresBindings()
                b.append(keys)
                b.append(SearchFold.from)
                b.append(SearchFold.to)
                b.append(search.folded)
                b.append(limit * 4)
                for r in try await pg.rows(PostgresQuery(unsafeSQL: """
                    SELECT id, traits::text, traits #>> $1 FROM profiles
                    WHERE jsonb_typeof(traits #> $1) = 'string' AND strpos(\(value), $4) > 0
                    ORDER BY \(value) = $4 DESC, left(\(value), length($4)) = $4 DESC LIMIT $5
                    """, binds: b)) {
                    let (id, t, value) = try r.decode((String, String, String).self)
                    try search.add(id, traitsText: t, matched: name, value: value)
                }
            }
            return search.results(limit: limit)
        }
    }

    /// ``ProfileStore/profileIDs(withContact:limit:)`` on PostgreSQL: the contact index (``ContactIndex``).
    public func profileIDs(withContact key: ContactKey, limit: Int) async throws(SegmentaError) -> [String] {
        var b = PostgresBindings()
        b.append(key.value)
        b.append(limit)
        let query = PostgresQuery(unsafeSQL: ContactIndex.select(key, .postgres), binds: b)
        return try await read { pg in try await pg.column(query, as: String.self) }
    }
}
