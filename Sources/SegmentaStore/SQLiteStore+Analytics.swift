public import SegmentaCore
import GRDB

extension SQLiteStore {
    /// ``ActivityStore/activity`` on SQLite.
    public func activity(_ source: ActivitySource) throws(SegmentaError) -> [CohortRetention.Activity] {
        let (sql, args): (String, StatementArguments)
        switch source {
        case .orders: (sql, args) = ("SELECT profile_id, timestamp FROM orders WHERE amount >= 0", [])   // refunds are not activity
        case .events: (sql, args) = ("SELECT profile_id, timestamp FROM events WHERE type IN ('track', 'page', 'screen')", [])
        case .event(let name): (sql, args) = ("SELECT profile_id, timestamp FROM events WHERE type = 'track' AND name = ?", [name])
        }
        return try read { db in
            var out: [CohortRetention.Activity] = []
            let rows = try Row.fetchCursor(db, sql: sql, arguments: args)
            while let row = try rows.next() {
                out.append(CohortRetention.Activity(customerID: row[0], timestamp: Timestamp(milliseconds: row[1])))
            }
            return out
        }
    }

    /// ``AnalysisStore/replaceComputedTraits`` on SQLite.
    public func replaceComputedTraits(_ rows: ComputedTraitRows, computedAt: Timestamp) throws(SegmentaError) {
        try write { db in try ComputedTraitLayout.replace(db, rows, computedAt: computedAt) }
    }

    /// Replaces the computed traits `names`, the old values cleared while `rows` computes the new
    /// ones (on another connection: it may read, never write, the store). See
    /// ``AnalysisStore/replaceComputedTraits(names:computedAt:rows:)``.
    public func replaceComputedTraits(names: [String], computedAt: Timestamp, rows: () throws(SegmentaError) -> ComputedTraitRows) throws(SegmentaError) {
        try write { db in try ComputedTraitLayout.replace(db, names: names, computedAt: computedAt) { () throws in try rows() } }
    }

    /// Replaces the computed traits named in `values`' keys (trait → profile → value), for every profile.
    public func replaceComputedTraits(_ values: [String: [String: JSONValue]], computedAt: Timestamp) throws(SegmentaError) {
        try replaceComputedTraits(ComputedTraitRows(values), computedAt: computedAt)
    }

    /// A profile's computed traits.
    public func computedTraits(of profile: String) throws(SegmentaError) -> [String: JSONValue] {
        try read { db in try ComputedTraitLayout.traits(db, profile: profile) }
    }

    /// A profile's traits.
    public func traits(of profile: String) throws(SegmentaError) -> [String: JSONValue]? {
        try read { db in
            guard let text = try String.fetchOne(db, sql: "SELECT traits FROM profiles WHERE id = ?", arguments: [profile]) else { return nil }
            return try Self.decodeObject(text)
        }
    }

    /// ``AnalysisStore/recordAnalysis`` on SQLite.
    public func recordAnalysis(kind: String, asOf: Timestamp, parameters: JSONValue, summary: JSONValue, values: [(profile: String, value: String)],
                               at time: Timestamp) throws(SegmentaError) {
        try write { db in
            try db.execute(sql: "INSERT INTO analysis_runs (kind, as_of, parameters, summary, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [kind, asOf.milliseconds, parameters.jsonText, summary.jsonText, time.milliseconds])
            guard !values.isEmpty else { return }
            let run = db.lastInsertedRowID
            // One JSON object per run, keys in order; a repeated profile keeps its first value.
            try db.execute(sql: "INSERT INTO analysis_run_values (run_id, profile_values) VALUES (?, ?)", arguments: [run, Transitions.objectText(values)])
        }
    }

    /// Per profile, the value an analysis gave at its latest run with an as-of at or before `asOf`
    /// (e.g. the RFM segment), and that run's as-of.
    public func analysisValues(kind: String, asOf: Timestamp) throws(SegmentaError) -> (asOf: Timestamp, values: [String: String])? {
        try read { db in
            guard let run = try Self.latestRun(db, kind: kind, asOf: asOf) else { return nil }
            var out: [String: String] = [:]
            for (profile, value) in try Self.runValues(db, run: run.id) { out[profile] = value }
            return (run.asOf, out)
        }
    }

    /// The per-profile values kept with the latest run of `kind` as of `asOf` (at or before),
    /// sorted by profile; nil when there is no such run.
    public func sortedAnalysisValues(kind: String, asOf: Timestamp) throws(SegmentaError) -> [(profile: String, value: String)]? {
        try read { db in try Self.latestRun(db, kind: kind, asOf: asOf).map { try Self.runValues(db, run: $0.id) } }
    }

    /// The latest run of `kind` with an as-of at or before `asOf` (the newest of that as-of).
    static func latestRun(_ db: Database, kind: String, asOf: Timestamp) throws -> (id: Int64, asOf: Timestamp)? {
        try Row.fetchOne(db, sql: "SELECT id, as_of FROM analysis_runs WHERE kind = ? AND as_of <= ? ORDER BY as_of DESC, id DESC LIMIT 1",
                         arguments: [kind, asOf.milliseconds]).map { ($0[0], Timestamp(milliseconds: $0[1])) }
    }

    /// The per-profile values kept with one run, sorted by profile (empty when it kept none).
    /// The text Segmenta wrote is read in one pass; any other form (a store copied from
    /// PostgreSQL, whose `jsonb` text has spaces) by the JSON parser. Values that are not strings
    /// are left out.
    static func runValues(_ db: Database, run: Int64) throws -> [(profile: String, value: String)] {
        guard let text = try String.fetchOne(db, sql: "SELECT profile_values FROM analysis_run_values WHERE run_id = ?", arguments: [run]) else { return [] }
        let pairs = try Transitions.pairs(compactObjectText: text) ?? JSONTextParser.parseObject(text).compactMap { key, value in
            if case .string(let s) = value { (profile: key, value: s) } else { nil }
        }
        return Transitions.sortedUnique(pairs)
    }

    /// Count of stored events of a type, or of all types.
    public func eventCount(type: Message.Kind? = nil) throws(SegmentaError) -> Int {
        try read { db in
            if let type { return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE type = ?", arguments: [type.rawValue]) ?? 0 }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0
        }
    }

    /// The profile an external id (userId or anonymousId) resolves to.
    public func profileID(forExternalID id: String) throws(SegmentaError) -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT profile_id FROM identities WHERE external_id = ?", arguments: [id.normalizedID]) }
    }

    /// Every external id with the profile it resolves to, by id.
    public func identityMap() throws(SegmentaError) -> [(id: String, profile: String)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT external_id, profile_id FROM identities ORDER BY external_id").map { ($0[0], $0[1]) }
        }
    }

    /// Every (account, person) pair of account membership, by account then person.
    public func accountMemberships() throws(SegmentaError) -> [(account: String, profile: String)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT account_id, profile_id FROM account_members ORDER BY account_id, profile_id").map { ($0[0], $0[1]) }
        }
    }

    /// Members of an account.
    public func accountMembers(_ account: String) throws(SegmentaError) -> [String] {
        try read { db in try String.fetchAll(db, sql: "SELECT profile_id FROM account_members WHERE account_id = ? ORDER BY profile_id", arguments: [account]) }
    }
}

extension SQLiteStore {
    /// Each profile's value of a computed trait, as text.
    public func computedTraitValues(_ name: String, members segment: String? = nil) throws(SegmentaError) -> [String: String] {
        let members = segment == nil ? "" : "JOIN segment_membership m ON m.profile_id = c.profile_id AND m.segment = ?3 AND m.exited_snapshot IS NULL"
        return try read { db in
            var out: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT c.profile_id, c.traits -> ?1 FROM computed_values c \(members) WHERE c.grp = ?2 AND c.traits -> ?1 IS NOT NULL",
                                        arguments: StatementArguments([ComputedTraitLayout.path(of: name), ComputedTraitLayout.group(of: name)] + (segment.map { [$0] } ?? []))) {
                let v = try JSONTextParser.parse(row[1] as String)
                out[row[0]] = v.stringValue ?? v.jsonText
            }
            return out
        }
    }
}

extension SQLiteStore {
    /// Per profile, the number of track events of a name in the `days` × 24 hours before `asOf`
    /// (every profile appears, with 0 when it has none).
    public func orderCurrencies() throws(SegmentaError) -> [(currency: String?, orders: Int)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT currency, COUNT(*) FROM orders GROUP BY currency ORDER BY 2 DESC, 1").map { (currency: $0[0] as String?, orders: $0[1] as Int) }
        }
    }

    /// ``ActivityStore/eventNames`` on SQLite.
    public func eventNames(limit: Int) throws(SegmentaError) -> [(name: String, count: Int)] {
        try read { db in
            let kind = try db.makeStatement(sql: "SELECT type FROM events WHERE name = ? LIMIT 1")
            var out: [(name: String, count: Int)] = []
            for row in try Row.fetchAll(db, sql: "SELECT name, COUNT(*) FROM events WHERE name IS NOT NULL GROUP BY name ORDER BY 2 DESC, 1 LIMIT ?",
                                        arguments: [max(0, limit) + 50]) where out.count < limit {
                let name: String = row[0]
                if try String.fetchOne(kind, arguments: [name]) == "track" { out.append((name, row[1])) }
            }
            return out
        }
    }

    /// ``ActivityStore/trackEvents`` on SQLite.
    public func trackEvents(named names: [String], from: Timestamp, to: Timestamp) throws(SegmentaError) -> [ProfileEvent] {
        guard !names.isEmpty else { return [] }
        return try read { db in
            let marks = Array(repeating: "?", count: names.count).joined(separator: ", ")
            var arguments = StatementArguments(names)
            arguments += [from.milliseconds, to.milliseconds]
            return try Row.fetchAll(db, sql: """
                SELECT profile_id, name, timestamp, properties FROM events
                WHERE type = 'track' AND name IN (\(marks)) AND timestamp >= ? AND timestamp <= ? ORDER BY timestamp
                """, arguments: arguments).map { row in
                ProfileEvent(profile: row[0], name: row[1], timestamp: Timestamp(milliseconds: row[2]), properties: try Self.decodeObject(row[3]))
            }
        }
    }

    /// The statement of ``eventCounts(_:in:)``: name, span, then each window's bounds. It reads
    /// the covering index (name, type, profile, time) alone.
    static func eventCountsSQL(windows: Int) -> String {
        let sums = (0..<windows).map { "SUM(timestamp >= ?\($0 * 2 + 4) AND timestamp <= ?\($0 * 2 + 5))" }.joined(separator: ", ")
        return "SELECT profile_id, \(sums) FROM events WHERE type = 'track' AND name = ?1 AND timestamp >= ?2 AND timestamp <= ?3 GROUP BY profile_id"
    }

    /// ``ActivityStore/eventCounts(_:in:)`` on SQLite: one `GROUP BY profile_id` over the events
    /// of the name from the earliest start to the latest end, a sum per window.
    public func eventCounts(_ name: String, in windows: [ClosedRange<Timestamp>]) throws(SegmentaError) -> [String: [Double]] {
        guard let span = EventWindows(windows) else { return [:] }
        var arguments: [(any DatabaseValueConvertible)?] = [name, span.from.milliseconds, span.to.milliseconds]
        for w in windows { arguments += [w.lowerBound.milliseconds, w.upperBound.milliseconds] }
        return try read { db in
            var out: [String: [Double]] = [:]
            for row in try Row.fetchAll(db, sql: Self.eventCountsSQL(windows: windows.count), arguments: StatementArguments(arguments)) {
                let counts = windows.indices.map { Double(row[$0 + 1] as Int) }
                if counts.contains(where: { $0 > 0 }) { out[row[0]] = counts }
            }
            return out
        }
    }
}

extension SQLiteStore {
    /// The latest run of an analysis kind (by when it ran), with its time of running.
    /// - Parameter parameters: only runs with exactly these parameters (e.g. a cohort period and split).
    public func latestAnalysisRun(kind: String, parameters: JSONValue? = nil) throws(SegmentaError) -> (run: AnalysisRun, createdAt: Timestamp)? {
        try read { db in
            guard let r = try Row.fetchOne(db, sql: "SELECT as_of, parameters, summary, created_at FROM analysis_runs WHERE kind = ?1 AND (?2 IS NULL OR parameters = ?2) ORDER BY id DESC LIMIT 1",
                                           arguments: [kind, parameters?.jsonText]) else { return nil }
            return (AnalysisRun(asOf: Timestamp(milliseconds: r[0]), parameters: try JSONTextParser.parse(r[1] as String), summary: try JSONTextParser.parse(r[2] as String)),
                    Timestamp(milliseconds: r[3]))
        }
    }
}
