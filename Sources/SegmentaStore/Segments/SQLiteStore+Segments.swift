public import SegmentaCore
import GRDB

/// Segments: definitions with versions, refreshes into snapshots, and membership history.
extension SQLiteStore {
    /// Creates a dynamic segment from its definition document.
    /// - Throws: ``SegmentaError`` with the JSON pointer of an invalid part, `conflict` when the
    ///   name is taken, `notFound` for a reference to a missing segment, or a cycle.
    /// - Parameter allowUnknownComputed: accept computed traits that no analysis has written yet
    ///   (a misspelt `rfm_segmnt` is otherwise refused with the list of known ones).
    public func createSegment(_ document: JSONValue, allowUnknownComputed: Bool = false) throws(SegmentaError) -> SegmentInfo {
        let definition = try Self.parse(document)
        let now = clock.now.milliseconds
        try write { db in
            try SegmentRules.checkCreate(definition, exists: try Bool.fetchOne(db, sql: "SELECT 1 FROM segments WHERE name = ?", arguments: [definition.name]) == true)
            try Self.checkCondition(db, definition, allowUnknownComputed: allowUnknownComputed)
            try db.execute(sql: "INSERT INTO segments (name, kind, version, created_at, updated_at) VALUES (?, 'dynamic', 1, ?, ?)",
                           arguments: [definition.name, now, now])
            try db.execute(sql: "INSERT INTO segment_versions (segment, version, definition, created_at) VALUES (?, 1, ?, ?)",
                           arguments: [definition.name, document.jsonText, now])
        }
        return try stored(definition.name)
    }

    /// Replaces a dynamic segment's definition; the old version stays readable.
    public func updateSegment(_ document: JSONValue, allowUnknownComputed: Bool = false) throws(SegmentaError) -> SegmentInfo {
        let definition = try Self.parse(document)
        let now = clock.now.milliseconds
        try write { db in
            let row = try Row.fetchOne(db, sql: "SELECT kind, version FROM segments WHERE name = ?", arguments: [definition.name])
            try SegmentRules.checkUpdate(definition, kind: row?[0])
            try Self.checkCondition(db, definition, allowUnknownComputed: allowUnknownComputed)
            let version = (row?[1] as Int? ?? 0) + 1
            try db.execute(sql: "UPDATE segments SET version = ?, updated_at = ? WHERE name = ?", arguments: [version, now, definition.name])
            try db.execute(sql: "INSERT INTO segment_versions (segment, version, definition, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [definition.name, version, document.jsonText, now])
        }
        return try stored(definition.name)
    }

    /// Deletes a segment with its versions, snapshots and history.
    public func deleteSegment(_ name: String) throws(SegmentaError) {
        try write { db in
            try SegmentRules.checkDelete(name, exists: try Bool.fetchOne(db, sql: "SELECT 1 FROM segments WHERE name = ?", arguments: [name]) == true,
                                         definitions: try Self.definitions(db))
            try db.execute(sql: "DELETE FROM segment_membership WHERE segment = ?", arguments: [name])
            try db.execute(sql: "DELETE FROM segments WHERE name = ?", arguments: [name])
        }
    }

    /// All segments, by name.
    public func segments() throws(SegmentaError) -> [SegmentInfo] {
        try read { db in try Self.infos(db, name: nil) }
    }

    /// One segment, or nil.
    public func segment(named name: String) throws(SegmentaError) -> SegmentInfo? {
        try read { db in try Self.infos(db, name: name).first }
    }

    /// Computes membership as of a time, stores a snapshot and who entered and exited, and queues
    /// the webhook deliveries of the change in the same transaction — one refresh, whoever runs it.
    ///
    /// A failed refresh records `last_error` on the segment (so it never fails silently) and
    /// changes nothing else.
    public func refresh(_ name: String, asOf: Timestamp, webhookPageSize: Int = 1000, eventLeaves: EventLeaves? = nil) throws(SegmentaError) -> RefreshResult {
        let clock = ContinuousClock.now
        do throws(SegmentaError) {
            // The membership query runs in a read (a WAL snapshot), outside the write lock, so a long
            // refresh never holds up ingestion commits; the short write then records the changes,
            // and starts over if the definition changed in between. A date before the latest
            // snapshot is a backtest, answered from the read alone.
            var attempt = 0
            var result: RefreshResult?
            while result == nil {
                attempt += 1
                let (evaluated, backtest) = try read { db in
                    let e = try Self.evaluate(db, name, asOf: asOf, eventLeaves: eventLeaves)
                    return (e, e.isBacktest ? try Self.backtest(db, e, asOf: asOf) : nil)
                }
                if let backtest {
                    result = backtest
                    break
                }
                result = try write { db -> RefreshResult? in
                    guard let row = try Row.fetchOne(db, sql: "SELECT kind, version FROM segments WHERE name = ?", arguments: [name]) else {
                        throw SegmentRules.unknownSegment(name)
                    }
                    guard (row[0] as String) == evaluated.kind, (row[1] as Int) == evaluated.version else {
                        if attempt < 3 { return nil }
                        throw SegmentaError(.conflict, "segment \"\(name)\" kept changing during the refresh; try again")
                    }
                    // Current members, whether each was withheld from the webhooks, and who denies consent now.
                    var withheld: [String: Bool] = [:]
                    for row in try Row.fetchAll(db, sql: "SELECT profile_id, withheld FROM segment_membership WHERE segment = ? AND exited_snapshot IS NULL",
                                                arguments: [name]) { withheld[row[0] as String] = row[1] as Bool }
                    let current = Set(withheld.keys)
                    // A profile deleted (privacy) or merged away since the read does not enter.
                    let exists = try db.makeStatement(sql: "SELECT 1 FROM profiles WHERE id = ?")
                    var members = evaluated.members ?? current
                    for id in members.subtracting(current) where try Bool.fetchOne(exists, arguments: [id]) != true { members.remove(id) }
                    let entered = CustomerOrder.sorted(Array(members.subtracting(current)))
                    let exited = CustomerOrder.sorted(Array(current.subtracting(members)))
                    var denied = try Self.consentDenied(db, among: entered)
                    denied.formUnion(try String.fetchAll(db, sql: """
                        SELECT m.profile_id FROM segment_membership m JOIN profiles p ON p.id = m.profile_id
                        WHERE m.segment = ? AND m.exited_snapshot IS NULL AND \(ConsentRule.deniedMarketing("p", .sqlite))
                        """, arguments: [name]))
                    let told = DownstreamChange(current: withheld, members: members, denied: denied)
                    // Members who left without a refresh (merged, erased) since the last snapshot.
                    var departed: [String: Int] = [:]
                    for row in try Row.fetchAll(db, sql: "SELECT reason, n FROM segment_departures WHERE segment = ?", arguments: [name]) {
                        departed[row[0] as String] = row[1] as Int
                    }
                    try db.execute(sql: "DELETE FROM segment_departures WHERE segment = ?", arguments: [name])
                    let merged = departed["merged"] ?? 0, erased = departed["erased"] ?? 0
                    let now = self.clock.now.milliseconds
                    try db.execute(sql: "INSERT INTO segment_snapshots (segment, version, as_of, size, entered, exited, merged, erased, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                   arguments: [name, evaluated.version, asOf.milliseconds, members.count, entered.count, exited.count, merged, erased, now])
                    let snapshot = db.lastInsertedRowID
                    let enter = try db.makeStatement(sql: "INSERT INTO segment_membership (segment, profile_id, entered_snapshot, withheld) VALUES (?, ?, ?, ?)")
                    for id in entered { try enter.execute(arguments: [name, id, snapshot, told.enteredWithheld.contains(id)]) }
                    let exit = try db.makeStatement(sql: "UPDATE segment_membership SET exited_snapshot = ? WHERE segment = ? AND profile_id = ? AND exited_snapshot IS NULL")
                    for id in exited { try exit.execute(arguments: [snapshot, name, id]) }
                    let mark = try db.makeStatement(sql: "UPDATE segment_membership SET withheld = ? WHERE segment = ? AND profile_id = ? AND exited_snapshot IS NULL")
                    for id in told.nowWithheld { try mark.execute(arguments: [true, name, id]) }
                    for id in told.nowShared { try mark.execute(arguments: [false, name, id]) }
                    try db.execute(sql: "UPDATE segments SET last_refresh_at = ?, last_error = NULL WHERE name = ?", arguments: [now, name])
                    let done = RefreshResult(segment: name, snapshot: SegmentSnapshot(id: snapshot, version: evaluated.version, asOf: asOf, size: members.count,
                                                                                      entered: entered.count, exited: exited.count, merged: merged, erased: erased),
                                             entered: entered, exited: exited, seconds: 0)
                    try Self.queueDeliveries(db, done, told: told, pageSize: webhookPageSize, now: self.clock.now)
                    return done
                }
            }
            guard let result else { throw SegmentaError(.storage, "refresh of \"\(name)\" did not complete") }
            var r = result
            let d = ContinuousClock.now - clock
            r.seconds = d.inSeconds
            return r
        } catch {
            if (try? segment(named: name)) != nil {
                _ = try? write { db in try db.execute(sql: "UPDATE segments SET last_error = ? WHERE name = ?", arguments: [error.message, name]) }
            }
            throw error
        }
    }

    /// A segment's membership as of a time, read in one transaction: its kind and version, the
    /// members its condition selects (nil for a static segment: its list does not change), and
    /// whether `asOf` is before its latest snapshot (a backtest).
    struct Evaluation {
        var name: String
        var kind: String
        var version: Int
        var members: Set<String>?
        var isBacktest: Bool
    }

    static func evaluate(_ db: Database, _ name: String, asOf: Timestamp, eventLeaves: EventLeaves? = nil) throws -> Evaluation {
        guard let row = try Row.fetchOne(db, sql: "SELECT kind, version FROM segments WHERE name = ?", arguments: [name]) else {
            throw SegmentRules.unknownSegment(name)
        }
        let latest = try Int64.fetchOne(db, sql: "SELECT max(as_of) FROM segment_snapshots WHERE segment = ?", arguments: [name])
        var evaluation = Evaluation(name: name, kind: row[0], version: row[1], members: nil, isBacktest: latest.map { $0 > asOf.milliseconds } ?? false)
        guard evaluation.kind != "static" else { return evaluation }
        let definitions = try Self.definitions(db)
        guard let condition = definitions[name]?.condition else { throw SegmentaError(.storage, "segment \"\(name)\" has no stored condition") }
        let (sql, arguments) = try Self.membersQuery(condition, at: asOf, definitions: definitions, eventLeaves: eventLeaves)
        evaluation.members = Set(try String.fetchAll(db, sql: sql, arguments: arguments))
        return evaluation
    }

    /// A backtest: the evaluation compared with the snapshot at or before `asOf`, stored nowhere.
    static func backtest(_ db: Database, _ e: Evaluation, asOf: Timestamp) throws -> RefreshResult {
        let earlier = try Int64.fetchOne(db, sql: "SELECT id FROM segment_snapshots WHERE segment = ? AND as_of <= ? ORDER BY as_of DESC, id DESC LIMIT 1",
                                         arguments: [e.name, asOf.milliseconds])
        let base: Set<String> = try earlier.map { id in
            Set(try String.fetchAll(db, sql: """
                SELECT profile_id FROM segment_membership WHERE segment = ? AND entered_snapshot <= ? AND (exited_snapshot IS NULL OR exited_snapshot > ?)
                """, arguments: [e.name, id, id]))
        } ?? []
        let members = e.members ?? base
        let entered = CustomerOrder.sorted(Array(members.subtracting(base))), exited = CustomerOrder.sorted(Array(base.subtracting(members)))
        return RefreshResult(segment: e.name, snapshot: SegmentSnapshot(id: earlier ?? 0, version: e.version, asOf: asOf, size: members.count,
                                                                        entered: entered.count, exited: exited.count),
                             entered: entered, exited: exited, seconds: 0, backtest: true)
    }

    /// Number of profiles a condition matches now, without storing anything (the builder's preview).
    public func previewSize(_ condition: Condition, asOf: Timestamp) throws(SegmentaError) -> Int {
        try read { db in
            let (sql, arguments) = try Self.membersQuery(condition, at: asOf, definitions: try Self.definitions(db))
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (\(sql))", arguments: arguments) ?? 0
        }
    }

    /// Members at a snapshot (default: the latest), in customer order.
    public func members(of name: String, snapshot: Int64? = nil) throws(SegmentaError) -> [String] {
        try read { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM segments WHERE name = ?", arguments: [name]) == true else {
                throw SegmentaError(.notFound, "no segment named \"\(name)\"")
            }
            let ids: [String]
            if let snapshot {
                ids = try String.fetchAll(db, sql: """
                    SELECT profile_id FROM segment_membership WHERE segment = ? AND entered_snapshot <= ?
                    AND (exited_snapshot IS NULL OR exited_snapshot > ?)
                    """, arguments: [name, snapshot, snapshot])
            } else {
                ids = try String.fetchAll(db, sql: "SELECT profile_id FROM segment_membership WHERE segment = ? AND exited_snapshot IS NULL", arguments: [name])
            }
            return CustomerOrder.sorted(ids)
        }
    }

    /// Snapshots of a segment, in refresh order.
    public func history(of name: String) throws(SegmentaError) -> [SegmentSnapshot] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, version, as_of, size, entered, exited, merged, erased FROM segment_snapshots WHERE segment = ? ORDER BY id", arguments: [name]).map {
                SegmentSnapshot(id: $0[0], version: $0[1], asOf: Timestamp(milliseconds: $0[2]), size: $0[3], entered: $0[4], exited: $0[5], merged: $0[6], erased: $0[7])
            }
        }
    }

    /// The latest snapshot whose as-of is at or before `asOf`.
    public func snapshot(of name: String, asOf: Timestamp) throws(SegmentaError) -> SegmentSnapshot? {
        try history(of: name).filter { $0.asOf <= asOf }.max { ($0.asOf, $0.id) < ($1.asOf, $1.id) }
    }

    /// Creates a static segment from a list of profile ids.
    /// - Throws: when ids are not known profiles (the first are named), or the name is taken.
    public func importStatic(_ name: String, ids: [String], description: String = "") throws(SegmentaError) -> RefreshResult {
        try SegmentRules.checkStaticName(name)
        let unique = Array(Set(ids))
        let now = clock.now.milliseconds
        try write { db in
            let taken = try Bool.fetchOne(db, sql: "SELECT 1 FROM segments WHERE name = ?", arguments: [name]) == true
            let exists = try db.makeStatement(sql: "SELECT 1 FROM profiles WHERE id = ?")
            var unknown: [String] = []
            if !taken { for id in unique where try Bool.fetchOne(exists, arguments: [id]) != true { unknown.append(id) } }
            try SegmentRules.checkStatic(name, exists: taken, unknown: unknown)
            let document: JSONValue = .object(["name": .string(name), "description": .string(description), "static": .bool(true)])
            try db.execute(sql: "INSERT INTO segments (name, kind, version, created_at, updated_at) VALUES (?, 'static', 1, ?, ?)", arguments: [name, now, now])
            try db.execute(sql: "INSERT INTO segment_versions (segment, version, definition, created_at) VALUES (?, 1, ?, ?)", arguments: [name, document.jsonText, now])
            try db.execute(sql: "INSERT INTO segment_snapshots (segment, version, as_of, size, entered, exited, created_at) VALUES (?, 1, ?, ?, ?, 0, ?)",
                           arguments: [name, now, unique.count, unique.count, now])
            let snapshot = db.lastInsertedRowID
            let enter = try db.makeStatement(sql: "INSERT INTO segment_membership (segment, profile_id, entered_snapshot) VALUES (?, ?, ?)")
            for id in unique { try enter.execute(arguments: [name, id, snapshot]) }
            // Members who deny consent are withheld from the webhooks from the start.
            try db.execute(sql: """
                UPDATE segment_membership SET withheld = 1 WHERE segment = ? AND profile_id IN (SELECT p.id FROM profiles p WHERE \(ConsentRule.deniedMarketing("p", .sqlite)))
                """, arguments: [name])
        }
        guard let snap = try history(of: name).last else { throw SegmentaError(.storage, "the snapshot of \"\(name)\" was not stored") }
        return RefreshResult(segment: name, snapshot: snap, entered: CustomerOrder.sorted(unique), exited: [], seconds: 0)
    }

    /// A segment just written in this process (a storage error, never a crash, if it is not there).
    func stored(_ name: String) throws(SegmentaError) -> SegmentInfo {
        guard let info = try segment(named: name) else { throw SegmentaError(.storage, "segment \"\(name)\" was not stored") }
        return info
    }

    /// A static copy of a segment's current members.
    public func freeze(_ name: String, as newName: String) throws(SegmentaError) -> RefreshResult {
        guard let info = try segment(named: name) else { throw SegmentaError(.notFound, "no segment named \"\(name)\"") }
        guard info.lastRefreshAt != nil else { throw SegmentaError(.conflict, "\"\(name)\" has never been refreshed; run `segmenta segments refresh \(name)` first") }
        return try importStatic(newName, ids: try members(of: name), description: "Frozen copy of \(name) (version \(info.version))")
    }

    // MARK: - helpers

    static func parse(_ document: JSONValue) throws(SegmentaError) -> SegmentDefinition { try ConditionSQL.definition(document) }

    /// The members query of a condition in SQLite's dialect, with its arguments for GRDB.
    static func membersQuery(_ condition: Condition, at: Timestamp, definitions: [String: SegmentDefinition],
                             eventLeaves: EventLeaves? = nil) throws(SegmentaError) -> (sql: String, arguments: StatementArguments) {
        let (sql, arguments) = try ConditionSQL.membersQuery(condition, dialect: .sqlite, at: at, resolve: ConditionSQL.resolver(definitions), eventLeaves: eventLeaves)
        return (sql, StatementArguments(arguments.map(\.databaseValue)))
    }

    /// Every dynamic segment's current definition.
    static func definitions(_ db: Database) throws -> [String: SegmentDefinition] {
        var out: [String: SegmentDefinition] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT s.name, s.kind, v.definition FROM segments s JOIN segment_versions v ON v.segment = s.name AND v.version = s.version
            """) {
            let name: String = row[0]
            out[name] = try SegmentRules.stored(JSONTextParser.parse(row[2] as String), name: name)
        }
        return out
    }

    /// ``SegmentRules/checkCondition(_:definitions:knownComputed:)`` with this store's facts.
    static func checkCondition(_ db: Database, _ definition: SegmentDefinition, allowUnknownComputed: Bool) throws {
        let known = SegmentRules.needsComputedTraitNames(definition, allowUnknown: allowUnknownComputed)
            ? try String.fetchAll(db, sql: "SELECT name FROM computed_trait_names") : nil
        try SegmentRules.checkCondition(definition, definitions: try definitions(db), knownComputed: known)
    }

    static func infos(_ db: Database, name: String?) throws -> [SegmentInfo] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT s.name, s.kind, s.version, v.definition, s.created_at, s.updated_at, s.last_refresh_at, s.last_error,
                   (SELECT size FROM segment_snapshots x WHERE x.segment = s.name ORDER BY id DESC LIMIT 1)
            FROM segments s JOIN segment_versions v ON v.segment = s.name AND v.version = s.version
            WHERE (?1 IS NULL OR s.name = ?1) ORDER BY s.name
            """, arguments: [name])
        return try rows.map { r in
            try SegmentInfo(name: r[0], kind: SegmentInfo.Kind(rawValue: r[1]) ?? .dynamic, version: r[2], document: JSONTextParser.parse(r[3] as String),
                        createdAt: Timestamp(milliseconds: r[4]), updatedAt: Timestamp(milliseconds: r[5]),
                        lastRefreshAt: (r[6] as Int64?).map(Timestamp.init(milliseconds:)), lastError: r[7], size: r[8])
        }
    }
}

extension SQLiteStore {
    /// Ids of the profiles a condition matches as of a time, in customer order (no snapshot stored).
    public func matchingProfiles(_ condition: Condition, asOf: Timestamp, eventLeaves: EventLeaves? = nil) throws(SegmentaError) -> [String] {
        try read { db in
            let (sql, arguments) = try Self.membersQuery(condition, at: asOf, definitions: try Self.definitions(db), eventLeaves: eventLeaves)
            return CustomerOrder.sorted(try String.fetchAll(db, sql: sql, arguments: arguments))
        }
    }

    /// Everything stored about every profile, as the reference evaluator sees it (for tests and checks).
    public func profileFacts() throws(SegmentaError) -> [ProfileFacts] {
        try read { db in try Self.facts(db, only: nil) }
    }

    /// Everything stored about the profile known by `id` (its own, a user or an anonymous id),
    /// as the reference evaluator sees it; nil when nobody is known by it.
    public func profileFacts(_ id: String) throws(SegmentaError) -> ProfileFacts? {
        try read { db in
            guard let profile = try String.fetchOne(db, sql: "SELECT id FROM profiles WHERE id = ?1 UNION ALL SELECT profile_id FROM identities WHERE external_id = ?1 LIMIT 1",
                                                    arguments: [id.normalizedID]) else { return nil }
            return try Self.facts(db, only: profile).first
        }
    }

    /// Facts of every profile, or of one (`only`). With one, every statement reads by
    /// `profile_id = ?` alone, so each uses its index (`?1 IS NULL OR profile_id = ?1` would
    /// scan every table: 4.4 s for one person at 1M profiles and 20M events).
    static func facts(_ db: Database, only: String?) throws -> [ProfileFacts] {
        var facts: [String: ProfileFacts] = [:]
        let arguments: StatementArguments = only.map { [$0] } ?? []
        func whose(_ column: String, _ and: Bool = false) -> String { only == nil ? "" : (and ? " AND " : " WHERE ") + column + " = ?1" }
        for r in try Row.fetchAll(db, sql: "SELECT id, traits, first_seen FROM profiles" + whose("id"), arguments: arguments) {
            facts[r[0]] = ProfileFacts(id: r[0], traits: try Self.decodeObject(r[1]), firstSeen: (r[2] as Int64?).map(Timestamp.init(milliseconds:)))
        }
        if let only {
            // One primary-key lookup per group of computed traits.
            facts[only]?.computed = try ComputedTraitLayout.traits(db, profile: only)
        } else {
            for r in try Row.fetchAll(db, sql: "SELECT profile_id, traits FROM computed_values") {
                guard case .object(let o) = try JSONTextParser.parse(r[1] as String) else { continue }
                facts[r[0]]?.computed.merge(o) { _, new in new }
            }
        }
        for r in try Row.fetchAll(db, sql: "SELECT am.profile_id, a.traits FROM account_members am JOIN accounts a ON a.id = am.account_id" + whose("am.profile_id") + " ORDER BY a.id",
                                  arguments: arguments) {
            facts[r[0]]?.accounts.append(try Self.decodeObject(r[1]))
        }
        for r in try Row.fetchAll(db, sql: "SELECT profile_id, name, timestamp, properties FROM events WHERE type = 'track'" + whose("profile_id", true) + " ORDER BY id",
                                  arguments: arguments) {
            facts[r[0]]?.events.append(ProfileFacts.Event(name: r[1], timestamp: Timestamp(milliseconds: r[2]), properties: try Self.decodeObject(r[3])))
        }
        for r in try Row.fetchAll(db, sql: "SELECT order_id, profile_id, timestamp, amount, currency FROM orders" + whose("profile_id"), arguments: arguments) {
            facts[r[1]]?.orders.append(Order(id: r[0], customerID: r[1], timestamp: Timestamp(milliseconds: r[2]), amount: r[3], currency: r[4]))
        }
        return facts.values.sorted { CustomerOrder.compare($0.id, $1.id) < 0 }
    }
}
