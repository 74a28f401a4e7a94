import Foundation

/// Support figures for one segment against everyone else, over a window of days: tickets per
/// member per month, the channel mix, CSAT and CES with 95% confidence intervals, first-response
/// and resolution times against each person's SLA, the cost to serve against the members'
/// revenue, the top themes, and the themes over-represented in the segment (Fisher's exact test per
/// theme, Holm-adjusted across themes) — the candidates for self-service content.
public struct SupportAnalytics: Sendable {
    /// A ticket, as its `Ticket Created` event (and `Ticket Solved`, for its times) say.
    public struct Ticket: Sendable, Equatable {
        /// The helpdesk's ticket id (nil when the event carried none).
        public var id: String?
        /// The person who asked.
        public var profile: String
        /// When it was opened.
        public var createdAt: Timestamp
        /// `email`, `chat`, `phone`, … (lower case; nil: not said).
        public var channel: String?
        /// Its theme and tags (lower case, without repeats).
        public var themes: [String]
        /// Minutes to the first response.
        public var firstResponseMinutes: Double?
        /// Minutes to resolution.
        public var resolutionMinutes: Double?

        /// A ticket.
        public init(id: String? = nil, profile: String, createdAt: Timestamp, channel: String? = nil, themes: [String] = [],
                    firstResponseMinutes: Double? = nil, resolutionMinutes: Double? = nil) {
            self.id = id
            self.profile = profile
            self.createdAt = createdAt
            self.channel = channel
            self.themes = themes
            self.firstResponseMinutes = firstResponseMinutes
            self.resolutionMinutes = resolutionMinutes
        }
    }

    /// A survey answer: CSAT (1–5) and CES (1–7), either may be missing.
    public struct Survey: Sendable, Equatable {
        /// The person who answered.
        public var profile: String
        /// Customer satisfaction, 1–5.
        public var csat: Double?
        /// Customer effort, 1–7.
        public var ces: Double?

        /// A survey answer.
        public init(profile: String, csat: Double?, ces: Double?) {
            self.profile = profile
            self.csat = csat
            self.ces = ces
        }
    }

    /// How the figures are computed.
    public struct Options: Sendable {
        /// The window's length, in days, ending at the as-of time.
        public var days = 90
        /// The cost of one contact per channel; channels not listed cost `defaultCost`.
        public var costPerContact: [String: Double] = [:]
        /// The cost of a contact on a channel without its own.
        public var defaultCost = 5.0
        /// Themes with fewer tickets than this (segment and rest together) are not tested.
        public var minThemeTickets = 5
        /// The level the adjusted p-value of an over-represented theme must be under.
        public var level = 0.05
        /// 90 days, 5 per contact, themes of at least 5 tickets, 5%.
        public init() {}
    }

    /// Tickets of a group of people.
    public struct Volume: Sendable, Equatable {
        /// People in the group.
        public var people: Int
        /// Their tickets in the window.
        public var tickets: Int
        /// People with at least one ticket.
        public var peopleWithTickets: Int
        /// Tickets per person per month (30.4375 days).
        public var perPersonPerMonth: Double
    }

    /// A mean with its 95% confidence interval (Student's t).
    public struct Mean: Sendable, Equatable {
        /// Answers.
        public var n: Int
        /// Their mean.
        public var mean: Double
        /// The interval's bounds (NaN with fewer than two answers).
        public var low: Double, high: Double
    }

    /// Response or resolution times.
    public struct Timing: Sendable, Equatable {
        /// Tickets with the time.
        public var n: Int
        /// Median, in minutes (NaN without tickets).
        public var median: Double
        /// 90th percentile, in minutes (linear interpolation, as pandas).
        public var p90: Double
        /// Tickets whose requester has an SLA target for it.
        public var withTarget: Int
        /// Of those, the tickets within it.
        public var withinTarget: Int
    }

    /// A theme, in the segment and among everyone else.
    public struct Theme: Sendable, Equatable {
        /// The theme.
        public var name: String
        /// Segment tickets with it.
        public var inSegment: Int
        /// Other tickets with it.
        public var inRest: Int
        /// Its share of the segment's tickets.
        public var segmentShare: Double
        /// Its share of the others' tickets.
        public var restShare: Double
        /// Fisher's exact test's p-value (nil: too few tickets to test).
        public var pValue: Double?
        /// Holm-adjusted across the themes tested.
        public var adjustedPValue: Double?
        /// More frequent in the segment, with an adjusted p-value under the level.
        public var overRepresented: Bool
    }

    /// The segment's volume, and everyone else's.
    public var segment: Volume, rest: Volume
    /// The segment's tickets per channel, most first (`unknown` for tickets without one).
    public var channels: [(channel: String, tickets: Int)]
    /// CSAT of the segment's answers.
    public var csat: Mean?
    /// Satisfied answers (CSAT 4 or 5) of the segment, with a Wilson interval.
    public var satisfied: (count: Int, answers: Int, low: Double, high: Double)?
    /// CES of the segment's answers.
    public var ces: Mean?
    /// First-response and resolution times of the segment's tickets.
    public var firstResponse: Timing, resolution: Timing
    /// The segment's cost to serve in the window.
    public var cost: Double
    /// The members' revenue in the window.
    public var revenue: Double
    /// The segment's themes, most tickets first, then by name.
    public var themes: [Theme]

    /// Cost to serve as a share of revenue (nil without revenue).
    public var costShareOfRevenue: Double? { revenue > 0 ? cost / revenue : nil }
    /// Cost per member per month.
    public var costPerMemberPerMonth: Double { segment.people > 0 ? cost / Double(segment.people) / (Double(windowDays) / Self.daysPerMonth) : 0 }
    /// The themes over-represented in the segment.
    public var overRepresented: [Theme] { themes.filter(\.overRepresented) }
    /// The window, in days.
    public var windowDays: Int

    /// Days in an average month.
    public static let daysPerMonth = 30.4375

    /// The figures of the segment (`members`) against everyone else in `population` people, from
    /// the tickets and survey answers of the window; `targets` gives each person's SLA hours
    /// (first response, resolution), `revenue` the members' revenue in the window.
    public init(tickets: [Ticket], surveys: [Survey], members: Set<String>, population: Int,
                targets: [String: (firstResponse: Double?, resolution: Double?)], revenue: Double, options: Options) {
        let days = max(1, options.days)
        windowDays = days
        let months = Double(days) / Self.daysPerMonth
        let mine = tickets.filter { members.contains($0.profile) }, others = tickets.filter { !members.contains($0.profile) }
        func volume(_ t: [Ticket], people: Int) -> Volume {
            Volume(people: people, tickets: t.count, peopleWithTickets: Set(t.map(\.profile)).count,
                   perPersonPerMonth: people > 0 ? Double(t.count) / Double(people) / months : 0)
        }
        segment = volume(mine, people: members.count)
        rest = volume(others, people: max(0, population - members.count))
        var byChannel: [String: Int] = [:]
        for t in mine { byChannel[t.channel ?? "unknown", default: 0] += 1 }
        channels = byChannel.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { ($0.key, $0.value) }
        let answers = surveys.filter { members.contains($0.profile) }
        let csats = answers.compactMap(\.csat), cess = answers.compactMap(\.ces)
        csat = Self.mean(csats)
        ces = Self.mean(cess)
        if !csats.isEmpty {
            let happy = csats.filter { $0 >= 4 }.count
            let ci = EffectSizes.wilson(successes: happy, trials: csats.count)
            satisfied = (happy, csats.count, ci.low, ci.high)
        }
        func timing(_ minutes: (Ticket) -> Double?, _ target: ((firstResponse: Double?, resolution: Double?)) -> Double?) -> Timing {
            let timed = mine.compactMap { t in minutes(t).map { (t, $0) } }
            let sorted = timed.map(\.1).sorted()
            var withTarget = 0, within = 0
            for (t, m) in timed {
                guard let hours = targets[t.profile].flatMap(target) else { continue }
                withTarget += 1
                if m <= hours * 60 { within += 1 }
            }
            return Timing(n: sorted.count, median: Self.quantile(sorted, 0.5), p90: Self.quantile(sorted, 0.9), withTarget: withTarget, withinTarget: within)
        }
        firstResponse = timing({ $0.firstResponseMinutes }, { $0.firstResponse })
        resolution = timing({ $0.resolutionMinutes }, { $0.resolution })
        cost = mine.reduce(0) { $0 + (options.costPerContact[$1.channel ?? ""] ?? options.defaultCost) }
        self.revenue = revenue
        // Themes: counted once per ticket; tested on tickets (with the theme or not), segment against the rest.
        var inSegment: [String: Int] = [:], inRest: [String: Int] = [:]
        for t in mine { for theme in Set(t.themes) { inSegment[theme, default: 0] += 1 } }
        for t in others { for theme in Set(t.themes) { inRest[theme, default: 0] += 1 } }
        let names = Set(inSegment.keys)
        var themes = names.map { name -> Theme in
            let a = inSegment[name] ?? 0, c = inRest[name] ?? 0
            return Theme(name: name, inSegment: a, inRest: c, segmentShare: mine.isEmpty ? 0 : Double(a) / Double(mine.count),
                         restShare: others.isEmpty ? 0 : Double(c) / Double(others.count), pValue: nil, adjustedPValue: nil, overRepresented: false)
        }.sorted { ($1.inSegment, $0.name) < ($0.inSegment, $1.name) }
        let tested = themes.indices.filter { themes[$0].inSegment + themes[$0].inRest >= options.minThemeTickets && !others.isEmpty }
        let p = tested.map { i in
            HypothesisTests.fisherExact(themes[i].inSegment, mine.count - themes[i].inSegment, themes[i].inRest, others.count - themes[i].inRest).pValue
        }
        for (k, adjusted) in EffectSizes.holm(p).enumerated() {
            let i = tested[k]
            themes[i].pValue = p[k]
            themes[i].adjustedPValue = adjusted
            themes[i].overRepresented = themes[i].segmentShare > themes[i].restShare && adjusted < options.level
        }
        self.themes = themes
    }

    /// The mean with a 95% Student's t interval (nil without answers).
    static func mean(_ x: [Double]) -> Mean? {
        guard !x.isEmpty else { return nil }
        guard x.count > 1 else { return Mean(n: 1, mean: x[0], low: .nan, high: .nan) }
        let n = Double(x.count), (m, variance) = HypothesisTests.meanVariance(x)
        let sd = variance.squareRoot()
        let half = Distributions.studentTQuantile(0.975, df: n - 1) * sd / n.squareRoot()
        return Mean(n: x.count, mean: m, low: m - half, high: m + half)
    }

    /// The `q` quantile of sorted values with linear interpolation (pandas' default); NaN when empty.
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard let first = sorted.first else { return .nan }
        guard sorted.count > 1 else { return first }
        let position = q * Double(sorted.count - 1)
        let below = Int(position.rounded(.down)), above = min(sorted.count - 1, below + 1)
        return sorted[below] + (sorted[above] - sorted[below]) * (position - Double(below))
    }
}
