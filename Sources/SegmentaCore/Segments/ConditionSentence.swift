/// A condition in words for the people the segments are for — "RFM segment is Champions or Loyal
/// Customers and sent “Logged In” at least 3 times in the last 30 days" — where
/// ``ConditionRenderer`` writes the precise form (`computed.rfm_segment in ("Champions", …)`) that
/// the dashboard keeps one hover away.
public enum ConditionSentence {
    /// The condition as a sentence for people.
    public static func text(_ c: Condition) -> String { render(c, top: true) }

    /// Computed traits in words (the profile page, the builder, these sentences): the headline
    /// traits of every analysis first, then the detailed ones, each in ``AnalysisKind``'s order.
    public static let computedLabels: [(name: String, label: String)] = {
        let all = AnalysisKind.allTraits.map(\.trait)
        return (all.filter(\.headline) + all.filter { !$0.headline }).map { ($0.name, $0.words) }
    }()

    /// A computed trait's name in words (its own name when Segmenta has no words for it).
    public static func label(computed name: String) -> String { computedLabels.first { $0.name == name }?.label ?? name }

    static func render(_ c: Condition, top: Bool) -> String {
        switch c {
        case .all(let cs): return group(cs.map { render($0, top: false) }.joined(separator: " and "), top: top || cs.count == 1)
        case .any(let cs): return group(cs.map { render($0, top: false) }.joined(separator: " or "), top: top || cs.count == 1)
        case .not(let c): return "not (" + render(c, top: true) + ")"
        case .segment(let s): return "is in the segment \(s)"
        case .account(let c): return "belongs to an account where " + group(render(c, top: true), top: false)
        case .trait(let t):
            switch t.source {
            case .trait: return t.path + " " + predicate(t.predicate)
            case .computed: return label(computed: t.path) + " " + predicate(t.predicate)
            case .accountTrait: return "the account's " + t.path + " " + predicate(t.predicate)
            }
        case .behaviour(let b):
            return behaviour(b)
        }
    }

    static func behaviour(_ b: BehaviourCondition) -> String {
        var when: String
        switch b.window {
        case .lastDays(let n)?: when = "in the last \(days(n))"
        case .between(let f, let t)?: when = "from \(f.dateString) to \(t.dateString)"
        case .sinceSignupDays(let n)?: when = "in the first \(days(n)) after signing up"
        case nil: when = "ever"
        }
        let filters = b.filters.map { f -> String in
            if case .compare(.eq, let v) = f.predicate { return "\(f.property) \(value(v))" }   // "with theme bug"
            return "\(f.property) that \(predicate(f.predicate))"
        }
        if !filters.isEmpty { when = "with " + filters.joined(separator: " and ") + " " + when }
        let amount = value(b.value), n = b.value.numberValue ?? .nan
        switch (b.source, b.aggregate) {
        case (.event(let name), .count):
            if b.op == .eq && n == 0 || b.op == .lt && n == 1 || b.op == .lte && n == 0 { return "never sent “\(name)” \(when)" }
            return "sent “\(name)” \(countWords(b.op)) \(amount) time\(n == 1 ? "" : "s") \(when)"
        case (.event(let name), .distinctDays):
            return "sent “\(name)” on \(countWords(b.op)) \(amount) different day\(n == 1 ? "" : "s") \(when)"
        case (.orders, .count):
            if b.op == .eq && n == 0 || b.op == .lt && n == 1 || b.op == .lte && n == 0 { return "placed no order \(when)" }
            return "placed \(countWords(b.op)) \(amount) order\(n == 1 ? "" : "s") \(when)"
        case (.orders, .distinctDays):
            return "ordered on \(countWords(b.op)) \(amount) different day\(n == 1 ? "" : "s") \(when)"
        case (.orders, let a):
            let what = ["sum": "spent in total", "avg": "spent on average per order", "min": "spent at least, on every order,", "max": "spent on their largest order"][a.rawValue] ?? a.rawValue
            return "\(what) \(countWords(b.op)) \(amount) \(when)"
        case (.event(let name), let a):
            let what = ["sum": "the total", "avg": "the average", "min": "the smallest", "max": "the largest"][a.rawValue] ?? a.rawValue
            return "\(what) \(b.property ?? "value") of “\(name)” \(when) \(predicate(.compare(b.op, b.value)))"
        }
    }

    static func countWords(_ op: ComparisonOperator) -> String {
        [.gte: "at least", .gt: "more than", .lte: "at most", .lt: "fewer than", .eq: "exactly", .neq: "other than"][op] ?? op.rawValue
    }

    static func predicate(_ p: Predicate) -> String {
        switch p {
        case .withinLastDays(let n): return "is within the last \(days(n))"
        case .before(let t): return "is before \(t.dateString)"
        case .after(let t): return "is after \(t.dateString)"
        case .compare(let op, let v):
            switch op {
            case .exists: return v == .bool(true) ? "is set" : "is not set"
            case .between:
                let b = v.arrayValues
                return b.count == 2 ? "is between \(value(b[0])) and \(value(b[1]))" : "is between \(value(v))"
            case .in: return "is " + list(v.arrayValues.map(value), "or")
            case .notIn: return "is neither " + list(v.arrayValues.map(value), "nor")
            case .contains: return "contains \(value(v))"
            case .startsWith: return "starts with \(value(v))"
            case .eq: return "is \(value(v))"
            case .neq: return "is not \(value(v))"
            case .gt: return "is more than \(value(v))"
            case .gte: return "is at least \(value(v))"
            case .lt: return "is less than \(value(v))"
            case .lte: return "is at most \(value(v))"
            }
        }
    }

    static func list(_ items: [String], _ last: String) -> String {
        guard items.count > 1, let final = items.last else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " \(last) " + final
    }

    static func value(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): return s
        case .number(let d): return number(d)
        case .bool(let b): return b ? "true" : "false"
        default: return v.jsonText
        }
    }

    static func number(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e15 ? NumberText.thousands(Int(d)) : JSONValue.format(d) }
    static func days(_ n: Int) -> String { n == 1 ? "day" : "\(n) days" }
    /// The text with its first letter in capitals.
    public static func capitalised(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }
    static func group(_ s: String, top: Bool) -> String { top ? s : "(\(s))" }
}
