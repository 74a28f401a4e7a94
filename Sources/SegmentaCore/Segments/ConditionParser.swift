/// Reads and validates segment definitions and conditions from JSON.
///
/// The node kinds, operators, aggregates and window forms are closed sets: anything else is an
/// error with a JSON pointer and the expected forms. Limits: depth ≤ 32, ≤ 1,000 nodes,
/// ≤ 10,000 values in a list.
public enum ConditionParser {
    /// Deepest nesting of `all`/`any`/`not` a definition may have.
    public static let maxDepth = 32
    /// Most nodes a definition may have.
    public static let maxNodes = 1000
    /// Most values in one `in`/`not_in` list.
    public static let maxListValues = 10_000

    static let nodeKinds = ["all", "any", "not", "trait", "computed", "account_trait", "account", "event", "orders", "segment"]
    /// What an `account` node may hold: its traits, combined.
    static let accountKinds: Set<String> = ["all", "any", "not", "trait"]

    /// Parses a definition document `{"name", "description", "card", "condition"}`.
    public static func definition(_ json: JSONValue) throws(ConditionError) -> SegmentDefinition {
        guard case .object(let o) = json else { throw ConditionError("", "a segment definition must be a JSON object with name and condition") }
        try onlyKeys(o, ["name", "description", "card", "condition"], at: "")
        guard let name = o["name"]?.stringValue else { throw ConditionError("/name", "name is required: a string of letters, digits, -, _ or .") }
        guard SegmentDefinition.isValidName(name) else {
            throw ConditionError("/name", "\"\(name)\" is not a valid name; use 1–64 letters, digits, -, _ or .")
        }
        var description = ""
        if let d = o["description"], !d.isNull {
            guard let s = d.stringValue else { throw ConditionError("/description", "description must be a string") }
            description = s
        }
        var card: [String: String] = [:]
        if let c = o["card"], !c.isNull {
            guard case .object(let fields) = c else { throw ConditionError("/card", "card must be an object with \(SegmentDefinition.cardFields.joined(separator: ", "))") }
            for (k, v) in fields {
                guard SegmentDefinition.cardFields.contains(k) else {
                    throw ConditionError("/card/\(escape(k))", "unknown card field \"\(k)\"; expected one of \(SegmentDefinition.cardFields.joined(separator: ", "))")
                }
                guard let s = v.stringValue else { throw ConditionError("/card/\(escape(k))", "card fields are text") }
                card[k] = s
            }
        }
        guard let c = o["condition"] else { throw ConditionError("/condition", "condition is required") }
        var count = 0
        let condition = try node(c, at: "/condition", depth: 1, count: &count)
        return SegmentDefinition(name: name, description: description, card: card, condition: condition)
    }

    /// Parses a condition alone.
    public static func condition(_ json: JSONValue, at pointer: String = "") throws(ConditionError) -> Condition {
        var count = 0
        return try node(json, at: pointer, depth: 1, count: &count)
    }

    static func node(_ json: JSONValue, at p: String, depth: Int, count: inout Int, inAccount: Bool = false) throws(ConditionError) -> Condition {
        guard depth <= maxDepth else { throw ConditionError(p, "conditions nest deeper than \(maxDepth) levels; flatten them or use a segment reference") }
        count += 1
        guard count <= maxNodes else { throw ConditionError(p, "more than \(maxNodes) conditions in one definition") }
        guard case .object(let o) = json else { throw ConditionError(p, "expected a condition object, e.g. {\"trait\": \"plan\", \"op\": \"eq\", \"value\": \"pro\"}") }
        let found = nodeKinds.compactMap { k in o[k].map { (kind: k, body: $0) } }
        let kinds = found.map(\.kind)
        guard found.count == 1, let (kind, body) = found.first else {
            if kinds.isEmpty {
                let unknown = o.keys.sorted().first.map { " (found \"\($0)\")" } ?? ""
                throw ConditionError(p, "unknown condition\(unknown); expected one of \(nodeKinds.joined(separator: ", "))")
            }
            throw ConditionError(p, "a condition has exactly one kind; found \(kinds.joined(separator: " and "))")
        }
        if inAccount, !accountKinds.contains(kind) {
            throw ConditionError(p, "inside an account condition only trait, all, any and not are allowed (trait reads the account's traits); found \(kind)")
        }
        switch kind {
        case "all", "any":
            try onlyKeys(o, [kind], at: p)
            guard case .array(let items) = body else { throw ConditionError("\(p)/\(kind)", "\(kind) takes a list of conditions") }
            guard !items.isEmpty else { throw ConditionError("\(p)/\(kind)", "\(kind) needs at least one condition") }
            var children: [Condition] = []
            for (i, item) in items.enumerated() { children.append(try node(item, at: "\(p)/\(kind)/\(i)", depth: depth + 1, count: &count, inAccount: inAccount)) }
            return kind == "all" ? .all(children) : .any(children)
        case "not":
            try onlyKeys(o, ["not"], at: p)
            return .not(try node(body, at: "\(p)/not", depth: depth + 1, count: &count, inAccount: inAccount))
        case "account":
            try onlyKeys(o, ["account"], at: p)
            guard let inner = o["account"], inner.objectValue != nil else {
                throw ConditionError("\(p)/account", "account takes a condition on one account's traits, e.g. {\"account\": {\"all\": [{\"trait\": \"industry\", \"op\": \"eq\", \"value\": \"fintech\"}, {\"trait\": \"employees\", \"op\": \"gte\", \"value\": 200}]}}")
            }
            return .account(try node(inner, at: "\(p)/account", depth: depth + 1, count: &count, inAccount: true))
        case "segment":
            try onlyKeys(o, ["segment"], at: p)
            guard let name = body.stringValue, SegmentDefinition.isValidName(name) else {
                throw ConditionError("\(p)/segment", "segment takes the name of another segment")
            }
            return .segment(name)
        case "trait", "computed", "account_trait":
            guard let path = body.stringValue, !path.isEmpty, !path.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) else {
                throw ConditionError("\(p)/\(kind)", "\(kind) takes a name or dotted path such as \"company.size\"")
            }
            let predicate = try predicate(o, at: p, head: kind, allowDates: true)
            return .trait(TraitCondition(source: TraitSource(rawValue: kind) ?? .trait, path: path, predicate: predicate))
        default:
            return .behaviour(try behaviour(o, kind: kind, at: p))
        }
    }

    /// Reads `op`+`value` or a date-only form from an object that also holds `head`.
    static func predicate(_ o: [String: JSONValue], at p: String, head: String, allowDates: Bool) throws(ConditionError) -> Predicate {
        let dateForms = ["within_last_days", "before", "after"].compactMap { f in o[f].map { (form: f, value: $0) } }
        if let (form, given) = dateForms.first {
            try onlyKeys(o, [head] + dateForms.map(\.form), at: p)
            guard dateForms.count == 1 else { throw ConditionError(p, "use one of within_last_days, before, after") }
            if form == "within_last_days" {
                return .withinLastDays(try positiveInt(given, at: "\(p)/\(form)"))
            }
            let t = try date(given, at: "\(p)/\(form)")
            return form == "before" ? .before(t) : .after(t)
        }
        try onlyKeys(o, [head, "op", "value"], at: p)
        guard let opText = o["op"]?.stringValue else {
            throw ConditionError("\(p)/op", "op is required; expected one of \(ComparisonOperator.allCases.map(\.rawValue).joined(separator: ", "))\(allowDates ? ", or within_last_days / before / after" : "")")
        }
        guard let op = ComparisonOperator(rawValue: opText) else {
            throw ConditionError("\(p)/op", "unknown operator \"\(opText)\"; expected one of \(ComparisonOperator.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let value = o["value"] else { throw ConditionError("\(p)/value", "value is required for op \(op.rawValue)") }
        try check(value, for: op, at: "\(p)/value")
        return .compare(op, value)
    }

    /// Checks that a value fits an operator.
    static func check(_ v: JSONValue, for op: ComparisonOperator, at p: String) throws(ConditionError) {
        func scalar(_ v: JSONValue) -> Bool {
            switch v { case .string, .number, .bool: return true; default: return false }
        }
        switch op {
        case .eq, .neq:
            guard scalar(v) else { throw ConditionError(p, "\(op.rawValue) takes a string, number or boolean") }
        case .gt, .gte, .lt, .lte:
            switch v {
            case .number, .string: break
            case .bool: throw ConditionError(p, "booleans compare with eq or neq only")
            default: throw ConditionError(p, "\(op.rawValue) takes a number, a date or a string")
            }
        case .in, .notIn:
            guard case .array(let items) = v, !items.isEmpty else { throw ConditionError(p, "\(op.rawValue) takes a non-empty list of values") }
            guard items.count <= maxListValues else { throw ConditionError(p, "more than \(maxListValues) values in one list") }
            for (i, item) in items.enumerated() where !scalar(item) { throw ConditionError("\(p)/\(i)", "list values are strings, numbers or booleans") }
        case .contains:
            guard scalar(v) else { throw ConditionError(p, "contains takes a string (or the value an array should contain)") }
        case .startsWith:
            guard v.stringValue != nil else { throw ConditionError(p, "starts_with takes a string") }
        case .between:
            guard case .array(let b) = v, b.count == 2 else { throw ConditionError(p, "between takes [low, high]") }
            switch (b[0], b[1]) {
            case (.number(let lo), .number(let hi)):
                guard lo <= hi else { throw ConditionError(p, "between needs low ≤ high") }
            case (.string(let lo), .string(let hi)):
                guard let a = try? Timestamp.parse(lo), let z = try? Timestamp.parse(hi) else {
                    throw ConditionError(p, "between takes two numbers or two dates")
                }
                guard a <= z else { throw ConditionError(p, "between needs low ≤ high") }
            default: throw ConditionError(p, "between takes two numbers or two dates")
            }
        case .exists:
            guard case .bool = v else { throw ConditionError(p, "exists takes true or false") }
        }
    }

    static func behaviour(_ o: [String: JSONValue], kind: String, at p: String) throws(ConditionError) -> BehaviourCondition {
        let source: BehaviourCondition.Source
        var aggregate = Aggregate.count
        if kind == "event" {
            guard let name = o["event"]?.stringValue, !name.isEmpty else { throw ConditionError("\(p)/event", "event takes an event name, e.g. \"Order Completed\"") }
            source = .event(name)
            if let a = o["aggregate"] {
                guard let s = a.stringValue, let agg = Aggregate(rawValue: s) else {
                    throw ConditionError("\(p)/aggregate", "unknown aggregate; expected one of \(Aggregate.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                aggregate = agg
            }
        } else {
            source = .orders
            guard let s = o["orders"]?.stringValue, let agg = Aggregate(rawValue: s) else {
                throw ConditionError("\(p)/orders", "orders takes an aggregate: \(Aggregate.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            aggregate = agg
            if o["aggregate"] != nil { throw ConditionError("\(p)/aggregate", "for orders the aggregate is the value of \"orders\"") }
        }
        try onlyKeys(o, [kind, "aggregate", "property", "where", "window", "op", "value"], at: p)
        var property: String?
        if let pr = o["property"] {
            guard let s = pr.stringValue, !s.isEmpty else { throw ConditionError("\(p)/property", "property takes a property name") }
            property = s
        }
        let needsProperty: Set<Aggregate> = [.sum, .avg, .min, .max]
        if needsProperty.contains(aggregate) {
            if source == .orders {
                property = property ?? "amount"
            } else if property == nil {
                throw ConditionError("\(p)/property", "\(aggregate.rawValue) needs the property to aggregate, e.g. \"property\": \"revenue\"")
            }
        } else if property != nil {
            throw ConditionError("\(p)/property", "\(aggregate.rawValue) does not use a property; remove it, or use sum/avg/min/max")
        }
        if source == .orders, let property, property != "amount" {
            throw ConditionError("\(p)/property", "orders aggregate their amount; property must be \"amount\"")
        }
        var filters: [PropertyFilter] = []
        if let w = o["where"] {
            guard case .array(let items) = w else { throw ConditionError("\(p)/where", "where takes a list of {\"property\", \"op\", \"value\"}") }
            for (i, item) in items.enumerated() {
                let fp = "\(p)/where/\(i)"
                guard case .object(let f) = item, let name = f["property"]?.stringValue, !name.isEmpty else {
                    throw ConditionError(fp, "a filter is {\"property\": NAME, \"op\": OP, \"value\": V}")
                }
                if source == .orders, !["amount", "currency"].contains(name) {
                    throw ConditionError("\(fp)/property", "orders can be filtered on amount or currency")
                }
                filters.append(PropertyFilter(property: name, predicate: try predicate(f, at: fp, head: "property", allowDates: true)))
            }
        }
        var window: Window?
        if let w = o["window"] { window = try self.window(w, at: "\(p)/window") }
        guard let opText = o["op"]?.stringValue else { throw ConditionError("\(p)/op", "op is required, e.g. \"op\": \"gte\", \"value\": 3") }
        guard let op = ComparisonOperator(rawValue: opText), ![.contains, .startsWith, .exists].contains(op) else {
            throw ConditionError("\(p)/op", "unknown operator \"\(opText)\" for a behaviour; expected one of eq, neq, gt, gte, lt, lte, in, not_in, between")
        }
        guard let value = o["value"] else { throw ConditionError("\(p)/value", "value is required") }
        switch (op, value) {
        case (.between, .array(let b)) where b.count == 2 && b.allSatisfy({ $0.numberValue != nil }):
            guard let low = b[0].numberValue, let high = b[1].numberValue, low <= high else { throw ConditionError("\(p)/value", "between needs low ≤ high") }
        case (.in, .array(let items)), (.notIn, .array(let items)):
            guard !items.isEmpty, items.allSatisfy({ $0.numberValue != nil }) else { throw ConditionError("\(p)/value", "\(op.rawValue) takes a non-empty list of numbers") }
        case (.between, _): throw ConditionError("\(p)/value", "between takes [low, high] numbers")
        case (_, .number): break
        default: throw ConditionError("\(p)/value", "a behaviour compares its \(aggregate.rawValue) with a number")
        }
        return BehaviourCondition(source: source, aggregate: aggregate, property: property, filters: filters, window: window, op: op, value: value)
    }

    static func window(_ w: JSONValue, at p: String) throws(ConditionError) -> Window {
        guard case .object(let o) = w else { throw ConditionError(p, "window is {\"last_days\": N}, {\"from\": DATE, \"to\": DATE} or {\"since_signup_days\": N}") }
        if let days = o["last_days"] {
            try onlyKeys(o, ["last_days"], at: p)
            return .lastDays(try positiveInt(days, at: "\(p)/last_days"))
        }
        if let days = o["since_signup_days"] {
            try onlyKeys(o, ["since_signup_days"], at: p)
            return .sinceSignupDays(try positiveInt(days, at: "\(p)/since_signup_days"))
        }
        if o["from"] != nil || o["to"] != nil {
            try onlyKeys(o, ["from", "to"], at: p)
            guard let f = o["from"], let t = o["to"] else { throw ConditionError(p, "a window needs both from and to") }
            let from = try date(f, at: "\(p)/from"), to = try date(t, at: "\(p)/to")
            guard from.startOfDay <= to.startOfDay else { throw ConditionError(p, "from must not be after to") }
            return .between(from: from.startOfDay, to: to.startOfDay)
        }
        throw ConditionError(p, "window is exactly one of {\"last_days\": N}, {\"from\": DATE, \"to\": DATE}, {\"since_signup_days\": N}")
    }

    static func positiveInt(_ v: JSONValue, at p: String) throws(ConditionError) -> Int {
        guard let d = v.numberValue, d.rounded() == d, d >= 1, d <= 100_000 else { throw ConditionError(p, "expected a whole number of days, 1 or more") }
        return Int(d)
    }

    static func date(_ v: JSONValue, at p: String) throws(ConditionError) -> Timestamp {
        guard let s = v.stringValue else { throw ConditionError(p, "expected a date such as \"2026-01-31\"") }
        do throws(Timestamp.ParseFailure) { return try Timestamp.parse(s) } catch {
            throw ConditionError(p, "\"\(s)\" is not a date: \(error.reason)")
        }
    }

    static func onlyKeys(_ o: [String: JSONValue], _ allowed: [String], at p: String) throws(ConditionError) {
        for k in o.keys.sorted() where !allowed.contains(k) {
            throw ConditionError("\(p)/\(escape(k))", "unknown field \"\(k)\" here; expected \(allowed.joined(separator: ", "))")
        }
    }

    /// JSON pointer escaping (RFC 6901).
    static func escape(_ key: String) -> String {
        key.replacing("~", with: "~0").replacing("/", with: "~1")
    }
}

