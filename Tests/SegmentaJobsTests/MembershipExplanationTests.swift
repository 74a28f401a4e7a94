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
