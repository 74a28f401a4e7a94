import Foundation
import GRDB
import PostgresNIO
import Testing
@testable import SegmentaCore
@testable import SegmentaStore

/// The support lookup's email and phone index, on every SQL backend: the store's answer equals
/// Core's rule (``ContactKey/matches(_:)``) applied to every profile's trait, and the query reads
/// the index (its plan names it) instead of every profile.
@Suite("Contact index: people by email or phone, one index read")
struct ContactIndexTests {
    static let at = (try? Timestamp.parse("2026-03-01T12:00:00Z")) ?? Timestamp(milliseconds: 0)

    static let people: [(user: String, traits: [String: JSONValue])] = [
        ("u1", ["email": "Ada@Example.com"]),
        ("u2", ["email": "  ada@example.com ", "phone": "+33 6 12-34-56-78"]),
        ("u3", ["email": "élise@exemple.fr", "phone": "(06) 12.34.56.78"]),
        ("u4", ["email": "ÉLISE@EXEMPLE.FR", "phone": .number(33612345678)]),
        ("u5", ["email": .number(42), "phone": "0612345678 ext 4"]),
        ("u6", ["name": "no email, no phone", "emails": ["ada@example.com"]]),
    ]

    /// Each key and the users a person would expect it to find, worked out by hand.
    static let expected: [(ContactKey, [String])] = [
        (.email("ada@example.com"), ["u1", "u2"]),
        (.email("élise@exemple.fr"), ["u3"]),            // u4's É is not A–Z: not folded
        (.email("Élise@exemple.fr"), ["u4"]),
        (.email("42"), ["u5"]),
        (.email("nobody@example.com"), []),
        (.phone("33612345678"), ["u2", "u4"]),            // a number trait is compared by its digits too
        (.phone("0612345678"), ["u3"]),                   // "ext 4" keeps u5's out
        (.phone("061234567"), []),
    ]

    @Test(arguments: ContractBackend.available)
    func answersAsCoreRuleSaysThroughTheIndex(backend: ContractBackend) async throws {
        try await backend.with { store in
            _ = try await store.apply(Self.people.enumerated().map { i, p in
                Message(kind: .identify, messageID: "m\(i)", userID: p.user, traits: p.traits, timestamp: Self.at)
            }, source: "test", arrival: Self.at)
            var user: [String: String] = [:]
            for p in Self.people { user[try await store.profileID(forExternalID: p.user) ?? ""] = p.user }
            for (key, users) in Self.expected {
                let found = try await store.profileIDs(withContact: key, limit: 10)
                #expect(found.map { user[$0] ?? "?" }.sorted() == users, "\(key)")
                #expect(found == found.sorted(), "\(key): in id order")
                // Core's rule on every profile's trait gives the same people.
                let values = try await store.traitValues(key.trait)
                #expect(Set(values.filter { key.matches($0.value) }.keys) == Set(found), "\(key)")
            }
            #expect(try await store.profileIDs(withContact: .email("ada@example.com"), limit: 1).count == 1)
            let plan = try await Self.plan(store, .phone("33612345678")) + Self.plan(store, .email("ada@example.com"))
            #expect(plan.contains("profiles_contact_phone") && plan.contains("profiles_contact_email"), "\(plan)")
        }
    }

    /// The statement's plan, as the backend explains it (PostgreSQL told to avoid a scan, as it
    /// would on a large table: on six rows a scan is cheaper).
    static func plan(_ store: any EventsElsewherePrimary, _ key: ContactKey) async throws -> String {
        if let sqlite = store as? SQLiteBackend {
            return try sqlite.store.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + ContactIndex.select(key, .sqlite), arguments: [key.value, 10])
                    .map { "\($0["detail"] ?? "")" }.joined(separator: "\n")
            }
        }
        guard let pg = store as? PostgresBackend else { return "" }
        var b = PostgresBindings()
        b.append(key.value)
        b.append(10)
        let explain = PostgresQuery(unsafeSQL: "EXPLAIN " + ContactIndex.select(key, .postgres), binds: b)
        return try await pg.read { c in
            try await c.execute("SET LOCAL enable_seqscan = off")
            return try await c.rows(explain).map { try $0.decode(String.self) }.joined(separator: "\n")
        }
    }
}
