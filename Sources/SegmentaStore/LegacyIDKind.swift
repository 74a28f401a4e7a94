import GRDB

/// The kinds of pre-v12 derived ids a store may hold (recorded by the v12 migration in `store_facts`).
enum LegacyIDKind: String, Sendable {
    /// Generated order ids, `auto:` + 16 hex digits.
    case orders = "legacy_order_ids"
    /// Content ids of messages without a messageId, `content:` + 16 hex digits.
    case contents = "legacy_content_ids"
}

extension SQLiteStore {
    /// Whether the store holds pre-v12 derived ids of this kind.
    static func holdsLegacyIDs(_ db: Database, _ kind: LegacyIDKind) throws -> Bool {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT value FROM store_facts WHERE name = ?"), arguments: [kind.rawValue]) == 1
    }
}
