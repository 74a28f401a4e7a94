public import SegmentaCore
import PostgresNIO

/// Messages on PostgreSQL: the same rules as ``SQLiteStore/apply(_:)`` — one event per (source,
/// messageId), identities linked and merged, traits merged newest-wins per leaf, groups and
/// `Order Completed` orders — in one transaction per group of batches.
extension PostgresBackend {
    /// ``ProfileStore/apply`` on PostgreSQL.
    public func apply(_ messages: [Message], source: String, arrival: Timestamp) async throws(SegmentaError) -> MessageImportResult {
        try await apply([MessageBatch(messages: messages, source: source, arrival: arrival)]).first ?? MessageImportResult()
    }

    /// The batches gathered first (the producer is synchronous), then applied in one transaction.
    public func importMessages(_ produce: (_ emit: (MessageBatch) throws -> Void) throws -> Void) async throws(SegmentaError) -> MessageImportResult {
        var batches: [MessageBatch] = []
        do { try produce { batches.append($0) } } catch let e as SegmentaError { throw e } catch {
            throw SegmentaError(.invalidInput, "reading the messages failed, nothing was changed: \(error)", underlying: error)
        }
        var total = MessageImportResult()
        for r in try await apply(batches) { total.add(r) }
        return total
    }

    /// Applies several batches in one transaction (a group commit): all land or none does.
    public func apply(_ batches: [MessageBatch]) async throws(SegmentaError) -> [MessageImportResult] {
        try await write { pg in
            var state = IdentityState()
            var kept = batches
            let erased = try await Self.eraseDeleted(pg, &kept)
            var results: [MessageImportResult] = []
            for b in kept { results.append(try await self.applyBatch(pg, b, state: &state)) }
            for i in results.indices where i < erased.count { results[i].erased = erased[i] }
            try await state.flushSeen(pg)
            return results
        }
    }

    /// Applies the batches without storing track, page and screen messages as events (another
    /// store keeps them), as ``SQLiteStore/applyWithoutEvents(_:)`` does.
    public func applyWithoutEvents(_ batches: [MessageBatch]) async throws(SegmentaError) -> AppliedMessages {
        try await write { pg in
            var state = IdentityState()
            var kept = batches
            let erased = try await Self.eraseDeleted(pg, &kept)
            var results: [MessageImportResult] = []
            var touched = Set<String>()
            for b in kept { results.append(try await self.applyBatch(pg, b, state: &state, storeEvents: false, touched: &touched)) }
            for i in results.indices where i < erased.count { results[i].erased = erased[i] }
            try await state.flushSeen(pg)
            return AppliedMessages(results: results, identities: try await Self.identities(pg, ofProfiles: touched.map(state.current)), applied: kept)
        }
    }

    /// The batches `produce` emits, gathered, then applied without their events in one transaction.
    public func importMessagesWithoutEvents(_ produce: (_ emit: (MessageBatch) throws -> Void) throws -> Void,
                                            applied: (MessageBatch) throws -> Void) async throws(SegmentaError) -> AppliedMessages {
        var batches: [MessageBatch] = []
        do { try produce { batches.append($0) } } catch let e as SegmentaError { throw e } catch {
            throw SegmentaError(.invalidInput, "reading the messages failed, nothing was changed: \(error)", underlying: error)
        }
        let outcome = try await applyWithoutEvents(batches)
        var total = MessageImportResult()
        for r in outcome.results { total.add(r) }
        do { for b in outcome.applied { try applied(b) } } catch let e as SegmentaError { throw e } catch {
            throw SegmentaError(.storage, "writing the events failed: \(error)", underlying: error)
        }
        return AppliedMessages(results: [total], identities: outcome.identities, applied: [])
    }

    /// Every id of these profiles (their own ids among them) with the profile and its signup.
    static func identities(_ pg: PG, ofProfiles profiles: [String]) async throws -> [ProfileIdentity] {
        let unique = Array(Set(profiles))
        guard !unique.isEmpty else { return [] }
        var out: [ProfileIdentity] = []
        var listed = Set<String>()
        for row in try await pg.rows("""
            SELECT p.id, i.external_id, COALESCE(CASE WHEN jsonb_typeof(p.traits -> 'signed_up_at') = 'string' THEN seg_ts(p.traits ->> 'signed_up_at') END, p.first_seen)
            FROM profiles p LEFT JOIN identities i ON i.profile_id = p.id WHERE p.id = ANY(\(unique)::text[])
            """) {
            let (profile, external, signup) = try row.decode((String, String?, Int64?).self)
            for id in [profile, external].compactMap({ $0 }) where listed.insert(id).inserted {
                out.append(ProfileIdentity(id: id, profile: profile, signup: signup.map { Timestamp(milliseconds: $0) }))
            }
        }
        return out
    }

    /// One batch in three steps: resolve every message's profile in order (identities linked and
    /// merged as the messages imply; known ids read in one query first), insert all events in one
    /// statement (a duplicate messageId is skipped by the unique key), then apply what the new
    /// messages do — traits, groups, orders — in order. Events of a profile merged away later in
    /// the batch are stored on the profile it was merged into.
    private func applyBatch(_ pg: PG, _ batch: MessageBatch, state: inout IdentityState) async throws -> MessageImportResult {
        var touched = Set<String>()
        return try await applyBatch(pg, batch, state: &state, storeEvents: true, touched: &touched)
    }

    private func applyBatch(_ pg: PG, _ batch: MessageBatch, state: inout IdentityState, storeEvents: Bool, touched: inout Set<String>) async throws -> MessageImportResult {
        let source = batch.source, arrival = batch.arrival
        var result = MessageImportResult()
        let messages = batch.messages.map { $0.normalizingIDs() }
        let unknown = Array(Set(messages.flatMap { [$0.userID, $0.anonymousID, $0.previousID].compactMap { $0 } }).filter { state.profiles[$0] == nil })
        if !unknown.isEmpty {
            var found = Set<String>()
            for row in try await pg.rows("SELECT external_id, profile_id FROM identities WHERE external_id = ANY(\(unknown)::text[])") {
                let (external, profile) = try row.decode((String, String).self)
                state.profiles[external] = profile
                found.insert(external)
            }
            state.missing.formUnion(unknown.filter { !found.contains($0) })
        }
        try await createSimpleProfiles(pg, messages, state: &state, result: &result)
        var profiles: [String] = []
        profiles.reserveCapacity(messages.count)
        for message in messages {
            profiles.append(try await resolveProfile(pg, message, seen: message.eventTime(arrival: arrival), state: &state, result: &result))
        }
        profiles = profiles.map(state.current)
        if !storeEvents { touched.formUnion(profiles) }
        /// Messages kept by another store: never inserted here, each one applied.
        func elsewhere(_ m: Message) -> Bool { !storeEvents && Message.eventKinds.contains(m.kind) }
        var ids = messages.map { $0.messageID ?? SQLiteStore.contentID($0) }
        if try await Self.holdsLegacyIDs(pg, .contents) { try await Self.adoptLegacyContentIDs(pg, messages, ids: &ids, source: source, storeEvents: storeEvents) }
        var rows = "["
        var first = true
        for (i, message) in messages.enumerated() {
            let messageID = ids[i]
            guard !elsewhere(message) else { continue }
            let payload = batch.encoded.flatMap { i < $0.count ? $0[i].payload : nil } ?? MessageBatch.payload(message)
            let context = batch.encoded.flatMap { i < $0.count ? $0[i].context : nil } ?? JSONValue.object(message.context).jsonText
            if !first { rows += "," }
            first = false
            rows += "{\"m\":"
            JSONValue.writeString(messageID, to: &rows)
            rows += ",\"p\":"
            JSONValue.writeString(profiles[i], to: &rows)
            rows += ",\"t\":\"\(message.kind.rawValue)\",\"n\":"
            if let name = message.event { JSONValue.writeString(name, to: &rows) } else { rows += "null" }
            rows += ",\"ts\":\(message.eventTime(arrival: arrival).milliseconds),\"ot\":\(message.timestamp.map { String($0.milliseconds) } ?? "null")"
            rows += ",\"sa\":\(message.sentAt.map { String($0.milliseconds) } ?? "null"),\"ra\":\((message.receivedAt ?? arrival).milliseconds)"
            rows += ",\"pr\":" + payload + ",\"cx\":" + context + "}"
        }
        rows += "]"
        let inserted = Set(try await pg.column("""
            INSERT INTO events (source, message_id, profile_id, type, name, timestamp, original_timestamp, sent_at, received_at, properties, context)
            SELECT \(source), r.m, r.p, r.t, r.n, r.ts, r.ot, r.sa, r.ra, r.pr, r.cx
            FROM jsonb_to_recordset(\(Self.withoutNUL(rows))::jsonb)
              AS r(m text, p text, t text, n text, ts bigint, ot bigint, sa bigint, ra bigint, pr jsonb, cx jsonb)
            ON CONFLICT (source, message_id) DO NOTHING RETURNING message_id
            """, as: String.self))
        // What the new messages do, in message order, a few statements for the whole batch.
        var seen = Set<String>()
        var traitChanges = TraitChanges()
        var members: [(account: String, profile: String)] = []
        var orders: [(id: String, profile: String, time: Int64, amount: Double, currency: String)] = []
        for (i, message) in messages.enumerated() {
            // The first message of an id that was inserted counts; a repeat, or one stored before, is a duplicate.
            guard elsewhere(message) || (inserted.contains(ids[i]) && seen.insert(ids[i]).inserted) else { result.duplicates += 1; continue }
            result.accepted += 1
            result.byKind[message.kind, default: 0] += 1
            let profile = profiles[i], time = message.eventTime(arrival: arrival)
            switch message.kind {
            case .identify:
                traitChanges.add(.profile, profile, message.traits, at: time)
            case .group:
                guard let groupID = message.groupID else { break }   // decoding refuses group messages without one
                traitChanges.add(.account, groupID, message.traits, at: time, create: true)
                members.append((groupID, profile))
            case .track where message.event == "Order Completed":
                let p = message.properties
                if let amount = (p["revenue"] ?? p["total"])?.numberValue {
                    orders.append((p["order_id"]?.idString ?? "msg:" + ids[i], profile, time.milliseconds, amount, p["currency"]?.stringValue?.uppercased() ?? ""))
                }
            default:
                break
            }
        }
        try await traitChanges.apply(pg, now: arrival.milliseconds)
        if !members.isEmpty {
            try await pg.execute("""
                INSERT INTO account_members (account_id, profile_id) SELECT * FROM unnest(\(members.map(\.account))::text[], \(members.map(\.profile))::text[])
                ON CONFLICT DO NOTHING
                """)
        }
        if !orders.isEmpty {
            // A repeated order id: its first order counts, as when they came one by one.
            result.ordersCreated = try await pg.value("""
                WITH ins AS (
                  INSERT INTO orders (order_id, profile_id, timestamp, amount, currency, source)
                  SELECT u.id, u.p, u.t, u.a, NULLIF(u.c, ''), \(source)
                  FROM unnest(\(orders.map(\.id))::text[], \(orders.map(\.profile))::text[], \(orders.map(\.time))::bigint[],
                              \(orders.map(\.amount))::double precision[], \(orders.map(\.currency))::text[]) WITH ORDINALITY AS u(id, p, t, a, c, n)
                  ORDER BY u.n
                  ON CONFLICT (order_id) DO NOTHING RETURNING 1
                ) SELECT count(*) FROM ins
                """, as: Int.self) ?? 0
        }
        return result
    }

    /// Creates, in two statements, the profiles of the batch's new ids that only name themselves:
    /// a message with one id (a userId, or an anonymousId) that is not an alias and that no other
    /// message of the batch links to another id. Resolving such a message one by one would create
    /// the same profile, named by its id and linked to it; every other message is resolved in order.
    private func createSimpleProfiles(_ pg: PG, _ messages: [Message], state: inout IdentityState, result: inout MessageImportResult) async throws {
        func simple(_ m: Message) -> Bool { m.kind != .alias && (m.userID == nil) != (m.anonymousID == nil) }
        let linked = Set(messages.filter { !simple($0) }.flatMap { [$0.userID, $0.anonymousID, $0.previousID].compactMap { $0 } })
        var fresh: [(id: String, kind: String)] = []
        var listed = Set<String>()
        for m in messages where simple(m) {
            guard let key = m.userID ?? m.anonymousID, state.profiles[key] == nil, state.missing.contains(key), !linked.contains(key),
                  listed.insert(key).inserted else { continue }
            fresh.append((key, m.userID != nil ? "user_id" : "anonymous_id"))
        }
        guard !fresh.isEmpty else { return }
        let ids = fresh.map(\.id)
        result.profilesCreated += try await pg.column("""
            INSERT INTO profiles (id, created_at) SELECT u.id, \(clock.now.milliseconds) FROM unnest(\(ids)::text[]) AS u(id)
            ON CONFLICT (id) DO NOTHING RETURNING id
            """, as: String.self).count
        try await pg.execute("""
            INSERT INTO identities (external_id, kind, profile_id) SELECT u.id, u.k, u.id FROM unnest(\(ids)::text[], \(fresh.map(\.kind))::text[]) AS u(id, k)
            ON CONFLICT (external_id) DO UPDATE SET profile_id = excluded.profile_id
            """)
        for id in ids {
            state.profiles[id] = id
            state.missing.remove(id)
        }
    }

    /// JSON text with every `\u0000` escape (PostgreSQL's `jsonb` and `text` hold no NUL) turned
    /// into U+FFFD; an escaped backslash followed by `u0000` is left as it is.
    static func withoutNUL(_ json: String) -> String {
        guard json.contains("\\u0000") else { return json }
        var out = ""
        out.reserveCapacity(json.utf8.count)
        var backslashes = 0
        var scalars = json.unicodeScalars[...]
        while let c = scalars.first {
            if c == "\\" && backslashes % 2 == 0 && scalars.starts(with: "\\u0000".unicodeScalars) {
                out += "\\ufffd"
                scalars = scalars.dropFirst(6)
                backslashes = 0
                continue
            }
            backslashes = c == "\\" ? backslashes + 1 : 0
            out.unicodeScalars.append(c)
            scalars = scalars.dropFirst()
        }
        return out
    }

    /// The profile a message belongs to, linking and merging identities as the message implies
    /// (the rules of ``SQLiteStore``'s `resolveProfile`: one user id per profile).
    private func resolveProfile(_ pg: PG, _ m: Message, seen: Timestamp, state: inout IdentityState, result: inout MessageImportResult) async throws -> String {
        if m.kind != .alias, m.kind != .identify || m.anonymousID == nil, let key = m.userID ?? m.anonymousID, let known = state.profiles[key] {
            state.see(known, at: seen)
            if m.kind == .identify, m.userID != nil { state.identified.insert(known) }
            return known
        }
        // The rule is ``IdentityRule``'s: what the store holds about the ids in, the steps out.
        let plan = try IdentityRule.plan(m, facts: try await identityFacts(pg, m, state: state))
        for step in plan.steps {
            switch step {
            case .create(let id):
                if try await Self.ensureProfile(pg, id: id, seen: nil) { result.profilesCreated += 1 }
            case .link(let id, let kind, let profile):
                try await pg.execute("""
                    INSERT INTO identities (external_id, kind, profile_id) VALUES (\(id), \(kind.rawValue), \(profile))
                    ON CONFLICT (external_id) DO UPDATE SET profile_id = excluded.profile_id
                    """)
                state.profiles[id] = profile
            case .merge(let from, let into):
                try await state.flushSeen(pg)
                try await Self.merge(pg, from: from, into: into, now: clock.now)
                state.profiles.merge(from, into: into)
                state.renamed[from] = into
                result.profilesMerged += 1
            case .markAnonymous(let id):
                try await pg.execute("UPDATE identities SET kind = 'anonymous_id' WHERE external_id = \(id) AND kind <> 'anonymous_id'")
            case .refuseMerge(let kept, let user, let keptByItsUser):
                result.mergesRefused += 1
                logger.info("\(IdentityRule.refusalMessage(keptByItsUser: keptByItsUser))", metadata: ["user_id": .string(user), "profile_kept_apart": .string(kept)])
            }
        }
        state.see(plan.profile, at: seen)
        if m.kind == .identify, m.userID != nil { state.identified.insert(plan.profile) }
        return plan.profile
    }

    /// What the store holds about a message's ids, for ``IdentityRule``: ids of this transaction
    /// are known without a query (read ahead, or linked since), and a profile identified earlier
    /// in it counts as identified.
    private func identityFacts(_ pg: PG, _ m: Message, state: IdentityState) async throws -> IdentityRule.Facts {
        var facts = IdentityRule.Facts()
        for id in IdentityRule.ids(of: m) where facts.profiles[id] == nil {
            if let known = state.profiles[id] {
                facts.profiles[id] = known
            } else if !state.missing.contains(id), let profile = try await pg.value("SELECT profile_id FROM identities WHERE external_id = \(id)", as: String.self) {
                facts.profiles[id] = profile
            }
        }
        if m.kind == .alias, let previous = m.previousID, facts.profiles[previous] == nil {
            facts.previousIsProfile = try await pg.exists("SELECT 1 FROM profiles WHERE id = \(previous)")
        }
        if IdentityRule.needsIdentifiedFact(m, profiles: facts.profiles), let anon = m.anonymousID, let other = facts.profiles[anon] {
            facts.anonymousProfileIdentified = try await pg.exists("""
                SELECT 1 WHERE EXISTS (SELECT 1 FROM identities WHERE profile_id = \(other) AND kind = 'user_id' AND external_id <> \(anon))
                    OR (EXISTS (SELECT 1 FROM identities WHERE profile_id = \(other) AND kind = 'user_id' AND external_id = \(anon))
                        AND EXISTS (SELECT 1 FROM events WHERE profile_id = \(other) AND type = 'identify'))
                """) || state.identified.contains(other)
            if facts.anonymousProfileIdentified {
                facts.anonymousKind = try await pg.value("SELECT kind FROM identities WHERE external_id = \(anon)", as: String.self).flatMap(IdentityRule.Kind.init(rawValue:))
            }
        }
        return facts
    }

    /// Creates the profile when missing; widens its first/last seen. Returns true when created.
    @discardableResult
    static func ensureProfile(_ pg: PG, id: String, seen: Timestamp?) async throws -> Bool {
        let t = seen?.milliseconds
        if try await pg.exists("""
            INSERT INTO profiles (id, first_seen, last_seen, created_at) VALUES (\(id), \(t), \(t), \(Timestamp.now.milliseconds))
            ON CONFLICT (id) DO NOTHING RETURNING 1
            """) { return true }
        if let t {
            try await pg.execute("""
                UPDATE profiles SET first_seen = LEAST(COALESCE(first_seen, \(t)), \(t)), last_seen = GREATEST(COALESCE(last_seen, \(t)), \(t)) WHERE id = \(id)
                """)
        }
        return false
    }

    /// Merges traits into a profile or an account (`table` is one of those two): deeply, per leaf
    /// path, the value with the newest time wins (``TraitMerge``). Returns whether anything changed.
    @discardableResult
    static func mergeTraits(_ pg: PG, table: String, id: String, traits: [String: JSONValue], at time: Timestamp) async throws -> Bool {
        guard !traits.isEmpty, table == "profiles" || table == "accounts" else { return false }
        guard let row = try await pg.rows(PostgresQuery(unsafeSQL: "SELECT traits::text, trait_times::text FROM \(table) WHERE id = $1 FOR UPDATE", binds: binds(id))).first else { return false }
        let (traitsText, timesText) = try row.decode((String, String).self)
        var current = try JSONTextParser.parseObject(traitsText), times = try JSONTextParser.parseObject(timesText)
        guard TraitMerge.merge(traits, at: Double(time.milliseconds), into: &current, times: &times) else { return false }
        var b = PostgresBindings()
        b.append(withoutNUL(JSONValue.object(current).jsonText))
        b.append(withoutNUL(JSONValue.object(times).jsonText))
        b.append(id)
        try await pg.execute(PostgresQuery(unsafeSQL: "UPDATE \(table) SET traits = $1::jsonb, trait_times = $2::jsonb WHERE id = $3", binds: b))
        return true
    }

    static func binds(_ values: String...) -> PostgresBindings {
        var b = PostgresBindings()
        for v in values { b.append(v) }
        return b
    }

    /// Moves everything of profile `from` onto `into` and deletes `from`; traits of `from` fill in
    /// where `into` has none or an older value.
    static func merge(_ pg: PG, from: String, into: String, now: Timestamp) async throws {
        guard let row = try await pg.rows("SELECT traits::text, trait_times::text, first_seen, last_seen FROM profiles WHERE id = \(from)").first else { return }
        let (traitsText, timesText, firstSeen, lastSeen) = try row.decode((String, String, Int64?, Int64?).self)
        let traits = try JSONTextParser.parseObject(traitsText), times = try JSONTextParser.parseObject(timesText)
        for (path, v) in TraitMerge.leaves(traits) {
            let t = (1...path.count).reversed().lazy.compactMap { times[path[0..<$0].joined(separator: ".")]?.numberValue }.first
                .map { Timestamp(milliseconds: Int64(Int(saturating: $0))) } ?? Timestamp(milliseconds: 0)
            try await mergeTraits(pg, table: "profiles", id: into, traits: [path.joined(separator: "."): v], at: t)
        }
        if let firstSeen { try await ensureProfile(pg, id: into, seen: Timestamp(milliseconds: firstSeen)) }
        if let lastSeen { try await ensureProfile(pg, id: into, seen: Timestamp(milliseconds: lastSeen)) }
        try await pg.execute("UPDATE events SET profile_id = \(into) WHERE profile_id = \(from)")
        try await pg.execute("UPDATE orders SET profile_id = \(into) WHERE profile_id = \(from)")
        try await pg.execute("UPDATE identities SET profile_id = \(into) WHERE profile_id = \(from)")
        try await pg.execute("INSERT INTO account_members (account_id, profile_id) SELECT account_id, \(into) FROM account_members WHERE profile_id = \(from) ON CONFLICT DO NOTHING")
        try await pg.execute("DELETE FROM computed_values WHERE profile_id = \(from) AND grp IN (SELECT DISTINCT grp FROM computed_trait_names)")
        // `from` leaves its segments now (counted as merged); `into` enters at the next refresh if it matches.
        try await queueDepartures(pg, try await countDepartures(pg, profile: from, reason: .merged), reason: .merged, now: now)
        try await pg.execute("DELETE FROM profiles WHERE id = \(from)")
    }

    /// Drops, from batches about to be applied, the messages of people deleted at or after the
    /// time the message arrived (the rule of the SQLite store).
    static func eraseDeleted(_ pg: PG, _ batches: inout [MessageBatch]) async throws -> [Int] {
        var erased = Array(repeating: 0, count: batches.count)
        guard let newest = try await pg.value("SELECT max(deleted_at) FROM deleted_ids", as: Int64.self) else { return erased }
        for b in batches.indices where batches[b].arrival.milliseconds <= newest {
            let arrival = batches[b].arrival.milliseconds
            var keep: [Int] = []
            for (i, m) in batches[b].messages.enumerated() {
                var gone = false
                for id in [m.userID, m.anonymousID, m.previousID].compactMap({ $0 }) where !gone {
                    if let at = try await pg.value("SELECT deleted_at FROM deleted_ids WHERE id_hash = \(IDHash.of(id: id))", as: Int64.self) { gone = at >= arrival }
                }
                if gone { erased[b] += 1 } else { keep.append(i) }
            }
            if erased[b] > 0 { batches[b] = batches[b].keeping(keep) }
        }
        return erased
    }
}

/// Identities resolved within one transaction, and the first/last seen to write at its end.
struct IdentityState {
    var profiles = ProfileDirectory()
    var seen: [String: (Int64, Int64)] = [:]
    /// Profiles merged into another in this transaction.
    var renamed: [String: String] = [:]
    /// External ids read ahead and not linked to any profile (until `link` links them).
    var missing: Set<String> = []
    /// Profiles that an identify with a user id reached in this transaction (their events are inserted after the batch is resolved).
    var identified: Set<String> = []

    /// The profile `id` is now (following merges).
    func current(_ id: String) -> String {
        var id = id
        var steps = 0
        while let next = renamed[id], steps < 1000 { id = next; steps += 1 }
        return id
    }

    mutating func see(_ profile: String, at t: Timestamp) {
        let ms = t.milliseconds
        if let s = seen[profile] { seen[profile] = (min(s.0, ms), max(s.1, ms)) } else { seen[profile] = (ms, ms) }
    }

    mutating func flushSeen(_ pg: PG) async throws {
        guard !seen.isEmpty else { return }
        let list = seen.sorted { $0.key < $1.key }
        try await pg.execute("""
            UPDATE profiles p SET first_seen = LEAST(COALESCE(p.first_seen, u.f), u.f), last_seen = GREATEST(COALESCE(p.last_seen, u.l), u.l)
            FROM unnest(\(list.map(\.key))::text[], \(list.map(\.value.0))::bigint[], \(list.map(\.value.1))::bigint[]) AS u(id, f, l) WHERE p.id = u.id
            """)
        seen.removeAll()
    }
}
