import Foundation

/// Generates a realistic B2B SaaS + e-commerce dataset with real structure in it.
///
/// Customers sign up over 18 months with plan, industry, company size, country, language, role,
/// acquisition channel, device, platform and integrations. Week by week they log in, use
/// features, complete workflows, pay subscriptions, buy add-ons (orders), open support tickets,
/// answer NPS and CSAT — and some churn. The structure a segmentation should find:
/// - churn falls with plan (free → enterprise) and halves for customers who connect an
///   integration within 7 days of signup ("activated");
/// - referral and partner customers retain better, paid search and social worse;
/// - purchase rate and basket vary by customer (gamma-distributed, as BG/NBD assumes), higher on
///   paid plans; NPS is higher for activated and enterprise customers, lower after bug tickets.
/// Same seed, same data; nothing reads the clock.
public enum DemoGenerator {
    /// The last instant of generated data.
    public static let end = Timestamp(year: 2026, month: 11, day: 1)

    /// Generates the dataset.
    /// - Parameters:
    ///   - customers: number of customers (default 5,000).
    ///   - seed: the random seed.
    ///   - activity: relative volume of product events (logins, feature use, workflows, pages).
    /// - Complexity: O(customers × weeks).
    public static func generate(customers: Int = 5000, seed: UInt64 = 42, activity: Double = 1) -> DemoDataset {
        var messages = generate(range: 0..<customers, seed: seed, activity: activity)
        messages.sort { ($0.timestamp ?? end) < ($1.timestamp ?? end) }
        return DemoDataset(messages: messages, customers: customers, start: start, end: end)
    }

    /// The first instant of generated data.
    public static let start = Timestamp(year: 2025, month: 5, day: 1)

    /// The same history ending at `newEnd` instead of ``end``: every time (messages, and the
    /// `signed_up_at` and `churned_at` traits) moved by the same whole number of days, so a store
    /// built today and read today shows what one built on ``end`` showed then. Same seed, same
    /// data relative to its end.
    public static func shifted(_ messages: [Message], to newEnd: Timestamp) -> [Message] {
        let days = newEnd.epochDay - end.epochDay
        guard days != 0 else { return messages }
        func move(_ t: Timestamp) -> Timestamp { t.adding(days: days) }
        return messages.map { m in
            var m = m
            m.timestamp = m.timestamp.map(move)
            for key in ["signed_up_at", "churned_at"] {
                if let text = m.traits[key]?.stringValue, let t = try? Timestamp.parse(text) { m.traits[key] = .string(move(t).iso8601) }
            }
            return m
        }
    }

    /// A mixed seed for one customer (or account): customers are independent of one another, so
    /// any range of them can be generated on its own, in chunks, with the same result.
    static func seed(_ seed: UInt64, _ index: Int, _ salt: UInt64) -> UInt64 {
        var g = SplitMix64(seed: seed ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15) ^ salt)
        return g.next()
    }

    /// The account a customer belongs to: a quarter of customers join the account of an earlier
    /// customer; the others found their own. Returns the founder's index.
    static func accountFounder(of index: Int, seed: UInt64) -> Int {
        var i = index
        while i > 0 {
            var g = SplitMix64(seed: Self.seed(seed, i, 0xACC0))
            guard g.chance(0.25) else { return i }
            i = Int(g.uniform() * Double(i))
        }
        return 0
    }

    /// Traits of the account founded by customer `founder`.
    static func account(founder: Int, seed: UInt64) -> (id: String, industry: String, employees: Int, plan: String) {
        var g = SplitMix64(seed: Self.seed(seed, founder, 0xACC1))
        let plan = g.pick([("free", 0.38), ("starter", 0.30), ("pro", 0.23), ("enterprise", 0.09)])
        let industry = g.pick([("software", 0.2), ("retail", 0.16), ("fintech", 0.12), ("healthcare", 0.12), ("education", 0.1),
                               ("manufacturing", 0.1), ("media", 0.1), ("dental", 0.1)])
        let medianSize = ["free": 6.0, "starter": 22, "pro": 110, "enterprise": 900][plan, default: 0]
        return ("acct_\(founder + 1)", industry, max(1, Int(g.logNormal(median: medianSize, sigma: 0.8))), plan)
    }

    /// The messages of customers `range` (in customer order, not sorted by time).
    public static func generate(range: Range<Int>, seed: UInt64 = 42, activity: Double = 1) -> [Message] {
        let end = Self.end
        let spanDays = start.wholeDays(until: end)
        var messages: [Message] = []
        messages.reserveCapacity(range.count * Int(20 + 60 * activity))
        for i in range {
            let userID = String(10_001 + i)
            var b = CustomerBuilder(userID: userID, rng: Self.seed(seed, i, 0xC057))
            // Signups grow over time: more recent months have more signups.
            let signupDay = Int(Double(spanDays - 10) * b.rng.uniform().squareRoot())
            let signup = start.adding(days: signupDay).plusMinutes(Int(b.rng.uniform() * 600) + 480)
            // Account (B2B): a quarter of users join the account of an earlier customer; plan,
            // industry and company size are the account's.
            let account = Self.account(founder: Self.accountFounder(of: i, seed: seed), seed: seed)
            let plan = account.plan
            let channel = plan == "enterprise"
                ? b.rng.pick([("outbound", 0.35), ("partner", 0.2), ("referral", 0.2), ("organic", 0.15), ("paid_search", 0.1)])
                : b.rng.pick([("organic", 0.30), ("paid_search", 0.22), ("referral", 0.13), ("social", 0.15), ("partner", 0.10), ("outbound", 0.10)])
            let country = b.rng.pick([("FR", 0.30), ("US", 0.20), ("DE", 0.12), ("GB", 0.10), ("ES", 0.08), ("CA", 0.08), ("BE", 0.06), ("CH", 0.06)])
            let language = ["FR": "fr", "US": "en", "DE": "de", "GB": "en", "ES": "es", "CA": b.rng.chance(0.3) ? "fr" : "en", "BE": "fr", "CH": b.rng.chance(0.6) ? "de" : "fr"][country, default: "en"]
            let industry = account.industry
            let employees = account.employees
            let role = industry == "dental"
                ? b.rng.pick([("dentist", 0.5), ("dental_assistant", 0.35), ("office_manager", 0.15)])
                : b.rng.pick([("founder", 0.15), ("marketing", 0.22), ("product", 0.18), ("engineering", 0.17), ("sales", 0.13), ("support", 0.08), ("operations", 0.07)])
            let device = b.rng.pick([("desktop", 0.68), ("mobile", 0.25), ("tablet", 0.07)])
            let platform = device == "desktop" ? "web" : b.rng.pick([("ios", 0.55), ("android", 0.45)])
            let integrationPool = ["salesforce", "hubspot", "slack", "stripe", "zapier", "google_analytics"]
            let integrationCount = min(integrationPool.count, b.rng.poisson(["free": 0.6, "starter": 1.2, "pro": 2.2, "enterprise": 3.2][plan, default: 0]))
            var integrations: [String] = []
            while integrations.count < integrationCount { let x = b.rng.pick(integrationPool); if !integrations.contains(x) { integrations.append(x) } }
            let consent = b.rng.chance(0.86)

            // Pre-signup anonymous visits, merged at identify.
            let anonymousID = "anon-" + String(b.rng.next(), radix: 36)
            for v in 0..<b.rng.poisson(1.5) {
                let t = signup.plusMinutes(-(v + 1) * Int(60 + b.rng.uniform() * 4000))
                b.add(.page, "Pricing", at: t, anonymousID: anonymousID, properties: ["path": "/pricing", "url": "https://example.com/pricing", "referrer_channel": .string(channel)])
            }
            let traits: [String: JSONValue] = [
                "email": .string("user\(userID)@example.com"), "name": .string(DemoNames.name(&b.rng)),
                "plan": .string(plan), "industry": .string(industry), "company": ["name": .string(DemoNames.company(&b.rng)), "size": .number(Double(employees))],
                "country": .string(country), "language": .string(language), "role": .string(role), "acquisition_channel": .string(channel),
                "device": .string(device), "platform": .string(platform), "integrations": .array(integrations.map(JSONValue.string)),
                "signed_up_at": .string(signup.iso8601), "consent": ["marketing": .bool(consent)],
            ]
            b.add(.identify, nil, at: signup, anonymousID: anonymousID, traits: traits)
            b.add(.track, "Signed Up", at: signup.plusMinutes(1), properties: ["plan": .string(plan), "channel": .string(channel)])
            b.add(.group, nil, at: signup.plusMinutes(2), groupID: account.id,
                  traits: ["name": .string("Account \(account.id.dropFirst(5))"), "industry": .string(account.industry),
                           "employees": .number(Double(account.employees)), "plan": .string(account.plan)])

            // Activation: an integration connected within 7 days of signup.
            var activation = ["free": 0.25, "starter": 0.38, "pro": 0.5, "enterprise": 0.62][plan, default: 0]
            if channel == "referral" || channel == "partner" { activation += 0.1 }
            let activated = b.rng.chance(activation)
            if activated {
                let t = signup.plusMinutes(Int(b.rng.uniform() * 6.5 * 1440) + 10)
                b.add(.track, "Integration Connected", at: t, properties: ["integration": .string(integrations.first ?? b.rng.pick(integrationPool))])
            } else if b.rng.chance(0.3) {
                let t = signup.adding(days: 8 + Int(b.rng.uniform() * 60))
                b.add(.track, "Integration Connected", at: t, properties: ["integration": .string(b.rng.pick(integrationPool))])
            }

            // Churn hazard per month, then per week.
            var monthly = ["free": 0.11, "starter": 0.06, "pro": 0.035, "enterprise": 0.015][plan, default: 0]
            monthly *= activated ? 0.5 : 1
            monthly *= ["paid_search": 1.45, "social": 1.25, "referral": 0.65, "partner": 0.7, "organic": 1.0, "outbound": 0.9][channel, default: 0]
            let weekly = 1 - Foundation.pow(1 - min(monthly, 0.9), 1 / 4.345)
            let engagement = b.rng.gamma(shape: 3, scale: 1.0 / 3) * ["free": 0.9, "starter": 1.3, "pro": 2.0, "enterprise": 2.6][plan, default: 0] * (activated ? 1.3 : 1)
            // Purchases (add-ons): heterogeneous rate and basket, as in BG/NBD / Gamma-Gamma.
            let purchasesPerMonth = b.rng.gamma(shape: 0.7, scale: ["free": 0.35, "starter": 0.6, "pro": 0.9, "enterprise": 1.2][plan, default: 0])
            let basket = b.rng.gamma(shape: 4, scale: ["free": 9.0, "starter": 14, "pro": 22, "enterprise": 40][plan, default: 0] / 4 * 4)
            let price = ["free": 0.0, "starter": 29, "pro": 99, "enterprise": 499][plan, default: 0]
            let seats = plan == "enterprise" ? max(5, employees / 20) : plan == "pro" ? max(1, employees / 25) : 1
            let currency = ["US": "USD", "CA": "CAD", "GB": "GBP", "CH": "CHF"][country] ?? "EUR"

            var week = 0
            var bugTickets = 0
            while true {
                let weekStart = signup.adding(days: 7 * week)
                if weekStart >= end { break }
                if week > 0 && b.rng.chance(weekly) {
                    let t = weekStart.plusMinutes(Int(b.rng.uniform() * 10_000))
                    if t < end {
                        b.add(.track, "Subscription Cancelled", at: t, properties: ["plan": .string(plan),
                              "reason": .string(b.rng.pick([("too_expensive", 0.3), ("missing_feature", 0.25), ("switched_competitor", 0.2), ("no_longer_needed", 0.25)]))])
                        b.add(.identify, nil, at: t.plusMinutes(1), traits: ["churned": .bool(true), "churned_at": .string(t.iso8601)])
                    }
                    break
                }
                func at() -> Timestamp { weekStart.plusMinutes(Int(b.rng.uniform() * 10_079)) }
                for _ in 0..<b.rng.poisson(engagement * activity) { let t = at(); if t < end { b.add(.track, "Logged In", at: t, properties: ["platform": .string(platform)]) } }
                for _ in 0..<b.rng.poisson(engagement * 0.6 * activity) {
                    let feature = plan == "enterprise" || plan == "pro"
                        ? b.rng.pick([("reports", 0.25), ("dashboards", 0.2), ("automations", 0.25), ("api", 0.2), ("exports", 0.1)])
                        : b.rng.pick([("reports", 0.4), ("dashboards", 0.3), ("exports", 0.2), ("automations", 0.1)])
                    let t = at(); if t < end { b.add(.track, "Feature Used", at: t, properties: ["feature": .string(feature)]) }
                }
                for _ in 0..<b.rng.poisson(engagement * 0.25 * activity) {
                    let t = at(); if t < end { b.add(.track, "Workflow Completed", at: t, properties: ["workflow": .string(b.rng.pick(["campaign_sent", "report_shared", "invoice_sent", "segment_synced"]))]) }
                }
                if b.rng.chance(0.12 * min(1, activity)) { let t = at(); if t < end { b.add(.page, "Docs", at: t, properties: ["path": "/docs"]) } }
                if price > 0 && week % 4 == 0 {
                    let t = weekStart.plusMinutes(5)
                    if t < end { b.add(.track, "Invoice Paid", at: t, properties: ["revenue": .number(price * Double(seats)), "mrr": .number(price * Double(seats)), "currency": .string(currency), "plan": .string(plan)]) }
                }
                for _ in 0..<b.rng.poisson(purchasesPerMonth / 4.345) {
                    let t = at()
                    guard t < end else { continue }
                    b.orders += 1
                    let amount = (b.rng.gamma(shape: 6, scale: basket / 6) * 100).rounded() / 100
                    b.add(.track, "Order Completed", at: t, properties: [
                        "order_id": .string("ord_\(userID)_\(b.orders)"), "revenue": .number(max(1, amount)), "currency": .string(currency),
                        "product": .string(b.rng.pick(["extra_seats", "template_pack", "data_credits", "premium_support", "training"]))])
                }
                if b.rng.chance(plan == "enterprise" ? 0.05 : 0.07) {
                    let t = at()
                    if t < end {
                        let theme = b.rng.pick([("billing", 0.2), ("bug", 0.25), ("onboarding", activated ? 0.1 : 0.3), ("integration", 0.15), ("feature_request", 0.15)])
                        if theme == "bug" { bugTickets += 1 }
                        b.add(.track, "Support Ticket Created", at: t, properties: ["theme": .string(theme),
                              "priority": .string(plan == "enterprise" ? "high" : b.rng.pick(["low", "normal", "normal", "high"]))])
                        let csatBase = theme == "bug" ? 3.2 : 4.2
                        let csat = min(5, max(1, Int((b.rng.normal(mean: csatBase, sd: 0.9)).rounded())))
                        if b.rng.chance(0.6) { b.add(.track, "CSAT Submitted", at: t.plusMinutes(600), properties: ["score": .number(Double(csat)), "theme": .string(theme)]) }
                    }
                }
                if (week == 4 || (week > 4 && week % 13 == 4)) && b.rng.chance(0.55) {
                    var mean = 6.2 + (activated ? 1.3 : 0) + ["free": -0.6, "starter": 0, "pro": 0.6, "enterprise": 1.0][plan, default: 0] - Double(bugTickets) * 0.7
                    if role == "dental_assistant" { mean -= 1.2 }
                    let score = min(10, max(0, Int(b.rng.normal(mean: mean, sd: 1.8).rounded())))
                    let t = at()
                    if t < end {
                        b.add(.track, "NPS Submitted", at: t, properties: ["score": .number(Double(score))])
                        b.add(.identify, nil, at: t.plusMinutes(1), traits: ["nps": .number(Double(score))])
                    }
                }
                week += 1
            }
            messages.append(contentsOf: b.messages)
        }
        return messages
    }
}

/// Builds one customer's messages.
struct CustomerBuilder {
    let userID: String
    var rng: SplitMix64
    var messages: [Message] = []
    var orders = 0

    init(userID: String, rng seed: UInt64) {
        self.userID = userID
        self.rng = SplitMix64(seed: seed)
    }

    mutating func add(_ kind: Message.Kind, _ name: String?, at t: Timestamp, anonymousID: String? = nil, groupID: String? = nil,
                      properties: [String: JSONValue] = [:], traits: [String: JSONValue] = [:]) {
        guard t < DemoGenerator.end else { return }
        let isAnonymousOnly = kind == .page && anonymousID != nil
        messages.append(Message(kind: kind, messageID: "demo-\(userID)-\(messages.count)", userID: isAnonymousOnly ? nil : userID,
                                anonymousID: anonymousID, event: name, properties: properties, traits: traits, groupID: groupID, timestamp: t))
    }
}

extension Timestamp {
    func plusMinutes(_ m: Int) -> Timestamp { Timestamp(milliseconds: milliseconds + Int64(m) * 60_000) }
}

