public import SegmentaCore

/// What the analyses, pages and the privacy API read from events kept in ClickHouse: the same
/// answers as the primary stores' own event queries, with every event resolved to its profile
/// through the latest identity row of its id, and every message counted once however many
/// times an SDK retry stored it.
extension ClickHouseEventStore {
    typealias Q = ClickHouseSQL

    /// A message, for counting each once (``ClickHouseBehaviourSQL/message``).
    static let message = ClickHouseBehaviourSQL.message

    var events: String { "\(client.url.database).\(schema.events)" }

    /// Each event's profile through the latest identity row of its id (``ClickHouseBehaviourSQL/identityJoin``).
    var identityJoin: String { ClickHouseBehaviourSQL(at: .now, database: client.url.database, eventsTable: schema.events).identityJoin }

    /// Rows of events grouped per resolved profile: `SELECT profile, <columns> … GROUP BY profile`.
    func perProfile(_ columns: String, where condition: String) async throws(SegmentaError) -> [[String]] {
        try await client.rows("""
            SELECT profile, \(columns) FROM \(events)
            \(identityJoin)
            WHERE profile != '' AND \(condition)
            GROUP BY profile
            """)
    }

    /// Each profile's number of `name` track events (each message once) in each of `windows`,
    /// one pass over the span (``ActivityStore/eventCounts(_:in:)``): only profiles with some.
    public func eventCounts(_ name: String, in windows: [ClosedRange<Timestamp>]) async throws(SegmentaError) -> [String: [Double]] {
        guard let span = EventWindows(windows) else { return [:] }
        let counts = windows.map { w in
            "uniqExactIf(\(Self.message), timestamp >= \(Q.integer(w.lowerBound.milliseconds)) AND timestamp <= \(Q.integer(w.upperBound.milliseconds)))"
        }.joined(separator: ", ")
        var out: [String: [Double]] = [:]
        for row in try await perProfile(counts, where: """
            type = 'track' AND event = \(Q.quote(name)) AND timestamp >= \(Q.integer(span.from.milliseconds)) AND timestamp <= \(Q.integer(span.to.milliseconds))
            """) where row.count == windows.count + 1 {
            let n = row.dropFirst().map { Double($0) ?? 0 }
            if n.contains(where: { $0 > 0 }) { out[row[0]] = n }
        }
        return out
    }

    /// Track events named one of `names` from `from` to `to`, each message once, with its profile
    /// through the latest identity row of its id, oldest first (``ActivityStore/trackEvents``).
    public func trackEvents(named names: [String], from: Timestamp, to: Timestamp) async throws(SegmentaError) -> [ProfileEvent] {
        guard !names.isEmpty else { return [] }
        return try await client.rows("""
            SELECT profile, event, timestamp, properties FROM (
              SELECT profile, event, timestamp, properties, \(Self.message) AS k FROM \(events)
              \(identityJoin)
              WHERE profile != '' AND type = 'track' AND event IN (\(names.map(Q.quote).joined(separator: ", ")))
                AND timestamp >= \(Q.integer(from.milliseconds)) AND timestamp <= \(Q.integer(to.milliseconds))
            )
            ORDER BY timestamp
            LIMIT 1 BY k
            """).compactMap { r -> ProfileEvent? in
            guard r.count == 4, let t = Int64(r[2]) else { return nil }
            return ProfileEvent(profile: r[0], name: r[1], timestamp: Timestamp(milliseconds: t), properties: (try? JSONTextParser.parseObject(r[3])) ?? [:])
        }
    }

    /// Track event names by how many messages carry them, most first.
    public func eventNames(limit: Int) async throws(SegmentaError) -> [(name: String, count: Int)] {
        try await client.rows("""
            SELECT event, uniqExact(\(Self.message)) AS n FROM \(events) WHERE type = 'track'
            GROUP BY event ORDER BY n DESC, event LIMIT \(max(0, limit))
            """).compactMap { row in row.count == 2 ? (row[0], Int(row[1]) ?? 0) : nil }
    }

    /// Profiles with events of `kind` (any event type, or one track event) and when (once per message).
    public func activity(event name: String?) async throws(SegmentaError) -> [CohortRetention.Activity] {
        let filter = name.map { "type = 'track' AND event = \(Q.quote($0))" } ?? "type IN ('track', 'page', 'screen')"
        return try await client.rows("""
            SELECT profile, timestamp FROM \(events)
            \(identityJoin)
            WHERE profile != '' AND \(filter)
            LIMIT 1 BY profile, \(Self.message)
            """).compactMap { row in
            guard row.count == 2, let t = Int64(row[1]) else { return nil }
            return CohortRetention.Activity(customerID: row[0], timestamp: Timestamp(milliseconds: t))
        }
    }

    /// Profiles with at least one track event in the `days` days up to `asOf` (`name` alone when given).
    public func activeProfiles(event name: String?, days: Int, asOf: Timestamp) async throws(SegmentaError) -> Set<String> {
        let filter = name.map { " AND event = \(Q.quote($0))" } ?? ""
        return Set(try await perProfile("count()", where: """
            type = 'track'\(filter) AND timestamp >= \(Q.integer(asOf.adding(days: -days).milliseconds)) AND timestamp <= \(Q.integer(asOf.milliseconds))
            """).compactMap(\.first))
    }

    /// Each profile's latest time of a track event up to `asOf`.
    public func lastTrackTimes(asOf: Timestamp) async throws(SegmentaError) -> [String: Int64] {
        var out: [String: Int64] = [:]
        for row in try await perProfile("max(timestamp)", where: "type = 'track' AND timestamp <= \(Q.integer(asOf.milliseconds))") where row.count == 2 {
            if let t = Int64(row[1]) { out[row[0]] = t }
        }
        return out
    }

    /// Per profile, the numeric property `property` of its latest `name` track event in
    /// [from, to] — nothing when that latest event has no number there.
    public func latestNumber(event name: String, property: String, from: Timestamp, to: Timestamp) async throws(SegmentaError) -> [String: Double] {
        let at = "indexOf(prop_keys, \(Q.quote(property)))"
        var out: [String: Double] = [:]
        for row in try await perProfile("argMax(if(prop_kinds[\(at)] = 2, toString(prop_numbers[\(at)]), ''), (timestamp, \(Self.message)))", where: """
            type = 'track' AND event = \(Q.quote(name)) AND timestamp >= \(Q.integer(from.milliseconds)) AND timestamp <= \(Q.integer(to.milliseconds))
            """) where row.count == 2 {
            if let v = Double(row[1]) { out[row[0]] = v }
        }
        return out
    }

    /// Per profile, the mean of the numeric property `property` over its `name` track events up
    /// to `asOf` (each message once), for profiles with one at least.
    public func meanNumber(event name: String, property: String, asOf: Timestamp) async throws(SegmentaError) -> [String: Double] {
        let at = "indexOf(prop_keys, \(Q.quote(property)))"
        let numeric = "prop_kinds[\(at)] = 2"
        var out: [String: Double] = [:]
        for row in try await perProfile("arraySum(arrayMap(x -> tupleElement(x, 2), groupUniqArrayIf((\(Self.message), prop_numbers[\(at)]), \(numeric)))) / uniqExactIf(\(Self.message), \(numeric))", where: """
            type = 'track' AND event = \(Q.quote(name)) AND timestamp <= \(Q.integer(asOf.milliseconds)) AND \(numeric)
            """) where row.count == 2 {
            if let v = Double(row[1]) { out[row[0]] = v }
        }
        return out
    }

    /// The times of `name` track events of these profiles, per profile.
    public func eventTimes(_ name: String, profiles: Set<String>) async throws(SegmentaError) -> [String: [Int64]] {
        guard !profiles.isEmpty else { return [:] }
        var out: [String: [Int64]] = [:]
        for chunk in Array(profiles).sorted().chunked(10_000) {
            for row in try await perProfile("groupUniqArray(timestamp)", where: """
                type = 'track' AND event = \(Q.quote(name)) AND profile IN (\(chunk.map(Q.quote).joined(separator: ", ")))
                """) where row.count == 2 {
                out[row[0]] = row[1].trimmingCharacters(in: ["[", "]"]).split(separator: ",").compactMap { Int64($0) }
            }
        }
        return out
    }

    /// Messages stored under any of `ids` (the ids events arrived with), once each: by type and,
    /// for track, by name; with how many of them came dated more than a day ahead.
    public func eventCounts(ofIDs ids: [String]) async throws(SegmentaError) -> [(type: String, name: String, count: Int, futureDated: Int)] {
        guard !ids.isEmpty else { return [] }
        return try await client.rows("""
            SELECT type, event, uniqExact(\(Self.message)), uniqExactIf(\(Self.message), future_dated = 1) FROM \(events)
            WHERE distinct_id IN (\(ids.map(Q.quote).joined(separator: ", ")))
            GROUP BY type, event
            """).compactMap { row in row.count == 4 ? (row[0], row[1], Int(row[2]) ?? 0, Int(row[3]) ?? 0) : nil }
    }

    /// One stored event, as the API shows it, with its place in newest-first order.
    public struct StoredEvent: Sendable {
        /// The event as the API shows it.
        public var json: JSONValue
        /// Its time, in milliseconds since 1970 (the first key of the order).
        public var timestamp: Int64
        /// The message's hash: the second key of the order (``ClickHouseBehaviourSQL/message``).
        public var key: UInt64
        /// Its name (empty for an unnamed page or screen).
        public var name: String
        /// Its properties.
        public var properties: [String: JSONValue]
    }

    /// Events stored under any of `ids`, newest first, each message once (a message stored twice
    /// by a retried insert, on one shard or on both, is one row), after `(time, key)`: `limit` of
    /// them, or fewer only when there are no more.
    public func events(ofIDs ids: [String], after: (time: Int64, key: UInt64)?, limit: Int?, trackOnly: Bool = false) async throws(SegmentaError) -> [StoredEvent] {
        guard !ids.isEmpty else { return [] }
        var conditions = ["distinct_id IN (\(ids.map(Q.quote).joined(separator: ", ")))"]
        if trackOnly { conditions.append("type = 'track'") }
        if let after {
            conditions.append("(timestamp < \(Q.integer(after.time)) OR (timestamp = \(Q.integer(after.time)) AND \(Self.message) < \(after.key)))")
        }
        // Sorted, deduplicated and cut on the initiator, in the outer query: on a Distributed table
        // ClickHouse 18.16 applies `LIMIT n` per shard and before `LIMIT 1 BY`, and concatenates the
        // shards' rows unsorted, so a page could skip newer rows of one shard and end on an old one.
        return try await client.rows("""
            SELECT type, event, timestamp, received_at, properties, message_id, source, k FROM (
              SELECT type, event, timestamp, received_at, properties, message_id, source, \(Self.message) AS k FROM \(events)
              WHERE \(conditions.joined(separator: " AND "))
            )
            ORDER BY timestamp DESC, k DESC
            LIMIT 1 BY timestamp, k
            \(limit.map { "LIMIT \(max(0, $0))" } ?? "")
            """).compactMap { r -> StoredEvent? in
            guard r.count == 8, let t = Int64(r[2]), let received = Int64(r[3]), let key = UInt64(r[7]) else { return nil }
            let properties = (try? JSONTextParser.parseObject(r[4])) ?? [:]
            let json = JSONValue.object([
                "type": .string(r[0]), "name": r[1].isEmpty && r[0] != "track" ? .null : .string(r[1]),
                "timestamp": .string(Timestamp(milliseconds: t).iso8601), "received_at": .string(Timestamp(milliseconds: received).iso8601),
                "properties": .object(properties), "context": .object([:]), "message_id": .string(r[5]), "source": .string(r[6]),
            ])
            return StoredEvent(json: json, timestamp: t, key: key, name: r[1], properties: properties)
        }
    }

    /// Erases the events of these ids from every shard (a ClickHouse mutation, applied in the
    /// background, after which no query sees them) and marks the ids as belonging to nobody.
    public func erase(ids: [String]) async throws(SegmentaError) {
        guard !ids.isEmpty else { return }
        try await record(ids.map { ProfileIdentity(id: $0, profile: "", signup: nil) }, version: Self.newVersion())
        for chunk in ids.chunked(10_000) {
            let list = chunk.map { Q.quote($0.normalizedID) }.joined(separator: ", ")
            for host in client.url.hosts {
                try await client.execute("ALTER TABLE \(client.url.database).events_local DELETE WHERE distinct_id IN (\(list))", on: host)
            }
        }
    }
}

extension Array {
    /// The array in consecutive pieces of at most `size` elements.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: Swift.max(1, size)).map { self[$0..<Swift.min($0 + Swift.max(1, size), count)] }
    }
}
