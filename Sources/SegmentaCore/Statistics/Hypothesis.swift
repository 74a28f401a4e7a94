/// A saved hypothesis: "customers who did EVENT within N days of signup have a better OUTCOME",
/// tested observationally (exposed vs not exposed) and re-testable as data grows.
public struct Hypothesis: Sendable, Equatable {
    /// What is measured on each customer.
    public enum Outcome: Sendable, Equatable, CustomStringConvertible {
        /// Churned (lifecycle `lost` or trait `churned`): a share, lower is better.
        case churned
        /// Still active (any track event) N days or more after signup: a share.
        case retained(days: Int)
        /// Order revenue in the first N days after signup: a mean.
        case revenue(days: Int)

        /// Reads `churned`, `retained:DAYS` or `revenue:DAYS`, saying what to write when it cannot.
        public init(parsing text: String) throws(SegmentaError) {
            let parts = text.split(separator: ":").map(String.init)
            switch (parts.first, parts.count) {
            case ("churned", 1): self = .churned
            case ("churned", _): throw SegmentaError(.invalidInput, "--outcome churned takes no days; write churned, retained:DAYS or revenue:DAYS")
            case ("retained", 2), ("revenue", 2):
                guard let d = Int(parts[1]), Bounds.days.contains(d) else {
                    throw SegmentaError(.invalidInput, "the days in --outcome \(text) must be a whole number from 1 to \(Bounds.maxDays) (e.g. retained:90)")
                }
                self = parts[0] == "retained" ? .retained(days: d) : .revenue(days: d)
            default: throw SegmentaError(.invalidInput, "--outcome is churned, retained:DAYS or revenue:DAYS (e.g. retained:90)")
            }
        }

        /// The outcome as it is written (`retained:90`).
        public var text: String {
            switch self {
            case .churned: return "churned"
            case .retained(let d): return "retained:\(d)"
            case .revenue(let d): return "revenue:\(d)"
            }
        }

        /// The outcome in words.
        public var description: String {
            switch self {
            case .churned: return "churn rate"
            case .retained(let d): return "still active \(d) days after signup"
            case .revenue(let d): return "revenue in the first \(d) days"
            }
        }

        /// Days after signup the outcome needs to be observable.
        public var horizon: Int {
            switch self {
            case .churned: return 0
            case .retained(let d), .revenue(let d): return d
            }
        }
    }

    /// The hypothesis' name.
    public var name: String
    /// The behaviour tested: the track event that makes a customer exposed.
    public var event: String
    /// Exposed means the event happened within this many days of signup.
    public var withinDays: Int
    /// What is compared between exposed and unexposed customers.
    public var outcome: Outcome
    /// Restrict to a segment's members.
    public var segment: String?

    /// Creates a hypothesis: "customers who do EVENT within N days of signup have a better OUTCOME".
    public init(name: String, event: String, withinDays: Int, outcome: Outcome, segment: String? = nil) {
        self.name = name
        self.event = event
        self.withinDays = withinDays
        self.outcome = outcome
        self.segment = segment
    }

    /// The exposure as a segment condition: did the event within N days of signup.
    public var exposure: Condition {
        .behaviour(BehaviourCondition(source: .event(event), aggregate: .count, property: nil, filters: [], window: .sinceSignupDays(withinDays), op: .gte, value: 1))
    }

    /// The definition as stored.
    public var json: JSONValue {
        var o: [String: JSONValue] = ["name": .string(name), "event": .string(event), "within_days_of_signup": .number(Double(withinDays)), "outcome": .string(outcome.text)]
        if let segment { o["segment"] = .string(segment) }
        return .object(o)
    }

    /// A hypothesis from its stored definition.
    public init(json: JSONValue) throws(SegmentaError) {
        guard let o = json.objectValue, let name = o["name"]?.stringValue, let event = o["event"]?.stringValue,
              let days = o["within_days_of_signup"]?.integer(in: Bounds.days), let outcome = o["outcome"]?.stringValue else {
            throw SegmentaError(.storage, "a stored hypothesis is malformed")
        }
        self.init(name: name, event: event, withinDays: days, outcome: try Outcome(parsing: outcome), segment: o["segment"]?.stringValue)
    }

    /// One test of the hypothesis.
    public struct Result: Sendable, Equatable {
        /// Customers in each group.
        public var exposed: Int, unexposed: Int
        /// The test of the outcome, exposed against unexposed (effect, interval, p-value).
        public var comparison: SegmentComparison.Row
        /// A caution about reading it causally: customers chose whether to do the event.
        public var warning: String
    }

    /// Tests it on outcome values of eligible customers, split by exposure.
    public func test(exposed: [Double], unexposed: [Double]) -> Result {
        let kpi: KPI
        switch outcome {
        case .churned: kpi = .churn
        case .retained(let d): kpi = .active(days: d)
        case .revenue: kpi = .revenue
        }
        var row = SegmentComparison.compare([(kpi, exposed, unexposed)], names: ("did \"\(event)\" within \(withinDays) days", "did not"))[0]
        if case .retained(let d) = outcome {
            row.verdict = row.verdict.split(separator: "is active", omittingEmptySubsequences: false).joined(separator: "is still active \(d) days after signup")
        }
        return Result(exposed: exposed.count, unexposed: unexposed.count, comparison: row,
                      warning: "observational: customers chose whether to do \"\(event)\"; other differences between the groups may explain the effect. Confirm with an experiment.")
    }
}
