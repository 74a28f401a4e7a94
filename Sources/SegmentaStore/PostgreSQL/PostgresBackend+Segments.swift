public import SegmentaCore
import PostgresNIO

/// Segments on PostgreSQL: definitions with versions, refreshes into snapshots with membership
/// history, compiled by ``ConditionSQL`` in the PostgreSQL dialect.
extension PostgresBackend {
    /// ``SegmentStore/createSegment`` on PostgreSQL.
    public func createSegment(_ document: JSONValue, allowUnknownComputed: Bool) async throws(SegmentaError) -> SegmentInfo {
        let definition = try ConditionSQL.definition(document)
        let now = clock.now.milliseconds
        try await write { pg in
            try SegmentRules.checkCreate(definition, exists: try await pg.exists("SELECT 1 FROM segments WHERE name = \(definition.name)"))
            try await Self.checkCondition(pg, definition, allowUnknownComputed: allowUnknownComputed)
            try await pg.execute("INSERT INTO segments (name, kind, version, created_at, updated_at) VALUES (\(definition.name), 'dynamic', 1, \(now), \(now))")
            try await pg.execute("INSERT INTO segment_versions (segment, version, definition, created_at) VALUES (\(definition.name), 1, \(document.jsonText), \(now))")
        }
        return try await stored(definition.name)
    }

    /// ``SegmentStore/updateSegment`` on PostgreSQL.
    public func updateSegment(_ document: JSONValue, allowUnknownComputed: Bool) async throws(SegmentaError) -> SegmentInfo {
        let definition = try ConditionSQL.definition(document)
        let now = clock.now.milliseconds
        try await write { pg in
            let row = try await pg.rows("SELECT kind, version FROM segments WHERE name = \(definition.name) FOR UPDATE").first
            let (kind, current) = try row?.decode((String, Int).self) ?? ("", 0)
            try SegmentRules.checkUpdate(definition, kind: row == nil ? nil : kind)
            try await Self.checkCondition(pg, definition, allowUnknownComputed: allowUnknownComputed)
            let version = current + 1
            try await pg.execute("UPDATE segments SET version = \(version), updated_at = \(now) WHERE name = \(definition.name)")
            try await pg.execute("INSERT INTO segment_versions (segment, version, definition, created_at) VALUES (\(definition.name), \(version), \(document.jsonText), \(now))")
        }
        return try await stored(definition.name)
    }

    /// ``SegmentStore/deleteSegment`` on PostgreSQL.
    public func deleteSegment(_ name: String) async throws(SegmentaError) {
        try await write { pg in
            try SegmentRules.checkDelete(name, exists: try await pg.exists("SELECT 1 FROM segments WHERE name = \(name)"), definitions: try await Self.definitions(pg))
            try await pg.execute("DELETE FROM segment_membership WHERE segment = \(name)")
            try await pg.execute("DELETE FROM segments WHERE name = \(name)")
        }
    }

    /// ``SegmentStore/segments`` on PostgreSQL.
    public func segments() async throws(SegmentaError) -> [SegmentInfo] { try await read { pg in try await Self.infos(pg, name: nil) } }

    /// ``SegmentStore/segment`` on PostgreSQL.
    public func segment(named name: String) async throws(SegmentaError) -> SegmentInfo? { try await read { pg in try await Self.infos(pg, name: name).first } }

    func stored(_ name: String) async throws(SegmentaError) -> SegmentInfo {
        guard let info = try await segment(named: name) else { throw SegmentaError(.storage, "segment \"\(name)\" was not stored") }
        return info
    }

    /// ``SegmentStore/history`` on PostgreSQL.
    public func history(of name: String) async throws(SegmentaError) -> [SegmentSnapshot] {
        try await read { pg in
            try await pg.rows("SELECT id, version, as_of, size, entered, exited, merged, erased FROM segment_snapshots WHERE segment = \(name) ORDER BY id").map { r in
                let (id, version, asOf, size, entered, exited, merged, erased) = try r.decode((Int64, Int, Int64, Int, Int, Int, Int, Int).self)
                return SegmentSnapshot(id: id, version: version, asOf: Timestamp(milliseconds: asOf), size: size, entered: entered, exited: exited,
                                       merged: merged, erased: erased)
            }
        }
    }

    /// ``SegmentStore/members`` on PostgreSQL.
    public func members(of name: String, snapshot: Int64?) async throws(SegmentaError) -> [String] {
        try await read { pg in
            guard try await pg.exists("SELECT 1 FROM segments WHERE name = \(name)") else { throw SegmentaError(.notFound, "no segment named \"\(name)\"") }
            let ids: [String]
            if let snapshot {
                ids = try await pg.column("""
                    SELECT profile_id FROM segment_membership WHERE segment = \(name) AND entered_snapshot <= \(snapshot)
                    AND (exited_snapshot IS NULL OR exited_snapshot > \(snapshot))
                    """, as: String.self)
            } else {
                ids = try await pg.column("SELECT profile_id FROM segment_membership WHERE segment = \(name) AND exited_snapshot IS NULL", as: String.self)
            }
            return CustomerOrder.sorted(ids)
        }
    }

    /// ``SegmentStore/matchingProfiles`` on PostgreSQL.
    public func matchingProfiles(_ condition: Condition, asOf: Timestamp, eventLeaves: EventLeaves?) async throws(SegmentaError) -> [String] {
        try await read { pg in
            let (sql, arguments) = try ConditionSQL.membersQuery(condition, dialect: .postgres, at: asOf, resolve: ConditionSQL.resolver(try await Self.definitions(pg)),
                                                                 eventLeaves: eventLeaves)
            return CustomerOrder.sorted(try await pg.column(PG.query(sql, arguments), as: String.self))
        }
    }

    /// ``SegmentStore/previewSize`` on PostgreSQL.
    public func previewSize(_ condition: Condition, asOf: Timestamp) async throws(SegmentaError) -> Int {
        try await read { pg in
            let (sql, arguments) = try ConditionSQL.membersQuery(condition, dialect: .postgres, at: asOf, resolve: ConditionSQL.resolver(try await Self.definitions(pg)))
            return try await pg.value(PG.query("SELECT count(*) FROM (\(sql)) AS m", arguments), as: Int.self) ?? 0
        }
    }

    /// Computes membership as of a time, stores a snapshot with who entered and exited and queues
    /// its webhook deliveries in one transaction; a time before the latest snapshot is a backtest
    /// stored nowhere. A failed refresh records `last_error` on the segment.
    public func refresh(_ name: String, asOf: Timestamp, webhookPageSize: Int, eventLeaves: EventLeaves?) async throws(SegmentaError) -> RefreshResult {
        let clock = ContinuousClock.now
        do throws(SegmentaError) {
            var result = try await write { pg -> RefreshResult in
                // The segment row is locked: two instances refreshing it take turns.
                guard let row = try await pg.rows("SELECT kind, version FROM segments WHERE name = \(name) FOR UPDATE").first else {
                    throw SegmentRules.unknownSegment(name)
                }
                let (kind, version) = try row.decode((String, Int).self)
                let latest = try await pg.value("SELECT max(as_of) FROM segment_snapshots WHERE segment = \(name)", as: Int64.self)
                var evaluated: Set<String>?
                if kind != "static" {
                    let definitions = try await Self.definitions(pg)
                    guard let condition = definitions[name]?.condition else { throw SegmentaError(.storage, "segment \"\(name)\" has no stored condition") }
                    let (sql, arguments) = try ConditionSQL.membersQuery(condition, dialect: .postgres, at: asOf, resolve: ConditionSQL.resolver(definitions),
                                                                         eventLeaves: eventLeaves)
                    evaluated = Set(try await pg.column(PG.query(sql, arguments), as: String.self))
                }
                if let latest, latest > asOf.milliseconds {
                    return try await Self.backtest(pg, name: name, version: version, members: evaluated, asOf: asOf)
                }
                // Current members, whether each was withheld from the webhooks, and who denies consent now.
                var withheld: [String: Bool] = [:]
                var denied = Set<String>()
                for r in try await pg.rows("""
                    SELECT m.profile_id, m.withheld, \(unescaped: ConsentRule.deniedMarketing("p", .postgres)) FROM segment_membership m JOIN profiles p ON p.id = m.profile_id
                    WHERE m.segment = \(name) AND m.exited_snapshot IS NULL
                    """) {
                    let (id, wasWithheld, deniedNow) = try r.decode((String, Bool, Bool).self)
                    withheld[id] = wasWithheld
                    if deniedNow { denied.insert(id) }
                }
                let current = Set(withheld.keys)
                let members = evaluated ?? current
                let entered = CustomerOrder.sorted(Array(members.subtracting(current)))
                let exited = CustomerOrder.sorted(Array(current.subtracting(members)))
                denied.formUnion(try await Self.consentDenied(pg, among: entered))
                let told = DownstreamChange(current: withheld, members: members, denied: denied)
                // Members who left without a refresh (merged, erased) since the last snapshot; the
                // segment row's lock keeps a merge from adding one meanwhile.
                var departed: [String: Int] = [:]
                for r in try await pg.rows("DELETE FROM segment_departures WHERE segment = \(name) RETURNING reason, n") {
                    let (reason, n) = try r.decode((String, Int).self)
                    departed[reason] = n
                }
                let merged = departed["merged"] ?? 0, erased = departed["erased"] ?? 0
                let now = self.clock.now.milliseconds
                guard let snapshot = try await pg.value("""
                    INSERT INTO segment_snapshots (segment, version, as_of, size, entered, exited, merged, erased, created_at)
                    VALUES (\(name), \(version), \(asOf.milliseconds), \(members.count), \(entered.count), \(exited.count), \(merged), \(erased), \(now)) RETURNING id
                    """, as: Int64.self) else { throw SegmentaError(.storage, "the snapshot of \"\(name)\" was not stored") }
                let withheldEntries = entered.filter(told.enteredWithheld.contains)
                for start in stride(from: 0, to: entered.count, by: Self.chunk) {
                    let part = Array(entered[start..<min(start + Self.chunk, entered.count)])
                    try await pg.execute("""
                        INSERT INTO segment_membership (segment, profile_id, entered_snapshot, withheld)
                        SELECT \(name), u.id, \(snapshot), u.id = ANY(\(withheldEntries)::text[]) FROM unnest(\(part)::text[]) AS u(id)
                        """)
                }
                for start in stride(from: 0, to: exited.count, by: Self.chunk) {
                    let part = Array(exited[start..<min(start + Self.chunk, exited.count)])
                    try await pg.execute("""
                        UPDATE segment_membership SET exited_snapshot = \(snapshot) WHERE segment = \(name) AND exited_snapshot IS NULL AND profile_id = ANY(\(part)::text[])
                        """)
                }
                for (ids, flag) in [(told.nowWithheld, true), (told.nowShared, false)] where !ids.isEmpty {
                    try await pg.execute("""
                        UPDATE segment_membership SET withheld = \(flag) WHERE segment = \(name) AND exited_snapshot IS NULL AND profile_id = ANY(\(ids)::text[])
                        """)
                }
                try await pg.execute("UPDATE segments SET last_refresh_at = \(now), last_error = NULL WHERE name = \(name)")
                let done = RefreshResult(segment: name, snapshot: SegmentSnapshot(id: snapshot, version: version, asOf: asOf, size: members.count,
                                                                                  entered: entered.count, exited: exited.count, merged: merged, erased: erased),
                                         entered: entered, exited: exited, seconds: 0)
                try await Self.queueDeliveries(pg, done, told: told, pageSize: webhookPageSize, now: self.clock.now)
                return done
            }
            result.seconds = (ContinuousClock.now - clock).inSeconds
            return result
        } catch {
            _ = try? await write { pg in try await pg.execute("UPDATE segments SET last_error = \(error.message) WHERE name = \(name)") }
            throw error
        }
    }

    /// A backtest: the evaluation compared with the snapshot at or before `asOf`, stored nowhere.
    static func backtest(_ pg: PG, name: String, version: Int, members evaluated: Set<String>?, asOf: Timestamp) async throws -> RefreshResult {
        let earlier = try await pg.value("""
            SELECT id FROM segment_snapshots WHERE segment = \(name) AND as_of <= \(asOf.milliseconds) ORDER BY as_of DESC, id DESC LIMIT 1
            """, as: Int64.self)
        var base: Set<String> = []
        if let earlier {
            base = Set(try await pg.column("""
                SELECT profile_id FROM segment_membership WHERE segment = \(name) AND entered_snapshot <= \(earlier) AND (exited_snapshot IS NULL OR exited_snapshot > \(earlier))
                """, as: String.self))
        }
        let members = evaluated ?? base
        let entered = CustomerOrder.sorted(Array(members.subtracting(base))), exited = CustomerOrder.sorted(Array(base.subtracting(members)))
        return RefreshResult(segment: name, snapshot: SegmentSnapshot(id: earlier ?? 0, version: version, asOf: asOf, size: members.count,
                                                                      entered: entered.count, exited: exited.count),
                             entered: entered, exited: exited, seconds: 0, backtest: true)
    }

    /// ``SegmentStore/exportableMembers`` on PostgreSQL.
    public func exportableMembers(of segment: String, after: String?, limit: Int, traits: [String], includeNoConsent: Bool) async throws(SegmentaError) -> [(id: String, values: [JSONValue])] {
        try await read { pg in
            guard try await pg.exists("SELECT 1 FROM segments WHERE name = \(segment)") else { throw SegmentaError(.notFound, "no segment named \"\(segment)\"") }
            let rows = try await pg.rows("""
                SELECT m.profile_id, p.traits::text FROM segment_membership m JOIN profiles p ON p.id = m.profile_id
                WHERE m.segment = \(segment) AND m.exited_snapshot IS NULL AND (\(after)::text IS NULL OR m.profile_id > \(after))
                  AND (\(includeNoConsent) OR NOT \(unescaped: ConsentRule.deniedMarketing("p", .postgres)))
                ORDER BY m.profile_id LIMIT \(limit)
                """).map { try $0.decode((String, String).self) }
            var out: [(id: String, values: [JSONValue])] = []
            for (id, traitsText) in rows {
                guard !traits.isEmpty else { out.append((id, [])); continue }
                let t = try JSONTextParser.parse(traitsText)
                var values: [JSONValue] = []
                for name in traits {
                    if let v = t.value(atPath: name) { values.append(v); continue }
                    if let text = try await pg.value("""
                        SELECT (traits -> \(name))::text FROM computed_values WHERE grp = \(ComputedTraitLayout.group(of: name)) AND profile_id = \(id)
                        """, as: String.self) {
                        values.append(try JSONTextParser.parse(text))
                    } else {
                        values.append(.null)
                    }
                }
                out.append((id, values))
            }
            return out
        }
    }

    /// ``SegmentStore/memberPage`` on PostgreSQL.
    public func memberPage(of segment: String, prefix: String, matching traits: [String], offset: Int, limit: Int) async throws(SegmentaError) -> (total: Int, rows: [(id: String, traits: JSONValue, computed: [String: JSONValue])]) {
        try await read { pg in
            var arguments: [SQLArgument] = [.text(SQLiteStore.likePrefix(prefix)), .text(segment),
                                            .text(SearchFold.from), .text(SearchFold.to), .text(SearchFold.fold(prefix.normalizedID))]
            var test = "m.profile_id ILIKE $1"
            for t in traits {
                arguments.append(SQLDialect.postgres.path(dotted: t))
                let n = arguments.count
                test += " OR (jsonb_typeof(p.traits #> $\(n)) = 'string' AND strpos(translate(p.traits #>> $\(n), $3, $4), $5) > 0)"
            }
            let total: Int
            if prefix.isEmpty {
                total = try await pg.value("SELECT size FROM segment_snapshots WHERE segment = \(segment) ORDER BY id DESC LIMIT 1", as: Int.self) ?? 0
            } else {
                total = try await pg.value(PG.query("""
                    SELECT count(*) FROM segment_membership m JOIN profiles p ON p.id = m.profile_id WHERE m.segment = $2 AND m.exited_snapshot IS NULL AND (\(test))
                    """, arguments), as: Int.self) ?? 0
            }
            let page = arguments + [.integer(Int64(limit)), .integer(Int64(offset))]
            let rows = try await pg.rows(PG.query("""
                SELECT m.profile_id, p.traits::text FROM segment_membership m JOIN profiles p ON p.id = m.profile_id
                WHERE m.segment = $2 AND m.exited_snapshot IS NULL AND (\(test)) ORDER BY m.profile_id LIMIT $\(page.count - 1) OFFSET $\(page.count)
                """, page)).map { try $0.decode((String, String).self) }
            var out: [(id: String, traits: JSONValue, computed: [String: JSONValue])] = []
            for (id, t) in rows { out.append((id, try JSONTextParser.parse(t), try await Self.computedTraits(pg, profile: id))) }
            return (total, out)
        }
    }

    /// ``SegmentStore/memberMix`` on PostgreSQL.
    public func memberMix(of segment: String, computed name: String) async throws(SegmentaError) -> [(value: String, count: Int)] {
        try await read { pg in
            try await pg.rows("""
                SELECT COALESCE(c.traits ->> \(name), '(none)') AS v, count(*) FROM segment_membership m
                LEFT JOIN computed_values c ON c.grp = \(ComputedTraitLayout.group(of: name)) AND c.profile_id = m.profile_id
                WHERE m.segment = \(segment) AND m.exited_snapshot IS NULL GROUP BY v ORDER BY 2 DESC, 1
                """).map { try $0.decode((String, Int).self) }.map { (value: $0.0, count: $0.1) }
        }
    }

    // MARK: - helpers

    /// Every segment's current definition (a static segment has no condition).
    static func definitions(_ pg: PG) async throws -> [String: SegmentDefinition] {
        var out: [String: SegmentDefinition] = [:]
        for row in try await pg.rows("SELECT s.name, s.kind, v.definition FROM segments s JOIN segment_versions v ON v.segment = s.name AND v.version = s.version") {
            let (name, _, text) = try row.decode((String, String, String).self)
            out[name] = try SegmentRules.stored(JSONTextParser.parse(text), name: name)
        }
        return out
    }

    /// ``SegmentRules/checkCondition(_:definitions:knownComputed:)`` with this store's facts.
    static func checkCondition(_ pg: PG, _ definition: SegmentDefinition, allowUnknownComputed: Bool) async throws {
        let known = SegmentRules.needsComputedTraitNames(definition, allowUnknown: allowUnknownComputed)
            ? try await pg.column("SELECT name FROM computed_trait_names", as: String.self) : nil
        try SegmentRules.checkCondition(definition, definitions: try await definitions(pg), knownComputed: known)
    }

    static func infos(_ pg: PG, name: String?) async throws -> [SegmentInfo] {
        try await pg.rows("""
            SELECT s.name, s.kind, s.version, v.definition, s.created_at, s.updated_at, s.last_refresh_at, s.last_error,
                   (SELECT size FROM segment_snapshots x WHERE x.segment = s.name ORDER BY id DESC LIMIT 1)
            FROM segments s JOIN segment_versions v ON v.segment = s.name AND v.version = s.version
            WHERE (\(name)::text IS NULL OR s.name = \(name)) ORDER BY s.name
            """).map { r in
            let (name, kind, version, definition, created, updated, refreshed, error, size) = try r.decode((String, String, Int, String, Int64, Int64, Int64?, String?, Int?).self)
            return try SegmentInfo(name: name, kind: SegmentInfo.Kind(rawValue: kind) ?? .dynamic, version: version, document: JSONTextParser.parse(definition),
                               createdAt: Timestamp(milliseconds: created), updatedAt: Timestamp(milliseconds: updated),
                               lastRefreshAt: refreshed.map(Timestamp.init(milliseconds:)), lastError: error, size: size)
        }
    }
}

extension PostgresBackend {
    /// Creates a static segment from a list of profile ids (unknown ids are refused, the first named).
    public func importStatic(_ name: String, ids: [String], description: String) async throws(SegmentaError) -> RefreshResult {
        try SegmentRules.checkStaticName(name)
        let unique = CustomerOrder.sorted(Array(Set(ids)))
        let now = clock.now
        let snapshot = try await write { pg -> Int64 in
            let taken = try await pg.exists("SELECT 1 FROM segments WHERE name = \(name)")
            let known = taken ? [] : Set(try await pg.column("SELECT id FROM profiles WHERE id = ANY(\(unique)::text[])", as: String.self))
            try SegmentRules.checkStatic(name, exists: taken, unknown: taken ? [] : unique.filter { !known.contains($0) })
            let document: JSONValue = .object(["name": .string(name), "description": .string(description), "static": .bool(true)])
            let ms = now.milliseconds
            try await pg.execute("INSERT INTO segments (name, kind, version, created_at, updated_at) VALUES (\(name), 'static', 1, \(ms), \(ms))")
            try await pg.execute("INSERT INTO segment_versions (segment, version, definition, created_at) VALUES (\(name), 1, \(document.jsonText), \(ms))")
            guard let snapshot = try await pg.value("""
                INSERT INTO segment_snapshots (segment, version, as_of, size, entered, exited, created_at)
                VALUES (\(name), 1, \(ms), \(unique.count), \(unique.count), 0, \(ms)) RETURNING id
                """, as: Int64.self) else { throw SegmentaError(.storage, "the snapshot of \"\(name)\" was not stored") }
            // Members who deny consent are withheld from the webhooks from the start.
            try await pg.execute("""
                INSERT INTO segment_membership (segment, profile_id, entered_snapshot, withheld)
                SELECT \(name), p.id, \(snapshot), \(unescaped: ConsentRule.deniedMarketing("p", .postgres)) FROM profiles p WHERE p.id = ANY(\(unique)::text[])
                """)
            return snapshot
        }
        return RefreshResult(segment: name, snapshot: SegmentSnapshot(id: snapshot, version: 1, asOf: now, size: unique.count, entered: unique.count, exited: 0),
                             entered: unique, exited: [], seconds: 0)
    }
}
