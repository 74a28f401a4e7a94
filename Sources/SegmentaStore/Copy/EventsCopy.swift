public import SegmentaCore

extension StoreCopy {
    /// Appends a stored event row (track, page or screen) as a `JSONEachRow` line; false for
    /// other rows (identify, group, alias are not events).
    static func eventLine(_ row: [SQLArgument], column: [String: Int], to out: inout String) -> Bool {
        func text(_ name: String) -> String? {
            guard let i = column[name], i < row.count, case .text(let s) = row[i] else { return nil }
            return s
        }
        func integer(_ name: String) -> Int64? {
            guard let i = column[name], i < row.count, case .integer(let n) = row[i] else { return nil }
            return n
        }
        guard let type = text("type"), ["track", "page", "screen"].contains(type),
              let profile = text("profile_id"), let timestamp = integer("timestamp") else { return false }
        let properties = (try? JSONTextParser.parseObject(text("properties") ?? "{}")) ?? [:]
        ClickHouseEventRow(source: text("source") ?? "", messageID: text("message_id") ?? "", profile: profile, type: type,
                           event: text("name") ?? "", timestamp: timestamp, receivedAt: integer("received_at") ?? timestamp, properties: properties,
                           futureDated: FutureDated.holds(originalTimestamp: integer("original_timestamp"), sentAt: integer("sent_at"),
                                                          receivedAt: integer("received_at") ?? timestamp)).writeJSONLine(to: &out)
        return true
    }

    /// Rows sent to ClickHouse per insert: large inserts make few parts.
    static let clickHouseBatch = 200_000

    /// `segmenta store copy --from STORE --events-to clickhouse://…`: the events (track, page and
    /// screen) of a store into an empty ClickHouse event store, each under its profile's id, and
    /// every id the store knows (profile ids, user ids, anonymous ids) with its profile and signup.
    /// The source is only read. The events are counted on both sides at the end.
    public static func copyEvents(from source: Endpoint, to events: ClickHouseEventStore,
                                  progress: @Sendable (Int) -> Void = { _ in }) async throws(SegmentaError) -> (events: Int, identities: Int) {
        try await events.migrate()
        let present = try await events.storedEvents()
        guard present == 0 else {
            throw SegmentaError(.conflict, "ClickHouse at \(events.location) already holds \(present) events; copy into an empty database (drop it, or name another in the URL)")
        }
        let storage: any Storage
        switch source {
        case .sqlite(let store, _): storage = store.backend
        case .postgres(let backend): storage = backend
        }
        // Identities first: an event counts once its id resolves.
        let signups = try await storage.signupTimes()
        var identities = try await storage.profileIDs().map { ClickHouseEventStore.Identity(id: $0, profile: $0, signup: signups[$0]) }
        for (id, profile) in try await storage.identityMap() where id != profile {
            identities.append(.init(id: id, profile: profile, signup: signups[profile]))
        }
        for start in stride(from: 0, to: identities.count, by: clickHouseBatch) {
            try await events.record(Array(identities[start..<min(start + clickHouseBatch, identities.count)]), version: ClickHouseEventStore.newVersion())
        }
        guard let table = StoreTable.all.first(where: { $0.name == "events" }) else { throw SegmentaError(.storage, "no events table to copy") }
        let column = Dictionary(table.columns.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        var pending: [[SQLArgument]] = []
        var sent = 0
        // Rows are gathered a batch at a time, turned into JSONEachRow lines on every core, sent.
        func flush() async throws(SegmentaError) {
            let rows = pending
            let counted = ParallelChunks.map(rows.count) { range -> [(String, Int)] in
                var lines = ""
                var n = 0
                for row in rows[range] where eventLine(row, column: column, to: &lines) { n += 1 }
                return [(lines, n)]
            }
            try await events.insertRows(counted.map(\.0).joined())
            sent += counted.reduce(0) { $0 + $1.1 }
            progress(sent)
            pending.removeAll(keepingCapacity: true)
        }
        try await copyTable(table, from: source) { rows in
            pending += rows
            if pending.count >= clickHouseBatch { try await flush() }
        }
        try await flush()
        let stored = try await events.storedEvents()
        guard stored == sent else {
            throw SegmentaError(.storage, "ClickHouse holds \(stored) events where \(sent) were sent (was something else writing to \(events.location)?)")
        }
        return (sent, identities.count)
    }
}
