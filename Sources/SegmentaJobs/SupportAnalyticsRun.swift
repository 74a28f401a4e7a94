public import SegmentaCore
public import SegmentaStore

/// Support analytics of one segment over the store (``SupportAnalytics``): its members, the
/// window's ticket and survey events, each person's SLA targets from the support policy's
/// computed traits, and the members' revenue in the window.
public enum SupportAnalyticsRun {
    /// What every segment's figures are computed from, read once: the window's tickets and
    /// answers, SLA targets, orders and the number of people.
    public struct Inputs: Sendable {
        let tickets: [SupportAnalytics.Ticket]
        let surveys: [SupportAnalytics.Survey]
        let targets: [String: (firstResponse: Double?, resolution: Double?)]
        let orders: [Order]
        let population: Int
        let from: Timestamp

        /// Reads them for the `days` days up to `asOf`.
        public static func read(_ db: some ActivityStore & AnalysisStore & ProfileStore, asOf: Timestamp, days: Int) async throws(SegmentaError) -> Inputs {
            let from = asOf.adding(days: -max(1, days))
            let (tickets, surveys) = SupportEvents.read(try await db.trackEvents(named: SupportEvents.names, from: from, to: asOf))
            var targets: [String: (firstResponse: Double?, resolution: Double?)] = [:]
            for (profile, text) in try await db.computedTraitValues("support_first_response_hours") { targets[profile, default: (nil, nil)].firstResponse = Double(text) }
            for (profile, text) in try await db.computedTraitValues("support_resolution_hours") { targets[profile, default: (nil, nil)].resolution = Double(text) }
            return Inputs(tickets: tickets, surveys: surveys, targets: targets, orders: try await db.orders(before: asOf).filter { $0.timestamp >= from },
                          population: try await db.profileIDs().count, from: from)
        }

        /// Whether the window holds any ticket.
        public var hasTickets: Bool { !tickets.isEmpty }

        /// The figures of a segment with these members.
        public func analytics(members: Set<String>, options: SupportAnalytics.Options) -> SupportAnalytics {
            let revenue = orders.reduce(0.0) { members.contains($1.customerID) ? $0 + $1.amount : $0 }
            return SupportAnalytics(tickets: tickets, surveys: surveys, members: members, population: population, targets: targets, revenue: revenue, options: options)
        }
    }

    /// The figures of `segment` over the `options.days` days up to `asOf`.
    /// - Throws: `notFound` for an unknown segment.
    public static func run(_ db: some SegmentStore & ActivityStore & AnalysisStore & ProfileStore, segment: String, asOf: Timestamp,
                           options: SupportAnalytics.Options) async throws(SegmentaError) -> SupportAnalytics {
        guard try await db.segment(named: segment) != nil else {
            throw SegmentaError(.notFound, "no segment named \"\(segment)\"; `segmenta segments list` shows them")
        }
        let members = Set(try await db.members(of: segment))
        return try await Inputs.read(db, asOf: asOf, days: options.days).analytics(members: members, options: options)
    }

    /// Reads `phone=45,chat=8` (or `phone:45`) as costs per contact by channel.
    /// - Throws: `invalidInput` naming the part that is not `CHANNEL=AMOUNT` with an amount of 0 or more.
    public static func costs(_ text: String) throws(SegmentaError) -> [String: Double] {
        var out: [String: Double] = [:]
        for part in text.split(separator: ",") {
            let kv = part.split(whereSeparator: { $0 == "=" || $0 == ":" }).map { String($0).trimmedSpaces }
            guard kv.count == 2, !kv[0].isEmpty, let amount = Double(kv[1]), amount.isFinite, amount >= 0, amount <= 1_000_000 else {
                throw SegmentaError(.invalidInput, "cost \"\(part)\" is not CHANNEL=AMOUNT (for instance phone=45,chat=8,email=4); amounts from 0 to 1,000,000")
            }
            out[kv[0].lowercased()] = amount
        }
        return out
    }

    /// The figures in sentences, one per line (the CLI and the dashboard).
    public static func lines(_ a: SupportAnalytics) -> [String] {
        func pct(_ x: Double) -> String { NumberText.percent(x, 0) }
        func duration(_ minutes: Double) -> String {
            guard minutes.isFinite else { return "–" }
            return minutes < 90 ? NumberText.fixed(minutes, 0) + " min" : NumberText.fixed(minutes / 60, 1) + " h"
        }
        var out: [String] = []
        out.append("tickets: \(NumberText.thousands(a.segment.tickets)) from \(NumberText.thousands(a.segment.peopleWithTickets)) of \(NumberText.thousands(a.segment.people)) members — "
                   + "\(NumberText.fixed(a.segment.perPersonPerMonth, 2)) per member per month, against \(NumberText.fixed(a.rest.perPersonPerMonth, 2)) for everyone else")
        if a.segment.tickets > 0 {
            out.append("channels: " + a.channels.map { "\($0.channel) \(pct(Double($0.tickets) / Double(a.segment.tickets)))" }.joined(separator: ", "))
        }
        if let c = a.csat {
            var line = "CSAT: \(NumberText.fixed(c.mean, 2)) of 5 from \(c.n) answer\(c.n == 1 ? "" : "s")"
            if c.low.isFinite { line += " (95% CI \(NumberText.fixed(c.low, 2))–\(NumberText.fixed(c.high, 2)))" }
            if let s = a.satisfied { line += "; satisfied (4–5): \(pct(Double(s.count) / Double(s.answers))) (\(pct(s.low))–\(pct(s.high)))" }
            out.append(line)
        } else {
            out.append("CSAT: no answers in the window")
        }
        if let e = a.ces {
            out.append("CES: \(NumberText.fixed(e.mean, 2)) of 7 from \(e.n) answer\(e.n == 1 ? "" : "s")" + (e.low.isFinite ? " (95% CI \(NumberText.fixed(e.low, 2))–\(NumberText.fixed(e.high, 2)))" : ""))
        }
        for (t, what) in [(a.firstResponse, "first response"), (a.resolution, "resolution")] where t.n > 0 {
            var line = "\(what): median \(duration(t.median)), 90% within \(duration(t.p90)) (\(t.n) ticket\(t.n == 1 ? "" : "s"))"
            line += t.withTarget > 0 ? "; within the SLA: \(pct(Double(t.withinTarget) / Double(t.withTarget))) of \(t.withTarget) with a target" : "; no SLA target (support policy) for them"
            out.append(line)
        }
        var cost = "cost to serve: \(NumberText.amount(a.cost)) (\(NumberText.amount(a.costPerMemberPerMonth)) per member per month)"
        if let share = a.costShareOfRevenue { cost += ", \(NumberText.percent(share, 1)) of the members' revenue (\(NumberText.amount(a.revenue)))" } else { cost += "; no revenue in the window" }
        out.append(cost)
        if !a.themes.isEmpty {
            out.append("top themes: " + a.themes.prefix(5).map { "\($0.name) \(pct($0.segmentShare))" + ($0.inRest > 0 || a.rest.tickets > 0 ? " (others \(pct($0.restShare)))" : "") }.joined(separator: ", "))
        }
        let over = a.overRepresented
        out.append(over.isEmpty ? "no theme is over-represented against everyone else (Fisher's exact test, Holm-adjusted, 5%)"
                   : "over-represented (candidates for self-service content): " + over.map { "\($0.name) (\(pct($0.segmentShare)) against \(pct($0.restShare)), adjusted \(SegmentComparison.formatP($0.adjustedPValue ?? .nan)))" }.joined(separator: ", "))
        return out
    }

    /// The API's answer (numbers that cannot be computed are null).
    public static func json(_ a: SupportAnalytics, segment: String, asOf: Timestamp, options: SupportAnalytics.Options) -> JSONValue {
        func n(_ x: Double) -> JSONValue { x.isFinite ? .number(x) : .null }
        func volume(_ v: SupportAnalytics.Volume) -> JSONValue {
            .object(["people": .number(Double(v.people)), "tickets": .number(Double(v.tickets)), "people_with_tickets": .number(Double(v.peopleWithTickets)),
                     "tickets_per_person_per_month": n(v.perPersonPerMonth)])
        }
        func mean(_ m: SupportAnalytics.Mean?) -> JSONValue {
            m.map { .object(["answers": .number(Double($0.n)), "mean": n($0.mean), "ci95": .array([n($0.low), n($0.high)])]) } ?? .null
        }
        func timing(_ t: SupportAnalytics.Timing) -> JSONValue {
            .object(["tickets": .number(Double(t.n)), "median_minutes": n(t.median), "p90_minutes": n(t.p90),
                     "with_target": .number(Double(t.withTarget)), "within_target": .number(Double(t.withinTarget)),
                     "within_target_share": t.withTarget > 0 ? .number(Double(t.withinTarget) / Double(t.withTarget)) : .null])
        }
        return .object([
            "segment": .string(segment), "as_of": .string(asOf.iso8601), "days": .number(Double(a.windowDays)),
            "members": volume(a.segment), "everyone_else": volume(a.rest),
            "channels": .array(a.channels.map { .object(["channel": .string($0.channel), "tickets": .number(Double($0.tickets)),
                                                         "share": a.segment.tickets > 0 ? .number(Double($0.tickets) / Double(a.segment.tickets)) : .null]) }),
            "csat": mean(a.csat),
            "satisfied": a.satisfied.map { .object(["answers": .number(Double($0.answers)), "satisfied": .number(Double($0.count)),
                                                    "share": .number(Double($0.count) / Double($0.answers)), "ci95": .array([n($0.low), n($0.high)])]) } ?? .null,
            "ces": mean(a.ces),
            "first_response": timing(a.firstResponse), "resolution": timing(a.resolution),
            "cost": .object(["total": n(a.cost), "per_member_per_month": n(a.costPerMemberPerMonth), "revenue": n(a.revenue),
                             "share_of_revenue": a.costShareOfRevenue.map(n) ?? .null,
                             "per_contact": .object(options.costPerContact.mapValues { .number($0) }), "default_per_contact": .number(options.defaultCost)]),
            "themes": .array(a.themes.prefix(20).map { t in
                .object(["theme": .string(t.name), "tickets": .number(Double(t.inSegment)), "share": n(t.segmentShare),
                         "everyone_else_tickets": .number(Double(t.inRest)), "everyone_else_share": n(t.restShare),
                         "p_value": t.pValue.map(n) ?? .null, "adjusted_p_value": t.adjustedPValue.map(n) ?? .null,
                         "over_represented": .bool(t.overRepresented)])
            }),
            "over_represented": .array(a.overRepresented.map { .string($0.name) }),
        ])
    }
}
