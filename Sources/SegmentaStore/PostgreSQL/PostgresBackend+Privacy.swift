public import SegmentaCore
import PostgresNIO

/// Privacy requests on PostgreSQL: the rules of ``SQLiteStore``'s `deletePeople` (no row left,
/// ids kept only as hashes, webhook bodies, summaries and run values scrubbed).
extension PostgresBackend {
    /// ``PrivacyStore/deletePeople`` on PostgreSQL.
    public func deletePeople(_ ids: [String], suppress: Bool, requestID: String) async throws(SegmentaError) -> PrivacyRequest {
        var erasure = try Erasure(ids: ids, suppress: suppress, requestID: requestID, at: clock.now)
        return try await write { pg in
            var profiles = Set<String>()
            for id in erasure.ids { if let p = try await Self.resolve(pg, id) { profiles.insert(p) } }
            for id in erasure.ids where try await pg.exists("SELECT 1 FROM profiles WHERE id = \(id)") { profiles.insert(id) }
            for p in profiles.sorted() {
                erasure.found(profile: p, knownBy: try await pg.column("SELECT external_id FROM identities WHERE profile_id = \(p)", as: String.self))
                erasure.counts["computed_traits", default: 0] += try await Self.computedTraits(pg, profile: p).count
                try await pg.execute("DELETE FROM computed_values WHERE profile_id = \(p) AND grp IN (SELECT DISTINCT grp FROM computed_trait_names)")
                erasure.counts["events", default: 0] += try await pg.value("SELECT count(*) FROM events WHERE profile_id = \(p)", as: Int.self) ?? 0
                erasure.counts["orders", default: 0] += try await pg.value("SELECT count(*) FROM orders WHERE profile_id = \(p)", as: Int.self) ?? 0
                erasure.counts["memberships", default: 0] += try await pg.value("SELECT count(*) FROM segment_membership WHERE profile_id = \(p)", as: Int.self) ?? 0
                erasure.departed += try await Self.countDepartures(pg, profile: p, reason: .erased)
                if try await pg.exists("DELETE FROM profiles WHERE id = \(p) RETURNING 1") { erasure.counts["profiles", default: 0] += 1 }   // cascades
            }
            erasure.counts["webhook_bodies"] = try await Self.scrub(pg, table: "webhook_deliveries", column: "body", ids: erasure.allIDs)
            erasure.counts["analysis_summaries"] = try await Self.scrub(pg, table: "analysis_runs", column: "summary", ids: erasure.allIDs)
            erasure.counts["analysis_values"] = try await Self.scrub(pg, table: "analysis_run_values", column: "profile_values", key: "run_id", ids: erasure.allIDs)
            // After the scrub: the receivers that were told about them are told they left.
            try await Self.queueDepartures(pg, erasure.departed, reason: .erased, now: erasure.at)
            for hash in erasure.deletedHashes {
                try await pg.execute("""
                    INSERT INTO deleted_ids (id_hash, request_id, suppress, deleted_at) VALUES (\(hash), \(requestID), \(suppress), \(erasure.at.milliseconds))
                    ON CONFLICT (id_hash) DO UPDATE SET suppress = deleted_ids.suppress OR excluded.suppress, deleted_at = excluded.deleted_at, request_id = excluded.request_id
                    """)
            }
            let request = erasure.request
            try await pg.execute("""
                INSERT INTO privacy_requests (id, kind, subject_ids, suppress, status, result, created_at, completed_at)
                VALUES (\(requestID), 'delete', \(JSONValue.array(request.subjectHashes.map(JSONValue.string)).jsonText), \(suppress), 'completed', \(request.result.jsonText), \(erasure.at.milliseconds), \(erasure.at.milliseconds))
                """)
            return request
        }
    }

    /// Removes deleted people from stored JSON texts (``PrivacyScrub``); `table`, `column` and `key`
    /// come from this file only. Returns the rows changed.
    private static func scrub(_ pg: PG, table: String, column: String, key: String = "id", ids: Set<String>) async throws -> Int {
        var changed = 0
        for row in try await pg.rows(PostgresQuery(unsafeSQL: "SELECT \(key), \(column) FROM \(table)")) {
            let (id, text) = try row.decode((Int64, String).self)
            guard let stored = try? JSONTextParser.parse(text) else { continue }
            let cleaned = PrivacyScrub.scrub(stored, ids: ids)
            guard cleaned != stored else { continue }
            var b = PostgresBindings()
            b.append(cleaned.jsonText)
            b.append(id)
            try await pg.execute(PostgresQuery(unsafeSQL: "UPDATE \(table) SET \(column) = $1 WHERE \(key) = $2", binds: b))
            changed += 1
        }
        return changed
    }

    /// ``PrivacyStore/suppressed`` on PostgreSQL.
    public func suppressed(among ids: Set<String>) async throws(SegmentaError) -> Set<String> {
        guard !ids.isEmpty else { return [] }
        let byHash = Dictionary(ids.map { (IDHash.of(id: $0), $0) }, uniquingKeysWith: { a, _ in a })
        let hashes = Array(byHash.keys)
        return try await read { pg in
            Set(try await pg.column("SELECT id_hash FROM deleted_ids WHERE suppress AND id_hash = ANY(\(hashes)::text[])", as: String.self).compactMap { byHash[$0] })
        }
    }

    /// ``PrivacyStore/exportPerson`` on PostgreSQL.
    public func exportPerson(_ id: String) async throws(SegmentaError) -> JSONValue? {
        try await read { pg in
            guard let profile = try await Self.resolve(pg, id),
                  let p = try await pg.rows("SELECT traits::text, first_seen, last_seen, created_at FROM profiles WHERE id = \(profile)").first else { return nil }
            let (traits, firstSeen, lastSeen, createdAt) = try p.decode((String, Int64?, Int64?, Int64).self)
            func time(_ v: Int64?) -> JSONValue { v.map { .string(Timestamp(milliseconds: $0).iso8601) } ?? .null }
            func json(_ text: String) throws -> JSONValue { try JSONTextParser.parse(text) }
            let computed = try await Self.computedTraits(pg, profile: profile)
            let identities = try await pg.rows("SELECT external_id, kind FROM identities WHERE profile_id = \(profile) ORDER BY external_id").map { r in
                let (e, k) = try r.decode((String, String).self)
                return JSONValue.object(["id": .string(e), "kind": .string(k)])
            }
            let accounts = try await pg.rows("SELECT a.id, a.traits::text FROM account_members m JOIN accounts a ON a.id = m.account_id WHERE m.profile_id = \(profile) ORDER BY a.id").map { r in
                let (a, t) = try r.decode((String, String).self)
                return JSONValue.object(["id": .string(a), "traits": try json(t)])
            }
            let events = try await pg.rows("""
                SELECT source, message_id, type, name, timestamp, original_timestamp, sent_at, received_at, properties::text, context::text
                FROM events WHERE profile_id = \(profile) ORDER BY timestamp, id
                """).map { r -> JSONValue in
                let c = try r.decode((String, String, String, String?, Int64, Int64?, Int64?, Int64, String, String).self)
                return .object(["source": .string(c.0), "messageId": .string(c.1), "type": .string(c.2), "name": c.3.map(JSONValue.string) ?? .null,
                                "timestamp": time(c.4), "originalTimestamp": time(c.5), "sentAt": time(c.6), "receivedAt": time(c.7),
                                "properties": try json(c.8), "context": try json(c.9)])
            }
            let orders = try await pg.rows("SELECT order_id, timestamp, amount, currency, source FROM orders WHERE profile_id = \(profile) ORDER BY timestamp, order_id").map { r -> JSONValue in
                let c = try r.decode((String, Int64, Double, String?, String).self)
                return .object(["order_id": .string(c.0), "timestamp": time(c.1), "amount": .number(c.2), "currency": c.3.map(JSONValue.string) ?? .null, "source": .string(c.4)])
            }
            let stays = try await pg.rows("""
                SELECT m.segment, s.as_of, x.as_of FROM segment_membership m JOIN segment_snapshots s ON s.id = m.entered_snapshot
                LEFT JOIN segment_snapshots x ON x.id = m.exited_snapshot WHERE m.profile_id = \(profile) ORDER BY m.segment, s.as_of
                """).map { r -> JSONValue in
                let (segment, entered, exited) = try r.decode((String, Int64, Int64?).self)
                return .object(["segment": .string(segment), "entered": time(entered), "exited": time(exited)])
            }
            let exposures = try await pg.rows("SELECT experiment, variant, first_exposed_at FROM experiment_exposures WHERE profile_id = \(profile)").map { r -> JSONValue in
                let (e, v, t) = try r.decode((String, String, Int64).self)
                return .object(["experiment": .string(e), "variant": .string(v), "first_exposed_at": time(t)])
            }
            return .object([
                "profile_id": .string(profile), "traits": try json(traits), "computed_traits": .object(computed),
                "first_seen": time(firstSeen), "last_seen": time(lastSeen), "created_at": time(createdAt),
                "identities": .array(identities), "accounts": .array(accounts), "events": .array(events), "orders": .array(orders),
                "segments": .array(stays), "experiments": .array(exposures),
            ])
        }
    }
}
