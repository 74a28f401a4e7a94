import Foundation
import SegmentaCore
import Testing

/// Support analytics per segment (issue 38, item 5) against pandas, scipy and statsmodels on a
/// seeded fixture (Fixtures/support/reference.py wrote the files and expected.json), and on a case
/// small enough to work out by hand.
@Suite("Support analytics per segment")
struct SupportAnalyticsTests {
    static func csv(_ name: String) throws -> [[String: String]] {
        let lines = try String(contentsOf: FixtureFiles.url("support/\(name)"), encoding: .utf8).split(separator: "\n").map(String.init)
        guard let header = lines.first?.split(separator: ",", omittingEmptySubsequences: false).map(String.init) else { return [] }
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    @Test func matchesPandasOnTheFixture() throws {
        let expected = try JSONTextParser.parse(String(contentsOf: FixtureFiles.url("support/expected.json"), encoding: .utf8))
        let t0 = Timestamp(milliseconds: 1_790_000_000_000)
        let tickets = try Self.csv("tickets.csv").enumerated().map { i, r in
            SupportAnalytics.Ticket(profile: r["profile"] ?? "", createdAt: t0.adding(days: i % 80), channel: (r["channel"] ?? "").isEmpty ? nil : r["channel"],
                                    themes: (r["themes"] ?? "").split(separator: "|").map(String.init),
                                    firstResponseMinutes: Double(r["first_response_minutes"] ?? ""), resolutionMinutes: Double(r["resolution_minutes"] ?? ""))
        }
        let surveys = try Self.csv("surveys.csv").map { SupportAnalytics.Survey(profile: $0["profile"] ?? "", csat: Double($0["csat"] ?? ""), ces: Double($0["ces"] ?? "")) }
        var targets: [String: (firstResponse: Double?, resolution: Double?)] = [:]
        for r in try Self.csv("targets.csv") { targets[r["profile"] ?? ""] = (Double(r["first_response_hours"] ?? ""), Double(r["resolution_hours"] ?? "")) }
        var options = SupportAnalytics.Options()
        options.days = 90
        options.costPerContact = ["phone": 12, "chat": 6]
        options.defaultCost = 5
        let members = Set(expected["members"]?.arrayValues.compactMap(\.stringValue) ?? [])
        let a = SupportAnalytics(tickets: tickets, surveys: surveys, members: members, population: 60, targets: targets, revenue: 12345.5, options: options)

        func close(_ x: Double, _ y: JSONValue?, _ what: String) {
            let want = y?.numberValue ?? .nan
            #expect(abs(x - want) <= 1e-9 * max(1, abs(want)), "\(what): \(x) against pandas \(want)")
        }
        for (v, key) in [(a.segment, "segment"), (a.rest, "rest")] {
            #expect(v.people == Int(expected[key]?["people"]?.numberValue ?? -1) && v.tickets == Int(expected[key]?["tickets"]?.numberValue ?? -1))
            #expect(v.peopleWithTickets == Int(expected[key]?["people_with_tickets"]?.numberValue ?? -1))
            close(v.perPersonPerMonth, expected[key]?["per_person_per_month"], "\(key) tickets per person per month")
        }
        #expect(a.channels.map { JSONValue.array([.string($0.channel), .number(Double($0.tickets))]) } == expected["channels"]?.arrayValues)
        for (m, key) in [(a.csat, "csat"), (a.ces, "ces")] {
            #expect(m?.n == Int(expected[key]?["n"]?.numberValue ?? -1))
            close(m?.mean ?? .nan, expected[key]?["mean"], "\(key) mean")
            close(m?.low ?? .nan, expected[key]?["low"], "\(key) CI low")
            close(m?.high ?? .nan, expected[key]?["high"], "\(key) CI high")
        }
        #expect(a.satisfied?.count == 16 && a.satisfied?.answers == 45)
        close(a.satisfied?.low ?? .nan, expected["satisfied"]?["low"], "satisfied Wilson low")
        close(a.satisfied?.high ?? .nan, expected["satisfied"]?["high"], "satisfied Wilson high")
        for (t, key) in [(a.firstResponse, "first_response"), (a.resolution, "resolution")] {
            #expect(t.n == Int(expected[key]?["n"]?.numberValue ?? -1))
            close(t.median, expected[key]?["median"], "\(key) median")
            close(t.p90, expected[key]?["p90"], "\(key) p90")
            #expect(t.withTarget == Int(expected[key]?["with_target"]?.numberValue ?? -1) && t.withinTarget == Int(expected[key]?["within_target"]?.numberValue ?? -1), "\(key)")
        }
        close(a.cost, expected["cost"], "cost")
        close(a.costPerMemberPerMonth, expected["cost_per_member_per_month"], "cost per member per month")
        close(a.costShareOfRevenue ?? .nan, expected["cost_share_of_revenue"], "cost share of revenue")
        let themes = expected["themes"]?.arrayValues ?? []
        #expect(a.themes.map(\.name) == themes.compactMap { $0["name"]?.stringValue })
        for (t, e) in zip(a.themes, themes) {
            #expect(t.inSegment == Int(e["in_segment"]?.numberValue ?? -1) && t.inRest == Int(e["in_rest"]?.numberValue ?? -1), "\(t.name)")
            close(t.pValue ?? .nan, e["p"], "\(t.name) Fisher p")
            close(t.adjustedPValue ?? .nan, e["adjusted"], "\(t.name) Holm")
            #expect(t.overRepresented == (e["over_represented"] == true), "\(t.name)")
        }
        // api is over-represented; login is as significant but rarer among members: not a candidate.
        #expect(a.overRepresented.map(\.name) == ["api"])
    }

    /// Three members, one other person; worked out by hand.
    @Test func aSmallCaseByHand() {
        let t = Timestamp(milliseconds: 0)
        let tickets = [
            SupportAnalytics.Ticket(profile: "a", createdAt: t, channel: "phone", themes: ["billing"], firstResponseMinutes: 30, resolutionMinutes: 600),
            SupportAnalytics.Ticket(profile: "a", createdAt: t, channel: "email", themes: ["billing", "login"], firstResponseMinutes: 90),
            SupportAnalytics.Ticket(profile: "b", createdAt: t, channel: nil, themes: []),
            SupportAnalytics.Ticket(profile: "z", createdAt: t, channel: "chat", themes: ["login"], firstResponseMinutes: 10),
        ]
        var options = SupportAnalytics.Options()
        options.days = 61   // two months of 30.4375 days… and a bit: 61 / 30.4375 = 2.00411
        options.costPerContact = ["phone": 45]
        let a = SupportAnalytics(tickets: tickets, surveys: [.init(profile: "a", csat: 5, ces: nil), .init(profile: "b", csat: 2, ces: 3), .init(profile: "z", csat: 1, ces: 7)],
                                 members: ["a", "b", "c"], population: 4, targets: ["a": (firstResponse: 1, resolution: 8)], revenue: 100, options: options)
        #expect(a.segment.people == 3 && a.segment.tickets == 3 && a.segment.peopleWithTickets == 2 && a.segment.perPersonPerMonth == 3.0 / 3 / (61 / 30.4375))
        #expect(a.rest.people == 1 && a.rest.tickets == 1)
        #expect(a.channels.map(\.channel) == ["email", "phone", "unknown"] && a.channels.map(\.tickets) == [1, 1, 1])
        // CSAT 5 and 2: mean 3.5, s = 2.1213, t(0.975, 1) = 12.7062 → half-width 19.06.
        #expect(a.csat?.mean == 3.5 && abs((a.csat?.high ?? 0) - (3.5 + 12.706204736 * 2.121320344 / 2.0.squareRoot())) < 1e-6)
        #expect(a.satisfied?.count == 1 && a.satisfied?.answers == 2)
        #expect(a.ces?.n == 1 && a.ces?.mean == 3 && a.ces?.low.isNaN == true)
        // a's targets: first response 1 h → 30 min within, 90 min not; resolution 8 h → 600 min not.
        let (f, r) = (a.firstResponse, a.resolution)
        #expect(f.n == 2 && f.median == 60 && f.p90 == 84 && f.withTarget == 2 && f.withinTarget == 1)
        #expect(r.n == 1 && r.median == 600 && r.p90 == 600 && r.withTarget == 1 && r.withinTarget == 0)
        #expect(a.cost == 45 + 5 + 5 && a.costShareOfRevenue == 0.55)
        #expect(a.themes.map(\.name) == ["billing", "login"] && a.themes.map(\.inSegment) == [2, 1] && a.themes.map(\.inRest) == [0, 1])
        #expect(a.themes.allSatisfy { $0.pValue == nil } && a.overRepresented.isEmpty)   // under 5 tickets: not tested
    }

    @Test func eventsBecomeTicketsAndAnswers() {
        let t = Timestamp(milliseconds: 0)
        let events = [
            ProfileEvent(profile: "a", name: "Ticket Created", timestamp: t, properties: ["ticket_id": 7, "channel": " Email ", "theme": "Billing", "tags": ["vip", "billing"]]),
            ProfileEvent(profile: "a", name: "Ticket Created", timestamp: t.adding(days: 1), properties: ["ticket_id": "7", "channel": "chat"]),   // sent twice
            ProfileEvent(profile: "b", name: "Support Ticket Created", timestamp: t, properties: ["theme": "bug", "tags": "api, ,Bug"]),
            ProfileEvent(profile: "a", name: "Ticket Solved", timestamp: t.adding(days: 2), properties: ["ticket_id": "7", "first_response_minutes": 12, "resolution_minutes": 300]),
            ProfileEvent(profile: "a", name: "Ticket Solved", timestamp: t, properties: ["ticket_id": "99", "first_response_minutes": 1]),   // unknown ticket
            ProfileEvent(profile: "a", name: "Survey Answered", timestamp: t, properties: ["csat": 4, "ces": 9]),   // CES out of 1–7
            ProfileEvent(profile: "b", name: "Survey Answered", timestamp: t, properties: ["comment": "ok"]),
        ]
        let (tickets, surveys) = SupportEvents.read(events)
        #expect(tickets == [SupportAnalytics.Ticket(id: "7", profile: "a", createdAt: t, channel: "email", themes: ["billing", "vip"], firstResponseMinutes: 12, resolutionMinutes: 300),
                            SupportAnalytics.Ticket(profile: "b", createdAt: t, themes: ["bug", "api"])])
        #expect(surveys == [SupportAnalytics.Survey(profile: "a", csat: 4, ces: nil)])
    }

    @Test func fisherAgreesWithScipy() {
        // scipy.stats.fisher_exact(table).pvalue
        for (a, b, c, d, p) in [(3, 1, 1, 3, 0.48571428571428565), (8, 2, 1, 5, 0.034965034965034975), (0, 10, 5, 5, 0.032507739938080496),
                                (12, 88, 30, 870, 0.00044756383956002095), (1, 0, 0, 1, 1.0), (5, 95, 5, 95, 1.0)] {
            let got = HypothesisTests.fisherExact(a, b, c, d).pValue
            #expect(abs(got - p) <= 1e-10 * max(1, p), "\([a, b, c, d]): \(got) against \(p)")
        }
    }
}
