public import SegmentaCore
import GRDB

extension SQLiteStore {
    /// Deletes every trace of the people behind `ids` — profiles, identities, events, orders,
    /// computed traits, memberships, analysis values, exposures, their ids in webhook bodies and in
    /// stored analysis summaries (CLV top lists, samples, persona samples) — in one transaction,
    /// and records the request. Every id the people were known by is then kept only as a SHA-256
    /// hash with the time of deletion: messages that arrived before it and are still queued are
    /// dropped when they reach the store, so they cannot bring the person back. With `suppress`,
    /// their ids are also refused at ingestion from then on. Snapshot sizes and counts stay: they
    /// are facts about the past, not about the person.
    /// - Parameters:
    ///   - ids: user ids or anonymous ids (any id a profile is known by).
    ///   - requestID: the id to record the request under.
    public func deletePeople(_ ids: [String], suppress: Bool, requestID: String) throws(SegmentaError) -> PrivacyRequest {
        var erasure = try Erasure(ids: ids, suppress: suppress, requestID: requestID, at: clock.now)
        return try write { db in
            var profiles = Set<String>()
            for id in erasure.ids {
                if let p = try String.fetchOne(db, sql: "SELECT profile_id FROM identities WHERE external_id = ?", arguments: [id]) { profiles.insert(p) }
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM profiles WHERE id = ?", arguments: [id]) == true { profiles.insert(id) }
            }
            for p in profiles.sorted() {
                erasure.found(profile: p, knownBy: try String.fetchAll(db, sql: "SELECT external_id FROM identities WHERE profile_id = ?", arguments: [p]))
                erasure.counts["computed_traits", default: 0] += try ComputedTraitLayout.traits(db, profile: p).count   // for the request's report
                try ComputedTraitLayout.delete(db, profile: p)
                for (table, key) in [("events", "events"), ("orders", "orders"), ("segment_membership", "memberships")] {
                    erasure.counts[key, default: 0] += try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE profile_id = ?", arguments: [p]) ?? 0
                }
                erasure.departed += try Self.countDepartures(db, profile: p, reason: .erased)
                try db.execute(sql: "DELETE FROM profiles WHERE id = ?", arguments: [p])   // cascades to everything keyed by profile
                erasure.counts["profiles", default: 0] += db.changesCount
            }
            erasure.counts["webhook_bodies"] = try Self.scrub(db, table: "webhook_deliveries", column: "body", ids: erasure.allIDs)
            erasure.counts["analysis_summaries"] = try Self.scrub(db, table: "analysis_runs", column: "summary", ids: erasure.allIDs)
            erasure.counts["analysis_values"] = try Self.scrubRunValues(db, ids: erasure.allIDs)
            // After the scrub: the receivers that were told about them are told they left, with
            // their profile id alone (removed from the delivery once it has ended).
            try Self.queueDepartures(db, erasure.departed, reason: .erased, now: erasure.at)
            for hash in erasure.deletedHashes {
                try db.execute(sql: """
                    INSERT INTO deleted_ids (id_hash, request_id, suppress, deleted_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(id_hash) DO UPDATE SET suppress = max(suppress, excluded.suppress), deleted_at = excluded.deleted_at, request_id = excluded.request_id
                    """, arguments: [hash, requestID, suppress, erasure.at.milliseconds])
            }
            let request = erasure.request
            try db.execute(sql: """
                INSERT INTO privacy_requests (id, kind, subject_ids, suppress, status, result, created_at, completed_at)
                VALUES (?, 'delete', ?, ?, 'completed', ?, ?, ?)
                """, arguments: [requestID, JSONValue.array(request.subjectHashes.map(JSONValue.string)).jsonText, suppress, request.result.jsonText,
                                 erasure.at.milliseconds, erasure.at.milliseconds])
            return request
        }
    }

    /// Removes deleted people from the stored JSON of `table.column` (webhook bodies, analysis
    /// summaries): any list item that is one of their ids, an object naming one (`{"id": …}`), a row
    /// starting with one (`[id, …]`), and any key that is one of their ids. Counts and aggregates are
    /// left as they were. Returns the rows changed.
    private static func scrub(_ db: Database, table: String, column: String, ids: Set<String>) throws -> Int {
        var changed = 0
        // `table` and `column` come from this file only (a closed list), never from input.
        for row in try Row.fetchAll(db, sql: "SELECT id, \(column) FROM \(table)") {
            guard let text = row[1] as String?, let stored = try? JSONTextParser.parse(text) else { continue }
            let cleaned = PrivacyScrub.scrub(stored, ids: ids)
            if cleaned != stored {
                try db.execute(sql: "UPDATE \(table) SET \(column) = ? WHERE id = ?", arguments: [cleaned.jsonText, row[0] as Int64])
                changed += 1
            }
        }
        return changed
    }

    /// Removes deleted people's keys from the per-profile values kept with analysis runs; returns
    /// how many runs held one. SQLite's `json_remove` rewrites each object once, in C.
    private static func scrubRunValues(_ db: Database, ids: Set<String>) throws -> Int {
        let paths = ids.sorted().map(ComputedTraitLayout.path(of:))
        guard !paths.isEmpty else { return 0 }
        var changed = 0
        for chunk in stride(from: 0, to: paths.count, by: 100).map({ Array(paths[$0..<min($0 + 100, paths.count)]) }) {
            let holds = chunk.map { _ in "json_type(profile_values, ?) IS NOT NULL" }.joined(separator: " OR ")
            let remove = chunk.map { _ in "?" }.joined(separator: ", ")
            try db.execute(sql: "UPDATE analysis_run_values SET profile_values = json_remove(profile_values, \(remove)) WHERE \(holds)",
                           arguments: StatementArguments(chunk + chunk))
            changed += db.changesCount
        }
        return changed
    }

    /// Drops, from batches about to be applied, the messages of people deleted at or after the
    /// time the message arrived: queued when the delete ran, they must not bring the person back.
    /// (Suppressed ids are refused earlier, when a request comes in.) Free when nobody was deleted
    /// since the oldest arrival, the normal case: one indexed `max()` per group commit.
    static func eraseDeleted(_ db: Database, _ batches: inout [MessageBatch]) throws -> [Int] {
        var erased = Array(repeating: 0, count: batches.count)
        guard let newest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(deleted_at) FROM deleted_ids")) else { return erased }
        let lookup = try db.cachedStatement(sql: "SELECT deleted_at FROM deleted_ids WHERE id_hash = ?")
        for b in batches.indices where batches[b].arrival.milliseconds <= newest {
            let arrival = batches[b].arrival.milliseconds
            var keep: [Int] = []
            for (i, m) in batches[b].messages.enumerated() {
                var gone = false
                for id in [m.userID, m.anonymousID, m.previousID].compactMap({ $0 }) where !gone {
                    if let at = try Int64.fetchOne(lookup, arguments: [IDHash.of(id: id)]) { gone = at >= arrival }
                }
                if gone { erased[b] += 1 } else { keep.append(i) }
            }
            if erased[b] > 0 { batches[b] = batches[b].keeping(keep) }
        }
        return erased
    }

    /// The ids among `ids` whose messages must be refused (suppressed by a privacy request).
    public func suppressed(among ids: Set<String>) throws(SegmentaError) -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return try read { db in
            guard try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM deleted_ids WHERE suppress = 1)")) == true else { return [] }
            let byHash = Dictionary(ids.map { (IDHash.of(id: $0), $0) }, uniquingKeysWith: { a, _ in a })
            var out: Set<String> = []
            // In pages of 500 bound parameters (SQLite's limit is 32,766, a batch may name 30,000 ids).
            let hashes = Array(byHash.keys)
            for start in stride(from: 0, to: hashes.count, by: 500) {
                let page = Array(hashes[start..<min(start + 500, hashes.count)])
                let marks = Array(repeating: "?", count: page.count).joined(separator: ",")
                for h in try String.fetchAll(db, sql: "SELECT id_hash FROM deleted_ids WHERE suppress = 1 AND id_hash IN (\(marks))", arguments: StatementArguments(page)) {
                    if let id = byHash[h] { out.insert(id) }
                }
            }
            return out
        }
    }

    /// Everything held on the person known by `id`: profile, traits, computed traits, identities,
    /// accounts, events, orders, segment stays and experiment exposures. Nil when nobody is known by it.
    public func exportPerson(_ id: String) throws(SegmentaError) -> JSONValue? {
        let id = id.normalizedID
        return try read { db in
            let profile = try String.fetchOne(db, sql: "SELECT profile_id FROM identities WHERE external_id = ?", arguments: [id])
                ?? (try Bool.fetchOne(db, sql: "SELECT 1 FROM profiles WHERE id = ?", arguments: [id]) == true ? id : nil)
            guard let profile, let p = try Row.fetchOne(db, sql: "SELECT traits, first_seen, last_seen, created_at FROM profiles WHERE id = ?", arguments: [profile]) else { return nil }
            func time(_ v: Int64?) -> JSONValue { v.map { .string(Timestamp(milliseconds: $0).iso8601) } ?? .null }
            func json(_ text: String) throws -> JSONValue { try JSONTextParser.parse(text) }
            let computed = try ComputedTraitLayout.traits(db, profile: profile)
            let identities = try Row.fetchAll(db, sql: "SELECT external_id, kind FROM identities WHERE profile_id = ? ORDER BY external_id", arguments: [profile])
                .map { JSONValue.object(["id": .string($0[0]), "kind": .string($0[1])]) }
            let accounts = try Row.fetchAll(db, sql: "SELECT a.id, a.traits FROM account_members m JOIN accounts a ON a.id = m.account_id WHERE m.profile_id = ? ORDER BY a.id", arguments: [profile])
                .map { JSONValue.object(["id": .string($0[0]), "traits": try json($0[1])]) }
            let events = try Row.fetchAll(db, sql: """
                SELECT source, message_id, type, name, timestamp, original_timestamp, sent_at, received_at, properties, context
                FROM events WHERE profile_id = ? ORDER BY timestamp, id
                """, arguments: [profile]).map { r -> JSONValue in
                .object(["source": .string(r[0]), "messageId": .string(r[1]), "type": .string(r[2]), "name": (r[3] as String?).map(JSONValue.string) ?? .null,
                         "timestamp": time(r[4]), "originalTimestamp": time(r[5]), "sentAt": time(r[6]), "receivedAt": time(r[7]),
                         "properties": try json(r[8]), "context": try json(r[9])])
            }
            let orders = try Row.fetchAll(db, sql: "SELECT order_id, timestamp, amount, currency, source FROM orders WHERE profile_id = ? ORDER BY timestamp, order_id", arguments: [profile])
                .map { r -> JSONValue in
                    .object(["order_id": .string(r[0]), "timestamp": time(r[1]), "amount": .number(r[2]), "currency": (r[3] as String?).map(JSONValue.string) ?? .null, "source": .string(r[4])])
                }
            let stays = try Row.fetchAll(db, sql: """
                SELECT m.segment, s.as_of, x.as_of FROM segment_membership m JOIN segment_snapshots s ON s.id = m.entered_snapshot
                LEFT JOIN segment_snapshots x ON x.id = m.exited_snapshot WHERE m.profile_id = ? ORDER BY m.segment, s.as_of
                """, arguments: [profile]).map { r -> JSONValue in .object(["segment": .string(r[0]), "entered": time(r[1]), "exited": time(r[2])]) }
            let exposures = try Row.fetchAll(db, sql: "SELECT experiment, variant, first_exposed_at FROM experiment_exposures WHERE profile_id = ?", arguments: [profile])
                .map { r -> JSONValue in .object(["experiment": .string(r[0]), "variant": .string(r[1]), "first_exposed_at": time(r[2])]) }
            return .object([
                "profile_id": .string(profile), "traits": try json(p[0]), "computed_traits": .object(computed),
                "first_seen": time(p[1]), "last_seen": time(p[2]), "created_at": time(p[3]),
                "identities": .array(identities), "accounts": .array(accounts), "events": .array(events), "orders": .array(orders),
                "segments": .array(stays), "experiments": .array(exposures),
            ])
        }
    }
}
