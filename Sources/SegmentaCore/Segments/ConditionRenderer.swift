/// A readable, one-line text form of a condition, for people (`segments show`, the dashboard):
/// `plan in ("pro", "enterprise") and count("Logged In", last 30 days) = 0`.
public enum ConditionRenderer {
    /// The precise, one-line form of a condition.
    public static func text(_ c: Condition) -> String { render(c, top: true) }

    static func render(_ c: Condition, top: Bool) -> String {
        switch c {
        case .all(let cs): return group(cs.map { render($0, top: false) }.joined(separator: " and "), top: top || cs.count == 1)
        case .any(let cs): return group(cs.map { render($0, top: false) }.joined(separator: " or "), top: top || cs.count == 1)
        case .not(let c): return "not " + render(c, top: false)
        case .segment(let s): return "in segment \(quote(s))"
        case .account(let c): return "an account with " + group(render(c, top: true), top: false)
        case .trait(let t):
            let subject: String
            switch t.source {
            case .trait: subject = t.path
            case .computed: subject = "computed." + t.path
            case .accountTrait: subject = "account." + t.path
            }
            return subject + " " + predicate(t.predicate)
        case .behaviour(let b):
            var args: [String] = []
            switch b.source {
            case .event(let name): args.append(quote(name))
            case .orders: args.append("orders")
            }
            if let p = b.property, !(b.source == .orders && p == "amount") { args.append("." + p) }
            for f in b.filters { args.append("where \(f.property) \(predicate(f.predicate))") }
            if let w = b.window {
                switch w {
                case .lastDays(let n): args.append("last \(n) day\(n == 1 ? "" : "s")")
                case .between(let f, let t): args.append("from \(f.dateString) to \(t.dateString)")
                case .sinceSignupDays(let n): args.append("first \(n) day\(n == 1 ? "" : "s") after signup")
                }
            }
            return "\(b.aggregate.rawValue)(\(args.joined(separator: ", "))) " + predicate(.compare(b.op, b.value))
        }
    }

    static func predicate(_ p: Predicate) -> String {
        switch p {
        case .withinLastDays(let n): return "within last \(n) days"
        case .before(let t): return "before \(t.dateString)"
        case .after(let t): return "after \(t.dateString)"
        case .compare(let op, let v):
            let symbol: [ComparisonOperator: String] = [.eq: "=", .neq: "≠", .gt: ">", .gte: "≥", .lt: "<", .lte: "≤"]
            switch op {
            case .exists: return v == .bool(true) ? "exists" : "is missing"
            case .between:
                let b = v.arrayValues
                return "between \(value(b[0])) and \(value(b[1]))"
            case .in, .notIn: return (op == .in ? "in" : "not in") + " (" + v.arrayValues.map(value).joined(separator: ", ") + ")"
            case .contains: return "contains \(value(v))"
            case .startsWith: return "starts with \(value(v))"
            default: return "\(symbol[op] ?? op.rawValue) \(value(v))"
            }
        }
    }

    static func value(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): return quote(s)
        default: return v.jsonText
        }
    }

    static func quote(_ s: String) -> String {
        var out = ""
        JSONValue.writeString(s, to: &out)
        return out
    }

    static func group(_ s: String, top: Bool) -> String { top ? s : "(\(s))" }
}
