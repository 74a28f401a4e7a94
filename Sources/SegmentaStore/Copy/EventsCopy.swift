public import SegmentaCore

extension StoreCopy {
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
        func text(_ row: [SQLArgument], _ name: String) -> String? {
            guard let i = column[name], i < row.count, case .text(let s) = row[i] else { return nil }
            return s
        }
        func integer(_ row: [SQLArgument], _ name: String) -> Int64? {
            guard let i = column[name], i < row.count, case .integer(let n) = row[i] else { return nil }
            return n
        }
        var pending = ""
        var pendingRows = 0
        var sent = 0
        try await copyTable(table, from: source) { rows in
            for row in rows {
                guard let type = text(row, "type"), ["track", "page", "screen"].contains(type),
                      let profile = text(row, "profile_id"), let timestamp = integer(row, "timestamp") else { continue }
                let properties = (try? JSONTextParser.parseObject(text(row, "properties") ?? "{}")) ?? [:]
                ClickHouseEventRow(source: text(row, "source") ?? "", messageID: text(row, "message_id") ?? "", profile: profile, type: type,
                                   event: text(row, "name") ?? "", timestamp: timestamp, receivedAt: integer(row, "received_at") ?? timestamp,
                                   properties: properties).writeJSONLine(to: &pending)
                pendingRows += 1
            }
            if pendingRows >= clickHouseBatch {
                try await events.insertRows(pending)
                sent += pendingRows
                progress(sent)
                (pending, pendingRows) = ("", 0)
            }
        }
        try await events.insertRows(pending)
        sent += pendingRows
        progress(sent)
        let stored = try await events.storedEvents()
        guard stored == sent else {
            throw SegmentaError(.storage, "ClickHouse holds \(stored) events where \(sent) were sent (was something else writing to \(events.location)?)")
        }
        return (sent, identities.count)
    }
}
