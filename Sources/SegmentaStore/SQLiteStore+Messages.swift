public import SegmentaCore
import GRDB

extension SQLiteStore {
    /// Applies messages in one transaction, in order.
    ///
    /// - Every message is stored as an event, once per (source, messageId); a message without a
    ///   messageId gets a stable one from its content, so re-importing a file adds nothing.
    /// - A message with a userId belongs to that profile; one with only an anonymousId to the
    ///   profile that id is linked to, or to a new profile named by it.
    /// - identify: traits merged (newest timestamp wins per trait); with both ids, the anonymous
    ///   profile is merged into the known one (its events and orders move).
    /// - alias: the profile of previousId is merged into the profile of userId.
    /// - group: the account is created or its traits updated; the profile becomes a member.
    /// - track `Order Completed` with a numeric `revenue` (or `total`): also an order.
    public func apply(_ messages: [Message], source: String, arrival: Timestamp) throws(SegmentaError) -> MessageImportResult {
        try apply([MessageBatch(messages: messages, source: source, arrival: arrival)])[0]
    }

    /// Applies the batches `produce` emits, in order, all in one transaction (a file import): a
    /// failure anywhere leaves the store as it was; memory holds one batch at a time.
    public func importMessages(_ produce: (_ emit: (MessageBatch) throws -> Void) throws -> Void) throws(SegmentaError) -> MessageImportResult {
        try write { db in
            var cache = IdentityCache()
            var total = MessageImportResult()
            try produce { batch in
                var kept = [batch]
                let erased = try Self.eraseDeleted(db, &kept)
                var result = try applyBatch(db, kept[0], cache: &cache)
                result.erased = erased.first ?? 0
                total.add(result)
            }
            try cache.flushSeen(db)
            return total
        }
    }

    /// Applies several batches (from concurrent requests) in one transaction — a group commit:
    /// all land or none does. Returns one result per batch, in order.
    public func apply(_ batches: [MessageBatch]) throws(SegmentaError) -> [MessageImportResult] {
        try write { db in
            var cache = IdentityCache()
            var kept = batches
            let erased = try Self.eraseDeleted(db, &kept)
            var results = try kept.map { b in try applyBatch(db, b, cache: &cache) }
            for i in results.indices { results[i].erased = erased[i] }
            try cache.flushSeen(db)
            return results
        }
    }

    /// Applies the batches as ``apply(_:)-([MessageBatch])`` does, except that track, page and
    /// screen messages are not stored as events (another store keeps them): their identities,
    /// first/last seen and orders still apply. Returns every id of every profile the batches
    /// touched, with its profile and signup as committed — what the event store needs to resolve
    /// the events' ids.
    public func applyWithoutEvents(_ batches: [MessageBatch]) throws(SegmentaError) -> AppliedMessages {
        try write { db in
            var cache = IdentityCache()
            var kept = batches
            let erased = try Self.eraseDeleted(db, &kept)
            var touched = Set<String>()
            var results = try kept.map { b in try applyBatch(db, b, cache: &cache, storeEvents: false, touched: &touched) }
            for i in results.indices { results[i].erased = erased[i] }
            try cache.flushSeen(db)
            return AppliedMessages(results: results, identities: try Self.identities(db, ofProfiles: touched.map(cache.profiles.current)), applied: kept)
        }
    }

    /// A file import (``importMessages(_:)``) without storing events: one transaction; each batch
    /// as applied (erased people left out) goes to `applied` as it is read.
    public func importMessagesWithoutEvents(_ produce: (_ emit: (MessageBatch) throws -> Void) throws -> Void,
                                            applied: (MessageBatch) throws -> Void) throws(SegmentaError) -> AppliedMessages {
        try withoutActuallyEscaping(applied) { applied throws(SegmentaError) in try write { db in
            var cache = IdentityCache()
            var total = MessageImportResult()
            var touched = Set<String>()
            try produce { batch in
                var kept = [batch]
                let erased = try Self.eraseDeleted(db, &kept)
                var result = try applyBatch(db, kept[0], cache: &cache, storeEvents: false, touched: &touched)
                result.erased = erased.first ?? 0
                total.add(result)
                try applied(kept[0])
            }
            try cache.flushSeen(db)
            return AppliedMessages(results: [total], identities: try Self.identities(db, ofProfiles: touched.map(cache.profiles.current)), applied: [])
        } }
    }

    /// Every id of these profiles (the profile's own id among them) with its profile and signup
    /// (the `signed_up_at` trait when it is a date, else first seen).
    static func identities(_ db: Database, ofProfiles profiles: [String]) throws -> [ProfileIdentity] {
        let unique = Array(Set(profiles))
        guard !unique.isEmpty else { return [] }
        var out: [ProfileIdentity] = []
        var listed = Set<String>()
        let rows = try Row.fetchAll(db, sql: """
            SELECT p.id, i.external_id, COALESCE(seg_ts(json_extract(p.traits, '$."signed_up_at"')), p.first_seen)
            FROM profiles p LEFT JOIN identities i ON i.profile_id = p.id
            WHERE p.id IN (SELECT value FROM json_each(?))
            """, arguments: [JSONValue.array(unique.map(JSONValue.string)).jsonText])
        for row in rows {
            let profile: String = row[0]
            let signup = (row[2] as Int64?).map { Timestamp(milliseconds: $0) }
            for id in [profile, row[1] as String?].compactMap({ $0 }) where listed.insert(id).inserted {
                out.append(ProfileIdentity(id: id, profile: profile, signup: signup))
            }
        }
        return out
    }

    private func applyBatch(_ db: Database, _ batch: MessageBatch, cache: inout IdentityCache) throws -> MessageImportResult {
        var touched = Set<String>()
        return try applyBatch(db, batch, cache: &cache, storeEvents: true, touched: &touched)
    }

    private func applyBatch(_ db: Database, _ batch: MessageBatch, cache: inout IdentityCache, storeEvents: Bool, touched: inout Set<String>) throws -> MessageImportResult {
        let source = batch.source, arrival = batch.arrival
        var result = MessageImportResult()
        let insert = try BulkInsert(cached: db, sql: """
            INSERT INTO events (source, message_id, profile_id, type, name, timestamp, original_timestamp, sent_at, received_at, properties, context)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(source, message_id) DO NOTHING
            """)
        let legacy = try Self.holdsLegacyIDs(db, .contents)
        for (i, sent) in batch.messages.enumerated() {
            let message = sent.normalizingIDs()
            let time = message.eventTime(arrival: arrival)
            let profile = try resolveProfile(db, message, seen: time, cache: &cache, result: &result)
            let messageID = try message.messageID ?? storedContentID(db, message, source: source, legacy: legacy, storeEvents: storeEvents)
            if !storeEvents {
                touched.insert(profile)
                if Message.eventKinds.contains(message.kind) {
                    // Kept by the event store, which counts a retried message once when it reads.
                    result.accepted += 1
                    result.byKind[message.kind, default: 0] += 1
                    if message.kind == .track && message.event == "Order Completed" { try recordOrder(db, message, profile: profile, messageID: messageID, time: time, source: source, result: &result) }
                    continue
                }
            }
            insert.bind(1, source)
            insert.bind(2, messageID)
            insert.bind(3, profile)
            insert.bind(4, message.kind.rawValue)
            insert.bind(5, message.event)
            insert.bind(6, time.milliseconds)
            insert.bind(7, message.timestamp?.milliseconds)
            insert.bind(8, message.sentAt?.milliseconds)
            insert.bind(9, (message.receivedAt ?? arrival).milliseconds)
            insert.bind(10, batch.encoded.flatMap { i < $0.count ? $0[i].payload : nil } ?? MessageBatch.payload(message))
            insert.bind(11, batch.encoded.flatMap { i < $0.count ? $0[i].context : nil } ?? JSONValue.object(message.context).jsonText)
            guard try insert.step(db) > 0 else { result.duplicates += 1; continue }
            result.accepted += 1
            result.byKind[message.kind, default: 0] += 1
            switch message.kind {
            case .identify:
                try mergeTraits(db, profile: profile, traits: message.traits, at: time)
            case .group:
                guard let groupID = message.groupID else { break }   // decoding refuses group messages without one
                let now = arrival.milliseconds
                try db.cachedStatement(sql: "INSERT INTO accounts (id, traits, created_at, updated_at) VALUES (?, '{}', ?, ?) ON CONFLICT(id) DO NOTHING").execute(arguments: [groupID, now, now])
                if !message.traits.isEmpty, let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT traits, trait_times FROM accounts WHERE id = ?"), arguments: [groupID]) {
                    // The same rule as identify: deeply, per leaf, newest wins — a late group message never overwrites newer account traits.
                    var current = try Self.decodeObject(row[0]), times = try Self.decodeObject(row[1])
                    if TraitMerge.merge(message.traits, at: Double(time.milliseconds), into: &current, times: &times) {
                        try db.cachedStatement(sql: "UPDATE accounts SET traits = ?, trait_times = ?, updated_at = ? WHERE id = ?").execute(arguments: [JSONValue.object(current).jsonText, JSONValue.object(times).jsonText, now, groupID])
                    }
                }
                try db.cachedStatement(sql: "INSERT INTO account_members (account_id, profile_id) VALUES (?, ?) ON CONFLICT DO NOTHING").execute(arguments: [groupID, profile])
            case .track where message.event == "Order Completed":
                try recordOrder(db, message, profile: profile, messageID: messageID, time: time, source: source, result: &result)
            default:
                break
            }
        }
        return result
    }

    /// The order of a track `Order Completed` with a numeric `revenue` (or `total`); an order id
    /// already stored is left as it is.
    private func recordOrder(_ db: Database, _ message: Message, profile: String, messageID: String, time: Timestamp, source: String, result: inout MessageImportResult) throws {
        let p = message.properties
        guard let amount = (p["revenue"] ?? p["total"])?.numberValue else { return }
        let orderID = p["order_id"]?.idString ?? "msg:" + messageID
        try db.cachedStatement(sql: "INSERT INTO orders (order_id, profile_id, timestamp, amount, currency, source) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(order_id) DO NOTHING").execute(arguments: [orderID, profile, time.milliseconds, amount, p["currency"]?.stringValue?.uppercased(), source])
        result.ordersCreated += db.changesCount
    }

    /// The profile a message belongs to, linking and merging identities as the message implies.
    ///
    /// Identities already resolved in this transaction are cached, and first/last seen are
    /// widened once per profile at the end, so a plain `track` costs one insert.
    func resolveProfile(_ db: Database, _ m: Message, seen: Timestamp, cache: inout IdentityCache, result: inout MessageImportResult) throws -> String {
        if m.kind != .alias, m.kind != .identify || m.anonymousID == nil, let key = m.userID ?? m.anonymousID {
            if let known = cache.profiles[key] {
                cache.see(known, at: seen)
                return known
            }
        }
        // The rule is ``IdentityRule``'s: what the store holds about the ids in, the steps out.
        let plan = try IdentityRule.plan(m, facts: try identityFacts(db, m))
        for step in plan.steps {
            switch step {
            case .create(let id):
                if try ensureProfile(db, id: id, seen: nil) { result.profilesCreated += 1 }
            case .link(let id, let kind, let profile):
                try db.cachedStatement(sql: "INSERT INTO identities (external_id, kind, profile_id) VALUES (?, ?, ?) ON CONFLICT(external_id) DO UPDATE SET profile_id = excluded.profile_id")
                    .execute(arguments: [id, kind.rawValue, profile])
                cache.profiles[id] = profile
            case .merge(let from, let into):
                try cache.flushSeen(db)
                try merge(db, from: from, into: into)
                cache.profiles.merge(from, into: into)
                result.profilesMerged += 1
            case .markAnonymous(let id):
                try db.cachedStatement(sql: "UPDATE identities SET kind = 'anonymous_id' WHERE external_id = ? AND kind <> 'anonymous_id'").execute(arguments: [id])
            case .refuseMerge(let kept, let user, let keptByItsUser):
                result.mergesRefused += 1
                logger.info("\(IdentityRule.refusalMessage(keptByItsUser: keptByItsUser))", metadata: ["user_id": .string(user), "profile_kept_apart": .string(kept)])
            }
        }
        cache.see(plan.profile, at: seen)
        return plan.profile
    }

    /// What the store holds about a message's ids, for ``IdentityRule``.
    func identityFacts(_ db: Database, _ m: Message) throws -> IdentityRule.Facts {
        var facts = IdentityRule.Facts()
        let lookup = try db.cachedStatement(sql: "SELECT profile_id FROM identities WHERE external_id = ?")
        for id in IdentityRule.ids(of: m) where facts.profiles[id] == nil {
            if let profile = try String.fetchOne(lookup, arguments: [id]) { facts.profiles[id] = profile }
        }
        if m.kind == .alias, let previous = m.previousID, facts.profiles[previous] == nil {
            facts.previousIsProfile = try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM profiles WHERE id = ?"), arguments: [previous]) == true
        }
        if IdentityRule.needsIdentifiedFact(m, profiles: facts.profiles), let anon = m.anonymousID, let other = facts.profiles[anon] {
            facts.anonymousProfileIdentified = try Bool.fetchOne(db.cachedStatement(sql: """
                SELECT EXISTS (SELECT 1 FROM identities WHERE profile_id = ?1 AND kind = 'user_id' AND external_id <> ?2)
                    OR (EXISTS (SELECT 1 FROM identities WHERE profile_id = ?1 AND kind = 'user_id' AND external_id = ?2)
                        AND EXISTS (SELECT 1 FROM events WHERE profile_id = ?1 AND type = 'identify'))
                """), arguments: [other, anon]) == true
            if facts.anonymousProfileIdentified {
                facts.anonymousKind = try String.fetchOne(db.cachedStatement(sql: "SELECT kind FROM identities WHERE external_id = ?"), arguments: [anon])
                    .flatMap(IdentityRule.Kind.init(rawValue:))
            }
        }
        return facts
    }

    /// Moves everything of profile `from` onto `into` and deletes `from`. Traits of `from` fill
    /// in where `into` has none or an older value.
    func merge(_ db: Database, from: String, into: String) throws {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT traits, trait_times, first_seen, last_seen FROM profiles WHERE id = ?"), arguments: [from]) else { return }
        let traits = try Self.decodeObject(row[0])
        let times = try Self.decodeObject(row[1])
        // Leaf by leaf, each with the time it was set on `from` (its own, or its nearest ancestor's).
        for (path, v) in TraitMerge.leaves(traits) {
            let t = (1...path.count).reversed().lazy.compactMap { times[path[0..<$0].joined(separator: ".")]?.numberValue }.first
                .map { Timestamp(milliseconds: Int64(Int(saturating: $0))) } ?? Timestamp(milliseconds: 0)
            try mergeTraits(db, profile: into, traits: [path.joined(separator: "."): v], at: t)
        }
        let firstSeen: Int64? = row[2], lastSeen: Int64? = row[3]
        if let firstSeen { try ensureProfile(db, id: into, seen: Timestamp(milliseconds: firstSeen)) }
        if let lastSeen { try ensureProfile(db, id: into, seen: Timestamp(milliseconds: lastSeen)) }
        try db.cachedStatement(sql: "UPDATE events SET profile_id = ? WHERE profile_id = ?").execute(arguments: [into, from])
        try db.cachedStatement(sql: "UPDATE orders SET profile_id = ? WHERE profile_id = ?").execute(arguments: [into, from])
        try db.cachedStatement(sql: "UPDATE identities SET profile_id = ? WHERE profile_id = ?").execute(arguments: [into, from])
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO account_members (account_id, profile_id) SELECT account_id, ? FROM account_members WHERE profile_id = ?").execute(arguments: [into, from])
        try ComputedTraitLayout.delete(db, profile: from)   // recomputed for `into` at the next analysis
        // `from` leaves its segments now (counted as merged); `into` enters at the next refresh if it matches.
        try Self.queueDepartures(db, try Self.countDepartures(db, profile: from, reason: .merged), reason: .merged, now: clock.now)
        try db.cachedStatement(sql: "DELETE FROM profiles WHERE id = ?").execute(arguments: [from])
    }

    /// A stable id for a message that came without a messageId: `content:` + a 128-bit digest of its content (``DerivedID``).
    static func contentID(_ m: Message) -> String { DerivedID.content(m) }

    /// The id an id-less message is stored under: its content id, or — in a store that holds
    /// pre-v12 content ids — its pre-v12 id when that one is stored, so that it counts as a duplicate.
    func storedContentID(_ db: Database, _ m: Message, source: String, legacy: Bool, storeEvents: Bool) throws -> String {
        guard legacy else { return Self.contentID(m) }
        let old = LegacyDerivedID.content(m)
        let found = storeEvents
            ? try Int.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM events WHERE source = ? AND message_id = ?"), arguments: [source, old])
            : try Int.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM orders WHERE order_id = ?"), arguments: ["msg:" + old])
        return found == nil ? Self.contentID(m) : old
    }
}

/// Identities resolved within one transaction, and the first/last seen to write at its end.
struct IdentityCache {
    var profiles = ProfileDirectory()
    var seen: [String: (Int64, Int64)] = [:]

    mutating func see(_ profile: String, at t: Timestamp) {
        let ms = t.milliseconds
        if let s = seen[profile] { seen[profile] = (min(s.0, ms), max(s.1, ms)) } else { seen[profile] = (ms, ms) }
    }

    mutating func flushSeen(_ db: Database) throws {
        let update = try db.cachedStatement(sql: "UPDATE profiles SET first_seen = min(coalesce(first_seen, ?1), ?1), last_seen = max(coalesce(last_seen, ?2), ?2) WHERE id = ?3")
        for (profile, s) in seen { try update.execute(arguments: [s.0, s.1, profile]) }
        seen.removeAll()
    }
}

/// Messages that arrived together, from one source.
public struct MessageBatch: Sendable {
    /// The messages, in the order sent.
    public var messages: [Message]
    /// Deduplication scope of messageIds (`demo`, `file:…`, `http:KEY_ID`).
    public var source: String
    /// Server time of arrival (`receivedAt` for messages without one).
    public var arrival: Timestamp

    /// Each message's stored JSON (traits or properties, and context), when encoded ahead of the commit.
    public var encoded: [(payload: String, context: String)]?

    /// Creates a batch.
    /// - Parameter encode: serialise each message's JSON now (on the caller's thread), so the
    ///   single writer only inserts — what the server does on its request threads.
    public init(messages: [Message], source: String, arrival: Timestamp, encode: Bool = false) {
        self.messages = messages
        self.source = source
        self.arrival = arrival
        if encode { encoded = messages.map { (Self.payload($0), JSONValue.object($0.context).jsonText) } }
    }

    /// The batch with only the messages at `indices` (in order), their encoded JSON kept with them.
    func keeping(_ indices: [Int]) -> MessageBatch {
        var out = self
        out.messages = indices.map { messages[$0] }
        out.encoded = encoded.map { e in indices.map { e[$0] } }
        return out
    }

    /// The JSON stored as an event's properties: traits for identify and group, else properties.
    static func payload(_ m: Message) -> String { Message.storedPayload(m) }
}
