import Testing
import SegmentaCore
import SegmentaStore
import SegmentaJobs

/// `segments explain` on a small store whose answers are worked out by hand.
@Suite struct MembershipExplanationTests {
    static let at = Timestamp(milliseconds: 1_780_000_000_000)   // 2026-05-28

    /// ana: pro, 3 logins in the last week, in the static list "vip"; ben: free, 1 login, known
    /// also by the anonymous id "anon-ben"; "engaged" = pro and ≥ 2 logins in 7 days, or in "vip".
    static func store() async throws -> any Storage {
        let db = try SQLiteStore().backend
        var messages = [Message(kind: .identify, messageID: "i1", userID: "ana", traits: ["plan": "pro"], timestamp: at.adding(days: -30)),
                        Message(kind: .identify, messageID: "i2", userID: "ben", anonymousID: "anon-ben", traits: ["plan": "free"], timestamp: at.adding(days: -30))]
        for d in 1...3 { messages.append(Message(kind: .track, messageID: "a\(d)", userID: "ana", event: "Logged In", timestamp: at.adding(days: -d))) }
        messages.append(Message(kind: .track, messageID: "b1", userID: "ben", event: "Logged In", timestamp: at.adding(days: -2)))
        _ = try await db.apply(messages, source: "t", arrival: at)
        _ = try await db.importStatic("vip", ids: ["ana"], description: "")
        _ = try await db.createSegment(try JSONTextParser.parse("""
            {"name": "engaged", "condition": {"any": [
              {"all": [{"trait": "plan", "op": "eq", "value": "pro"}, {"event": "Logged In", "window": {"last_days": 7}, "op": "gte", "value": 2}]},
              {"segment": "vip"}]}}
            """))
        return db
    }

    @Test func aNonMemberSeesWhatItLacks() async throws {
        let db = try await Self.store()
        let e = try await MembershipExplanation.run(db, segment: "engaged", profile: "anon-ben", asOf: Self.at)
        #expect(e.profile == "ben" && !e.member)
        let first = e.tree.children[0]
        #expect(first.children.map(\.value) == ["free", 1])
        #expect(e.tree.children[1].kind == "segment" && e.tree.children[1].value == false)
        // The cheapest way in is the static list (one leaf) rather than plan and logins (two).
        #expect(e.blocking.map(\.text) == [#"in segment "vip""#])
        #expect(e.lines.last == #"  • in segment "vip" (here: false)"#)
        let json = e.json.objectValue
        #expect(json?["held"] == false && json?["tree"]?.objectValue?["held"] == false)
    }

    @Test func aMemberAndTheSQLAgree() async throws {
        let db = try await Self.store()
        let e = try await MembershipExplanation.run(db, segment: "engaged", profile: "ana", asOf: Self.at)
        #expect(e.member && e.tree.children.map(\.held) == [true, true])
        #expect(e.tree.children[0].children[1].value == 3)
        _ = try await db.refresh("engaged", asOf: Self.at)
        #expect(try await db.members(of: "engaged") == ["ana"])
        // A week later the logins have aged out, but ana is still in through the list.
        let later = try await MembershipExplanation.run(db, segment: "engaged", profile: "ana", asOf: Self.at.adding(days: 7))
        #expect(later.member && later.tree.children.map(\.held) == [false, true])
        #expect(later.tree.children[0].children[1].value == 0)
    }

    @Test func aMemberSeesEveryConditionWhoseChangeAloneRemovesThem() async throws {
        let db = try await Self.store()
        _ = try await db.createSegment(try JSONTextParser.parse("""
            {"name": "active-pros", "condition": {"all": [{"trait": "plan", "op": "eq", "value": "pro"},
              {"event": "Logged In", "window": {"last_days": 7}, "op": "gte", "value": 2}, {"trait": "plan", "op": "exists", "value": true}]}}
            """))
        // ana holds all three: any one failing removes her, so all three are named, each alone.
        let e = try await MembershipExplanation.run(db, segment: "active-pros", profile: "ana", asOf: Self.at)
        #expect(e.member && e.eachAlone)
        #expect(e.blocking.count == 3 && e.blocking.map(\.kind) == ["trait", "event", "trait"])
        #expect(e.lines.contains("It would leave if any one of these stopped holding:"))
        #expect(e.json.objectValue?["blocking_each_alone"] == .bool(true))
        // In "engaged" through both branches: no single change removes her; both must change.
        let both = try await MembershipExplanation.run(db, segment: "engaged", profile: "ana", asOf: Self.at)
        #expect(both.member && !both.eachAlone && both.blocking.count == 2)
        #expect(both.lines.contains("It would leave if all of these stopped holding:"))
    }

    @Test func asSeenExplainsTheLastRefreshAndSaysWhatNowWouldChange() async throws {
        let db = try await Self.store()
        _ = try await db.createSegment(try JSONTextParser.parse("""
            {"name": "active-pro", "condition": {"all": [{"trait": "plan", "op": "eq", "value": "pro"},
              {"event": "Logged In", "window": {"last_days": 7}, "op": "gte", "value": 2}]}}
            """))
        // Refreshed ten days ago, before ana's three logins: the list does not have her; now she qualifies.
        _ = try await db.refresh("active-pro", asOf: Self.at.adding(days: -10))
        let e = try await MembershipExplanation.asSeen(db, segment: "active-pro", profile: "ana", now: Self.at)
        #expect(e.refreshedAsOf == Self.at.adding(days: -10) && e.asOf == Self.at.adding(days: -10))
        #expect(e.listed == false && !e.member && e.live == true)
        #expect(e.lines.first == "ana is not in \"active-pro\" as of its last refresh (\(Self.at.adding(days: -10).iso8601)):")
        #expect(e.lines.last == "As of now the condition holds: the next refresh will add them to \"active-pro\".")
        #expect(e.json.objectValue?["listed"] == .bool(false) && e.json.objectValue?["live"] == .bool(true))
        // After a refresh as of now, the two answers agree and nothing more is said.
        _ = try await db.refresh("active-pro", asOf: Self.at)
        let now = try await MembershipExplanation.asSeen(db, segment: "active-pro", profile: "ana", now: Self.at)
        #expect(now.listed == true && now.member && now.live == true && !now.lines.contains { $0.hasPrefix("As of now") })
        // Never refreshed: explained as of now, as before.
        _ = try await db.createSegment(try JSONTextParser.parse(#"{"name": "pros", "condition": {"trait": "plan", "op": "eq", "value": "pro"}}"#))
        let fresh = try await MembershipExplanation.asSeen(db, segment: "pros", profile: "ana", now: Self.at)
        #expect(fresh.refreshedAsOf == nil && fresh.member && fresh.asOf == Self.at)
    }

    @Test func unknownSegmentsAndPeopleAreNamed() async throws {
        let db = try await Self.store()
        await #expect { _ = try await MembershipExplanation.run(db, segment: "nope", profile: "ana", asOf: Self.at) } throws: { e in
            (e as? SegmentaError)?.code == .notFound && "\(e)".contains("no segment named \"nope\"")
        }
        await #expect { _ = try await MembershipExplanation.run(db, segment: "engaged", profile: "zoe", asOf: Self.at) } throws: { e in
            (e as? SegmentaError)?.code == .notFound && "\(e)".contains("nobody is known by \"zoe\"")
        }
        let list = try await MembershipExplanation.run(db, segment: "vip", profile: "ben", asOf: Self.at)
        #expect(list.isStatic && !list.member)
    }
}
