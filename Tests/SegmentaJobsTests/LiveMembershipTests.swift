import Testing
import SegmentaCore
import SegmentaStore
import SegmentaJobs

/// The segments a profile's data puts it in now, beside the last refreshes' (issue 36): worked out
/// by hand on three people, a segment on a trait, one on an event count, a static list and a
/// segment that refers to it.
@Suite struct LiveMembershipTests {
    static let day = Timestamp(year: 2026, month: 3, day: 2)

    @Test func enteringAndLeavingAreWhatTheNextRefreshWillDo() async throws {
        let db = try SQLiteStore().backend
        _ = try await db.apply([
            Message(kind: .identify, messageID: "1", userID: "a", traits: ["plan": "pro"], timestamp: Self.day),
            Message(kind: .identify, messageID: "2", userID: "b", traits: ["plan": "free"], timestamp: Self.day),
            Message(kind: .identify, messageID: "3", userID: "c", traits: ["plan": "pro"], timestamp: Self.day),
        ], source: "t", arrival: Self.day)
        for d in [#"{"name": "pro", "condition": {"trait": "plan", "op": "eq", "value": "pro"}}"#,
                  #"{"name": "active", "condition": {"event": "Logged In", "window": {"last_days": 30}, "op": "gte", "value": 1}}"#,
                  #"{"name": "vip-pro", "condition": {"all": [{"segment": "vip"}, {"segment": "pro"}]}}"#] {
            if d.contains("vip-pro") { _ = try await db.importStatic("vip", ids: ["a", "b"], description: "") }
            _ = try await db.createSegment(try JSONTextParser.parse(d))
        }
        for s in ["pro", "active", "vip-pro"] { _ = try await db.refresh(s, asOf: Self.day) }
        // Then, with no refresh: a moves to free, b to pro, and b logs in.
        let later = Self.day.adding(days: 1)
        _ = try await db.apply([
            Message(kind: .identify, messageID: "4", userID: "a", traits: ["plan": "free"], timestamp: later),
            Message(kind: .identify, messageID: "5", userID: "b", traits: ["plan": "pro"], timestamp: later),
            Message(kind: .track, messageID: "6", userID: "b", event: "Logged In", timestamp: later),
        ], source: "t", arrival: later)
        func live(_ id: String) async throws -> LiveMembership? {
            guard let detail = try await db.profileDetail(id) else { return nil }
            return try await LiveMembership.of(detail, in: db, now: later)
        }
        let a = try #require(try await live("a")), b = try #require(try await live("b")), c = try #require(try await live("c"))
        #expect(try await db.profileDetail("a")?.segments == ["pro", "vip", "vip-pro"])
        #expect(a.holdsNow == [] && a.entering == [] && a.leaving == ["pro", "vip-pro"])
        #expect(b.holdsNow == ["active", "pro", "vip-pro"] && b.entering == ["active", "pro", "vip-pro"] && b.leaving == [])
        #expect(c.holdsNow == ["pro"] && c.entering == [] && c.leaving == [])
        // The next refreshes do exactly that.
        for s in ["pro", "active", "vip-pro"] { _ = try await db.refresh(s, asOf: later) }
        #expect(try await db.profileDetail("a")?.segments == ["vip"])
        #expect(try await db.profileDetail("b")?.segments == ["active", "pro", "vip", "vip-pro"])
        #expect(try #require(try await live("b")).entering.isEmpty)
    }
}
