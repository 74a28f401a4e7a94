import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Logging
import SegmentaCore
import SegmentaJobs
import SegmentaServer
import SegmentaStore
import Testing

/// Support policies on a real store (issue 38, item 1): saved as versions, resolved into computed
/// traits that segments use, shown by the lookup with why, kept current by the recompute. The
/// people, accounts and expected rules are those of the Core test, worked out by hand.
@Suite("Support policy: API, resolution on the store, lookup")
struct SupportPolicyAPITests {
    static let t = (try? Timestamp.parse("2026-11-01T00:00:00Z")) ?? Timestamp(milliseconds: 0)
    static let policy: JSONValue = ["rules": [
        ["segment": "enterprise", "tier": "enterprise", "priority": "urgent", "first_response_hours": 1, "resolution_hours": 8, "team": "key-accounts", "channels": ["phone", "chat", "email"]],
        ["segment": "vip-list", "tier": "priority", "priority": "high", "first_response_hours": 4, "resolution_hours": 24],
        ["segment": "pro", "tier": "standard", "first_response_hours": 24, "resolution_hours": 72, "channels": ["email", "chat"]],
        ["segment": "free", "tier": "self-service", "priority": "low", "channels": ["self_service", "email"]],
    ], "note": "first policy"]

    /// u1 enterprise, u2 pro, u3 free and on the VIP list, u4 and u5 free, u6 nothing; acme: u1,
    /// u4, u5; beta: u2, u5.
    func seeded() async throws -> TestServer {
        let s = try TestServer()
        let db = s.store.backend
        var messages: [Message] = []
        for (i, (user, plan)) in [("u1", "enterprise"), ("u2", "pro"), ("u3", "free"), ("u4", "free"), ("u5", "free"), ("u6", nil)].enumerated() {
            messages.append(Message(kind: .identify, messageID: "i\(i)", userID: user, traits: plan.map { ["plan": .string($0), "email": .string("\(user)@example.com")] } ?? ["email": .string("\(user)@example.com")], timestamp: Self.t))
        }
        for (i, (account, user)) in [("acme", "u1"), ("acme", "u4"), ("acme", "u5"), ("beta", "u2"), ("beta", "u5")].enumerated() {
            messages.append(Message(kind: .group, messageID: "g\(i)", userID: user, groupID: account, timestamp: Self.t))
        }
        _ = try await db.apply(messages, source: "test", arrival: Self.t)
        for plan in ["enterprise", "pro", "free"] {
            _ = try await db.createSegment(["name": .string(plan), "condition": ["trait": "plan", "op": "eq", "value": .string(plan)]], allowUnknownComputed: false)
            _ = try await db.refresh(plan, asOf: Self.t.adding(days: 1))
        }
        _ = try await db.importStatic("vip-list", ids: ["u3"], description: "named by the success team")
        return s
    }

    @Test func savedResolvedAndUsedBySegments() async throws {
        let s = try await seeded()
        let db = s.store.backend
        try await s.test { client in
            let admin = TestServer.bearer(s.admin)
            try await client.execute(uri: "/api/v1/support/policy", method: .get, headers: admin) { r in
                #expect(r.status == .notFound && r.json["message"]?.stringValue?.contains("PUT /api/v1/support/policy") == true)
            }
            try await client.execute(uri: "/api/v1/support/policy", method: .put, headers: admin, body: ByteBuffer(string: Self.policy.jsonText)) { r in
                #expect(r.status == .ok, "\(r.json)")
                #expect(r.json["version"] == 1 && r.json["note"] == "first policy")
                #expect(r.json["resolution"]?["rules"]?.arrayValues.map { $0["people"] } == [3, 1, 1, 0])
                #expect(r.json["resolution"]?["rules"]?.arrayValues.map { $0["through_accounts"] } == [2, 0, 0, 0])
                #expect(r.json["resolution"]?["rules"]?.arrayValues.map { $0["accounts"] } == [1, 0, 1, 0])
                #expect(r.json["resolution"]?["unmatched"] == 1)
            }
        }
        // The computed traits, person by person.
        func traits(_ id: String) async throws -> [String: JSONValue] { try await db.profileDetail(id)?.computedTraits ?? [:] }
        let u1 = try await traits("u1"), u2 = try await traits("u2")
        #expect(u1["support_tier"] == "enterprise" && u1["support_account"] == nil)
        #expect(try await traits("u4") == ["support_tier": "enterprise", "support_priority": "urgent", "support_team": "key-accounts",
                                           "support_channels": "phone, chat, email", "support_first_response_hours": 1, "support_resolution_hours": 8,
                                           "support_rule": 1, "support_account": "acme"])
        #expect(try await traits("u5")["support_account"] == "acme")
        #expect(u2["support_tier"] == "standard" && u2["support_priority"] == "normal")
        #expect(try await traits("u3")["support_tier"] == "priority")
        #expect(try await traits("u6").isEmpty)
        // A segment on the tier.
        _ = try await db.createSegment(["name": "urgent-tier", "condition": ["computed": "support_priority", "op": "eq", "value": "urgent"]], allowUnknownComputed: false)
        #expect(try await db.refresh("urgent-tier", asOf: Self.t.adding(days: 2)).snapshot.size == 3)
        #expect(Set(try await db.members(of: "urgent-tier")) == ["u1", "u4", "u5"])
    }

    @Test func mistakesAreRefusedAndNothingIsSaved() async throws {
        let s = try await seeded()
        let db = s.store.backend
        _ = try await db.createSegment(["name": "urgent-tier", "condition": ["computed": "support_priority", "op": "eq", "value": "urgent"]], allowUnknownComputed: false)
        _ = try await db.createSegment(["name": "urgent-pro", "condition": ["all": [["segment": "urgent-tier"], ["segment": "pro"]]]], allowUnknownComputed: false)
        try await s.test { client in
            let admin = TestServer.bearer(s.admin)
            for (body, words) in [("{\"rules\": [{\"segment\": \"nope\", \"tier\": \"a\"}]}", "rule 1 names the segment \"nope\", which does not exist"),
                                  ("{\"rules\": [{\"segment\": \"pro\", \"tier\": \"a\"}, {\"segment\": \"urgent-tier\", \"tier\": \"b\"}]}", "rule 2's segment \"urgent-tier\" depends on the support traits"),
                                  ("{\"rules\": [{\"segment\": \"urgent-pro\", \"tier\": \"b\"}]}", "support_priority, through the segment \"urgent-tier\""),
                                  ("{\"rules\": [{\"segment\": \"pro\", \"tier\": \"a\", \"priority\": \"asap\"}]}", "priority \"asap\" is not one of"),
                                  ("{\"rules\": [], \"note\": 3}", "note is a text")] {
                try await client.execute(uri: "/api/v1/support/policy", method: .put, headers: admin, body: ByteBuffer(string: body)) { r in
                    #expect(r.status == .unprocessableContent, "\(body)")
                    #expect(r.json["message"]?.stringValue?.contains(words) == true, "\(r.json)")
                }
            }
            try await client.execute(uri: "/api/v1/support/policy", method: .put, headers: admin, body: ByteBuffer(string: "{\"rules\": [")) { #expect($0.status == .badRequest) }
            // Read keys read it, only admin keys save; support keys do neither.
            try await client.execute(uri: "/api/v1/support/policy", method: .put, headers: TestServer.bearer(s.read), body: ByteBuffer(string: "{\"rules\": []}")) { #expect($0.status == .forbidden) }
            let support = try APIKeys.create(.support, name: "helpdesk", in: s.store).token
            try await client.execute(uri: "/api/v1/support/policy", method: .get, headers: TestServer.bearer(support)) { #expect($0.status == .forbidden) }
        }
        #expect(try await SupportPolicyRun.versions(db).isEmpty)
        #expect(try await db.profileDetail("u1")?.computedTraits["support_tier"] == nil)
    }

    @Test func versionsAreKeptAndTheRecomputeKeepsTiersCurrent() async throws {
        let s = try await seeded()
        let db = s.store.backend
        _ = try await SupportPolicyRun.save(Self.policy, to: db, now: Self.t.adding(days: 1))
        // Version 2: enterprise only, no inheritance.
        _ = try await SupportPolicyRun.save(["rules": [["segment": "enterprise", "tier": "enterprise"]], "inherit_from_accounts": false], note: "enterprise only", to: db, now: Self.t.adding(days: 2))
        #expect(try await db.profileDetail("u4")?.computedTraits["support_tier"] == nil)   // version 1's tiers are gone
        try await s.test { client in
            try await client.execute(uri: "/api/v1/support/policy/versions", method: .get, headers: TestServer.bearer(s.read)) { r in
                #expect(r.json["versions"]?.arrayValues.map { $0["version"] } == [2, 1])
                #expect(r.json["versions"]?.arrayValues.map { $0["note"] } == ["enterprise only", "first policy"])
                #expect(r.json["versions"]?.arrayValues.last?["rules"]?.arrayValues.count == 4)
            }
            try await client.execute(uri: "/api/v1/support/policy", method: .get, headers: TestServer.bearer(s.read)) { r in
                #expect(r.json["version"] == 2 && r.json["inherit_from_accounts"] == false)
                #expect(r.json["resolution"]?["rules"]?.arrayValues.map { $0["people"] } == [1])
            }
        }
        // u2 becomes enterprise: the scheduled recompute (segments, then the policy) moves them.
        _ = try await db.apply([Message(kind: .identify, messageID: "up", userID: "u2", traits: ["plan": "enterprise"], timestamp: Self.t.adding(days: 3))], source: "test", arrival: Self.t.adding(days: 3))
        var options = Recompute.Options()
        options.analyses = [.support]
        let report = await Recompute(store: db, options: options, logger: Logger(label: "test")).run(asOf: Self.t.adding(days: 3))
        #expect(report.steps.last?.name == "support" && report.failed == 0)
        #expect(try await db.profileDetail("u2")?.computedTraits["support_tier"] == "enterprise")
    }

    @Test func peopleNoRuleReachesGetTheDefault() async throws {
        let s = try await seeded()
        let db = s.store.backend
        let saved = try await SupportPolicyRun.save(["rules": [["segment": "enterprise", "tier": "enterprise", "priority": "urgent"]],
                                                     "default": ["tier": "standard", "first_response_hours": 24, "channels": ["email", "self_service"]]],
                                                    to: db, now: Self.t.adding(days: 1))
        // u1 by the rule, u4 and u5 through acme; u2, u3, u6 the default.
        #expect(saved.resolution.people == [3] && saved.resolution.unmatched == 3)
        let u6 = try await db.profileDetail("u6")?.computedTraits ?? [:]
        #expect(u6 == ["support_tier": "standard", "support_priority": "normal", "support_channels": "email, self_service", "support_first_response_hours": 24])
        let found = try await SupportLookup.find(email: nil, id: "u6", in: db, now: .now)
        #expect(found.service == "tier standard · priority normal · first response within 24 h · email, self-service")
        #expect(found.why == "no rule reaches them: they are in none of enterprise; the default service")
        #expect(found.json["policy"]?["default"] == true && found.json["policy"]?["segment"] == .null && found.json["policy"]?["tier"] == "standard")
    }

    @Test func theLookupSaysWhichRuleAndWhyAndIsCurrent() async throws {
        let s = try await seeded()
        let db = s.store.backend
        _ = try await SupportPolicyRun.save(Self.policy, to: db, now: Self.t.adding(days: 1))
        let key = TestServer.bearer(try APIKeys.create(.support, name: "helpdesk", in: s.store).token)
        try await s.test { client in
            try await client.execute(uri: "/api/v1/support/lookup?user_id=u4", method: .get, headers: key) { r in
                let p = r.json["policy"]
                #expect(p?["tier"] == "enterprise" && p?["rule"] == 1 && p?["through_account"] == "acme" && p?["version"] == 1)
                #expect(p?["channels"] == ["phone", "chat", "email"] && p?["first_response_hours"] == 1)
                #expect(p?["why"]?.stringValue?.contains("someone in their account acme is in enterprise") == true)
            }
            try await client.execute(uri: "/api/v1/support/lookup?email=u3@example.com", method: .get, headers: key) { r in
                #expect(r.json["policy"]?["tier"] == "priority")
                #expect(r.json["policy"]?["why"] == "rule 2: they are in vip-list (listed by hand: a static segment)")
            }
            try await client.execute(uri: "/api/v1/support/lookup?user_id=u2", method: .get, headers: key) { r in
                #expect(r.json["policy"]?["why"] == "rule 3: they are in pro (plan is pro)")
            }
            try await client.execute(uri: "/api/v1/support/lookup?user_id=u6", method: .get, headers: key) { r in
                #expect(r.json["policy"]?["rule"] == .null && r.json["policy"]?["tier"] == nil)
                #expect(r.json["policy"]?["why"] == "no rule reaches them: they are in none of enterprise, vip-list, pro, free")
            }
        }
        // u6 upgrades: the lookup serves them as pro at once, before any refresh.
        _ = try await db.apply([Message(kind: .identify, messageID: "up", userID: "u6", traits: ["plan": "pro"], timestamp: .now)], source: "test", arrival: .now)
        try await s.test { client in
            try await client.execute(uri: "/api/v1/support/lookup?user_id=u6", method: .get, headers: key) { r in
                #expect(r.json["policy"]?["tier"] == "standard" && r.json["policy"]?["rule"] == 3)
            }
            // Help Scout's signature of these bytes with the tests' secret, computed with Python's hmac (SHA-1, base64).
            let signed: HTTPFields = [.contentType: "application/json", try #require(HTTPField.Name("X-HelpScout-Signature")): "hQRNWmO0oAPCzyfhi/4LK8Zv1DQ="]
            let card = try await client.execute(uri: "/support/card", method: .post, headers: signed,
                                                body: ByteBuffer(string: #"{"customer":{"email":"u4@example.com"}}"#)) { $0.json["html"]?.stringValue ?? "" }
            #expect(card.contains("tier enterprise · priority urgent · first response within 1 h · resolved within 8 h · team key-accounts · phone, chat, email"))
            #expect(card.contains("someone in their account acme is in enterprise"))
        }
    }

    @Test func supportFiguresOfASegmentByHand() async throws {
        let s = try await seeded()
        let db = s.store.backend
        _ = try await SupportPolicyRun.save(Self.policy, to: db, now: .now)   // u1: first response 1 h, resolution 8 h
        let day = Timestamp.now.adding(days: -5)
        _ = try await db.apply([
            Message(kind: .track, messageID: "k1", userID: "u1", event: "Ticket Created", properties: ["ticket_id": 1, "channel": "phone", "theme": "api"], timestamp: day),
            Message(kind: .track, messageID: "k2", userID: "u1", event: "Ticket Solved", properties: ["ticket_id": 1, "first_response_minutes": 30, "resolution_minutes": 300], timestamp: day.adding(days: 1)),
            Message(kind: .track, messageID: "k3", userID: "u4", event: "Ticket Created", properties: ["ticket_id": 2, "channel": "email", "theme": "billing"], timestamp: day),
            Message(kind: .track, messageID: "k4", userID: "u2", event: "Ticket Created", properties: ["ticket_id": 3, "channel": "chat", "tags": ["login"]], timestamp: day),
            Message(kind: .track, messageID: "k5", userID: "u1", event: "Survey Answered", properties: ["csat": 5], timestamp: day.adding(days: 2)),
            Message(kind: .track, messageID: "k6", userID: "u4", event: "Survey Answered", properties: ["csat": 3], timestamp: day.adding(days: 2)),
        ], source: "test", arrival: .now)
        try await s.test { client in
            let read = TestServer.bearer(s.read)
            try await client.execute(uri: "/api/v1/support/analytics?segment=enterprise&cost=phone:45", method: .get, headers: read) { r in
                #expect(r.status == .ok, "\(r.json)")
                let j = r.json
                // enterprise is u1 alone (u4 and u5 are served as enterprise, but are not in the segment); everyone else: five people, two tickets.
                #expect(j["members"]?["people"] == 1 && j["members"]?["tickets"] == 1 && j["everyone_else"]?["people"] == 5 && j["everyone_else"]?["tickets"] == 2)
                #expect(j["members"]?["tickets_per_person_per_month"]?.numberValue.map { abs($0 - 30.4375 / 90) < 1e-12 } == true)
                #expect(j["channels"] == [["channel": "phone", "tickets": 1, "share": 1]])
                #expect(j["csat"] == ["answers": 1, "mean": 5, "ci95": [nil, nil]])
                #expect(j["first_response"]?["median_minutes"] == 30 && j["first_response"]?["within_target"] == 1 && j["first_response"]?["with_target"] == 1)
                #expect(j["resolution"]?["median_minutes"] == 300 && j["resolution"]?["within_target_share"] == 1)
                #expect(j["cost"]?["total"] == 45 && j["cost"]?["share_of_revenue"] == .null)
                #expect(j["themes"]?.arrayValues.map { $0["theme"] } == ["api"] && j["over_represented"] == [])
            }
            for (uri, status, words) in [("/api/v1/support/analytics", HTTPResponse.Status.badRequest, "name a segment"),
                                         ("/api/v1/support/analytics?segment=nope", .notFound, "no segment named \"nope\""),
                                         ("/api/v1/support/analytics?segment=pro&cost=phone", .badRequest, "is not CHANNEL=AMOUNT"),
                                         ("/api/v1/support/analytics?segment=pro&days=0", .badRequest, "days")] {
                try await client.execute(uri: uri, method: .get, headers: read) { r in
                    #expect(r.status == status, "\(uri)")
                    #expect(r.json["message"]?.stringValue?.contains(words) == true, "\(uri): \(r.json)")
                }
            }
            let support = try APIKeys.create(.support, name: "helpdesk", in: s.store).token
            try await client.execute(uri: "/api/v1/support/analytics?segment=pro", method: .get, headers: TestServer.bearer(support)) { #expect($0.status == .forbidden) }
        }
    }

    @Test func aZendeskExportLandsOnThePeopleItNames() async throws {
        let s = try await seeded()
        let db = s.store.backend
        // u6 and a newcomer share an email: a ticket by that email matches nobody.
        _ = try await db.apply([Message(kind: .identify, messageID: "twin", userID: "u7", traits: ["email": "U6@example.com"], timestamp: Self.t)], source: "test", arrival: Self.t)
        let day = Timestamp.now.adding(days: -3)
        func ticket(_ line: Int, _ id: String, external: String?, email: String?, channel: String, solved: Bool) -> ZendeskTicketFile.Ticket {
            ZendeskTicketFile.Ticket(line: line, id: id, requesterExternalID: external, requesterEmail: email, createdAt: day, solvedAt: solved ? day.adding(days: 1) : nil,
                                     subject: "s", status: nil, priority: nil, group: nil, channel: channel, tags: ["billing"],
                                     firstReplyMinutes: solved ? 20 : nil, fullResolutionMinutes: solved ? 200 : nil, satisfaction: solved ? "good" : nil)
        }
        let file = [ticket(2, "1", external: "u1", email: nil, channel: "phone", solved: true),          // by external id
                    ticket(3, "2", external: nil, email: "u2@example.com", channel: "chat", solved: false),   // by email
                    ticket(4, "3", external: nil, email: "u6@example.com", channel: "email", solved: false),  // two people have it
                    ticket(5, "4", external: nil, email: "ghost@example.com", channel: "email", solved: false)]
        let first = try await SupportTicketImport.run(file, into: db, arrival: .now)
        #expect(first.tickets == 2 && first.events == 4 && first.duplicates == 0)
        #expect(first.unmatched.map(\.line) == [4, 5])
        let again = try await SupportTicketImport.run(file, into: db, arrival: .now)
        #expect(again.events == 0 && again.duplicates == 4)
        let events = try await db.trackEvents(named: SupportEvents.names, from: day.adding(days: -1), to: .now)
        #expect(events.map(\.profile).sorted() == ["u1", "u1", "u1", "u2"])
        // And the figures read them: u1 (enterprise) with one phone ticket answered in 20 minutes, satisfied.
        var options = SupportAnalytics.Options()
        options.days = 30
        let a = try await SupportAnalyticsRun.run(db, segment: "enterprise", asOf: .now, options: options)
        #expect(a.segment.tickets == 1 && a.channels.map(\.channel) == ["phone"] && a.firstResponse.median == 20 && a.satisfied?.count == 1)
    }

    @Test func aCheckInIsDueInOnboardingUntilSomeoneIsInTouch() async throws {
        let s = try TestServer()
        let db = s.store.backend
        let now = Timestamp.now
        _ = try await db.apply([
            Message(kind: .identify, messageID: "a", userID: "new", traits: ["signed_up_at": .string(now.adding(days: -10).iso8601)], timestamp: now.adding(days: -10)),
            Message(kind: .identify, messageID: "b", userID: "old", traits: ["signed_up_at": .string(now.adding(days: -40).iso8601)], timestamp: now.adding(days: -40)),
            Message(kind: .identify, messageID: "c", userID: "helped", traits: ["signed_up_at": .string(now.adding(days: -5).iso8601)], timestamp: now.adding(days: -5)),
            Message(kind: .track, messageID: "d", userID: "helped", event: "Onboarding Check-in", timestamp: now.adding(days: -2)),
        ], source: "test", arrival: now)
        func onboarding(_ id: String) async throws -> JSONValue? { try await SupportLookup.find(email: nil, id: id, in: db, now: now).json["onboarding"] }
        let fresh = try await onboarding("new")
        #expect(fresh?["days_since_signup"] == 10 && fresh?["in_onboarding"] == true && fresh?["check_in_due"] == true)
        #expect(fresh?["words"] == "signed up 10 days ago, no ticket or check-in yet: a check-in is due")
        let old = try await onboarding("old"), helped = try await onboarding("helped")
        #expect(old?["in_onboarding"] == false && old?["check_in_due"] == false)
        #expect(helped?["in_onboarding"] == true && helped?["check_in_due"] == false)
        // A ticket counts as being in touch.
        _ = try await db.apply([Message(kind: .track, messageID: "e", userID: "new", event: "Ticket Created", timestamp: now.adding(days: -1))], source: "test", arrival: now)
        #expect(try await onboarding("new")?["check_in_due"] == false)
    }
}
