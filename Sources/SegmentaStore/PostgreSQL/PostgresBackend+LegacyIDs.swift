import SegmentaCore
import PostgresNIO

/// Pre-v4 derived ids (64-bit) on PostgreSQL: a store that holds some keeps recognising them, so
/// that a message or an order received again after the upgrade stays a duplicate.
extension PostgresBackend {
    /// Whether the store holds pre-v4 derived ids of this kind (recorded by migration 4).
    static func holdsLegacyIDs(_ pg: PG, _ kind: LegacyIDKind) async throws -> Bool {
        try await pg.value("SELECT value FROM store_facts WHERE name = \(kind.rawValue)", as: Int.self) == 1
    }

    /// Id-less messages whose pre-v4 content id is stored take that id.
    static func adoptLegacyContentIDs(_ pg: PG, _ messages: [Message], ids: inout [String], source: String, storeEvents: Bool) async throws {
        var legacy: [Int: String] = [:]
        for (i, m) in messages.enumerated() where m.messageID == nil { legacy[i] = LegacyDerivedID.content(m) }
        guard !legacy.isEmpty else { return }
        let candidates = Array(Set(legacy.values))
        let stored = Set(storeEvents
            ? try await pg.column("SELECT message_id FROM events WHERE source = \(source) AND message_id = ANY(\(candidates)::text[])", as: String.self)
            : try await pg.column("SELECT substr(order_id, 5) FROM orders WHERE order_id = ANY(\(candidates.map { "msg:" + $0 })::text[])", as: String.self))
        for (i, old) in legacy where stored.contains(old) { ids[i] = old }
    }

    /// Generated-id orders whose pre-v4 id is stored take that id (`occurrences` as given by ``OrderLoad/ids(_:occurrences:)``).
    static func adoptLegacyOrderIDs(_ pg: PG, _ orders: [Order], occurrences: [Int], ids: inout [String]) async throws {
        var legacy: [Int: String] = [:]
        for (i, o) in orders.enumerated() where o.id == nil {
            legacy[i] = LegacyDerivedID.order(customer: o.customerID, milliseconds: o.timestamp.milliseconds, amount: o.amount, occurrence: occurrences[i])
        }
        guard !legacy.isEmpty else { return }
        let candidates = Array(Set(legacy.values))
        var stored = Set<String>()
        for start in stride(from: 0, to: candidates.count, by: chunk) {
            let part = Array(candidates[start..<min(start + chunk, candidates.count)])
            stored.formUnion(try await pg.column("SELECT order_id FROM orders WHERE order_id = ANY(\(part)::text[])", as: String.self))
        }
        for (i, old) in legacy where stored.contains(old) { ids[i] = old }
    }
}
