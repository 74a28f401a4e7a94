public import SegmentaCore
import GRDB

/// Compiles a ``Condition`` to an SQLite boolean expression over `profiles p`, with every
/// value — trait paths, event names, operands, times — passed as a bound parameter.
///
/// Every leaf is wrapped in `COALESCE(…, 0)`, so SQL's NULL never leaks into `NOT`: a missing
/// value is false, as in ``ConditionEvaluator``, the reference this compiler is tested against.
struct ConditionSQL {
    /// How a referenced segment is resolved.
    enum Reference {
        case dynamic(Condition)
        case staticList
    }

    let at: Timestamp
    let resolve: (String) -> Reference?
    private(set) var arguments: [DatabaseValue] = []
    private var stack: [String] = []
    /// Conditions compiled so far, counted through segment references (which are inlined).
    private var nodes = 0
    /// Where `trait` nodes read: the profile's traits, or inside an `account` node that account's.
    private var traitContainer = "p.traits"
    /// Most conditions a definition may expand to through its references: one definition holds at
    /// most 1,000, but references can multiply them (A uses B ten times, B uses C ten times…).
    static let maxExpandedNodes = 10_000

    init(at: Timestamp, resolve: @escaping (String) -> Reference?) {
        self.at = at
        self.resolve = resolve
    }

    /// `SELECT p.id FROM profiles p WHERE …` for a condition.
    static func membersQuery(_ c: Condition, at: Timestamp, resolve: @escaping (String) -> Reference?) throws(SegmentaError) -> (sql: String, arguments: StatementArguments) {
        var compiler = ConditionSQL(at: at, resolve: resolve)
        let expr = try compiler.compile(c)
        return ("SELECT p.id FROM profiles p WHERE " + expr, StatementArguments(compiler.arguments))
    }

    /// Binds a value and returns its numbered placeholder (`?7`): placeholders are numbered, so
    /// the order in which fragments are built never has to match the order of the SQL text.
    mutating func bind(_ v: some DatabaseValueConvertible) -> String {
        arguments.append(v.databaseValue)
        return "?\(arguments.count)"
    }

    mutating func bind(_ v: JSONValue) -> String {
        switch v {
        case .number(let d): return bind(d)
        case .string(let s): return bind(s)
        case .bool(let b): return bind(b ? 1 : 0)
        default: return "NULL"
        }
    }

    mutating func compile(_ c: Condition) throws(SegmentaError) -> String {
        nodes += 1
        guard nodes <= Self.maxExpandedNodes else {
            throw SegmentaError(.invalidInput, "the condition expands to more than \(Self.maxExpandedNodes) conditions through its segment references; refer to fewer or smaller segments, or freeze one (`segmenta segments freeze`) and refer to its members")
        }
        switch c {
        case .all(let cs):
            var parts: [String] = []
            for child in cs { parts.append(try compile(child)) }
            return "(" + parts.joined(separator: " AND ") + ")"
        case .any(let cs):
            var parts: [String] = []
            for child in cs { parts.append(try compile(child)) }
            return "(" + parts.joined(separator: " OR ") + ")"
        case .not(let c):
            return "(NOT " + (try compile(c)) + ")"
        case .segment(let name):
            guard !stack.contains(name) else {
                throw SegmentaError(.invalidInput, "segment references form a cycle: \((stack + [name]).joined(separator: " → "))")
            }
            switch resolve(name) {
            case nil:
                throw SegmentaError(.notFound, "the condition refers to segment \"\(name)\", which does not exist; create it first")
            case .staticList:
                return "(p.id IN (SELECT m.profile_id FROM segment_membership m WHERE m.segment = \(bind(name)) AND m.exited_snapshot IS NULL))"
            case .dynamic(let inner):
                stack.append(name)
                defer { stack.removeLast() }
                return try compile(inner)
            }
        case .trait(let t):
            switch t.source {
            case .trait:
                let location = Location(container: traitContainer, path: SQLiteStore.jsonPath(t.path))
                return "COALESCE(" + predicate(location, t.predicate) + ", 0)"
            case .computed:
                let location = Location(container: "(SELECT cv.traits FROM computed_values cv WHERE cv.grp = {} AND cv.profile_id = p.id)",
                                        path: ComputedTraitLayout.path(of: t.path), containerArguments: [ComputedTraitLayout.group(of: t.path).databaseValue])
                return "COALESCE(" + predicate(location, t.predicate) + ", 0)"
            case .accountTrait:
                let location = Location(container: "a.traits", path: SQLiteStore.jsonPath(t.path))
                let test = predicate(location, t.predicate)
                return "EXISTS (SELECT 1 FROM account_members am JOIN accounts a ON a.id = am.account_id WHERE am.profile_id = p.id AND COALESCE(\(test), 0))"
            }
        case .behaviour(let b):
            return "COALESCE(" + behaviour(b) + ", 0)"
        case .account(let inner):
            // One account must satisfy the whole inner condition (the parser allows only trait,
            // all, any and not inside, so accounts never nest).
            let saved = traitContainer
            traitContainer = "acct.traits"
            defer { traitContainer = saved }
            let test = try compile(inner)
            return "EXISTS (SELECT 1 FROM account_members acm JOIN accounts acct ON acct.id = acm.account_id WHERE acm.profile_id = p.id AND \(test))"
        }
    }

    /// Where a JSON value sits: a JSON container expression and a path in it (bound).
    struct Location {
        var container: String
        var path: String
        /// Values bound inside `container`, bound again each time it is written out.
        var containerArguments: [DatabaseValue] = []
    }

    /// Writes out a container, binding the values it holds (`{}` marks each) afresh.
    mutating func emit(_ l: Location) -> String {
        let pieces = l.container.split(separator: "{}", omittingEmptySubsequences: false)
        var text = String(pieces[0])
        for (i, piece) in pieces.dropFirst().enumerated() {
            text += bind(l.containerArguments[i]) + piece
        }
        return text
    }

    mutating func value(_ l: Location) -> String { "json_extract(\(emit(l)), \(bind(l.path)))" }
    mutating func type(_ l: Location) -> String { "json_type(\(emit(l)), \(bind(l.path)))" }

    mutating func present(_ l: Location) -> String { "(\(type(l)) IS NOT NULL AND \(type(l)) != 'null')" }

    /// Scalar equality with an operand of a known JSON type.
    mutating func equal(_ l: Location, _ operand: JSONValue) -> String {
        switch operand {
        case .number(let d): return "(\(type(l)) IN ('integer', 'real') AND \(value(l)) = \(bind(d)))"
        case .string(let s): return "(\(type(l)) = 'text' AND \(value(l)) = \(bind(s)))"
        case .bool(let b): return "(\(type(l)) = '\(b ? "true" : "false")')"
        default: return "0"
        }
    }

    mutating func inList(_ l: Location, _ items: [JSONValue]) -> String {
        var groups: [String] = []
        let numbers = items.compactMap(\.numberValue), strings = items.compactMap(\.stringValue)
        if !numbers.isEmpty { groups.append("(\(type(l)) IN ('integer', 'real') AND \(value(l)) IN (\(numbers.map { bind($0) }.joined(separator: ", "))))") }
        if !strings.isEmpty { groups.append("(\(type(l)) = 'text' AND \(value(l)) IN (\(strings.map { bind($0) }.joined(separator: ", "))))") }
        for b in [true, false] where items.contains(.bool(b)) { groups.append("(\(type(l)) = '\(b)')") }
        return groups.isEmpty ? "0" : "(" + groups.joined(separator: " OR ") + ")"
    }

    /// An ordering test: numbers numerically, date operands chronologically, strings by bytes.
    mutating func ordered(_ l: Location, _ sqlOp: String, _ operand: JSONValue) -> String {
        switch operand {
        case .number(let d): return "(\(type(l)) IN ('integer', 'real') AND \(value(l)) \(sqlOp) \(bind(d)))"
        case .string(let s):
            if let t = try? Timestamp.parse(s) { return "(\(type(l)) = 'text' AND seg_ts(\(value(l))) \(sqlOp) \(bind(t.milliseconds)))" }
            return "(\(type(l)) = 'text' AND \(value(l)) \(sqlOp) \(bind(s)))"
        default: return "0"
        }
    }

    mutating func predicate(_ l: Location, _ p: Predicate) -> String {
        switch p {
        case .withinLastDays(let n):
            return "(\(type(l)) = 'text' AND seg_ts(\(value(l))) BETWEEN \(bind(at.adding(days: -n).milliseconds)) AND \(bind(at.milliseconds)))"
        case .before(let d): return "(\(type(l)) = 'text' AND seg_ts(\(value(l))) < \(bind(d.milliseconds)))"
        case .after(let d): return "(\(type(l)) = 'text' AND seg_ts(\(value(l))) > \(bind(d.milliseconds)))"
        case .compare(let op, let operand):
            switch op {
            case .exists: return operand == .bool(true) ? present(l) : "(NOT \(present(l)))"
            case .eq: return equal(l, operand)
            case .neq: return "(\(present(l)) AND NOT \(equal(l, operand)))"
            case .in: return inList(l, operand.arrayValues)
            case .notIn: return "(\(present(l)) AND NOT \(inList(l, operand.arrayValues)))"
            case .gt: return ordered(l, ">", operand)
            case .gte: return ordered(l, ">=", operand)
            case .lt: return ordered(l, "<", operand)
            case .lte: return ordered(l, "<=", operand)
            case .between:
                let b = operand.arrayValues
                return "(\(ordered(l, ">=", b[0])) AND \(ordered(l, "<=", b[1])))"
            case .contains:
                var alternatives: [String] = []
                if case .string(let s) = operand { alternatives.append("(\(type(l)) = 'text' AND instr(\(value(l)), \(bind(s))) > 0)") }
                let test: String
                switch operand {
                case .number(let d): test = "(j.type IN ('integer', 'real') AND j.value = \(bind(d)))"
                case .string(let s): test = "(j.type = 'text' AND j.value = \(bind(s)))"
                case .bool(let b): test = "(j.type = '\(b)')"
                default: test = "0"
                }
                let typeTest = type(l)
                alternatives.append("(\(typeTest) = 'array' AND EXISTS (SELECT 1 FROM json_each(\(emit(l)), \(bind(l.path))) j WHERE \(test)))")
                return "(" + alternatives.joined(separator: " OR ") + ")"
            case .startsWith:
                let s = operand.stringValue ?? ""
                return "(\(type(l)) = 'text' AND substr(\(value(l)), 1, length(\(bind(s)))) = \(bind(s)))"
            }
        }
    }

    mutating func behaviour(_ b: BehaviourCondition) -> String {
        let row: String, time: String, container: String
        var conditions: [String] = []
        switch b.source {
        case .event(let name):
            row = "events e"
            time = "e.timestamp"
            container = "e.properties"
            conditions.append("e.profile_id = p.id")
            conditions.append("e.type = 'track'")
            conditions.append("e.name = \(bind(name))")
        case .orders:
            row = "orders o"
            time = "o.timestamp"
            container = "json_object('amount', o.amount, 'currency', o.currency)"
            conditions.append("o.profile_id = p.id")
        }
        conditions.append("\(time) <= \(bind(at.milliseconds))")
        switch b.window {
        case nil: break
        case .lastDays(let n): conditions.append("\(time) >= \(bind(at.adding(days: -n).milliseconds))")
        case .between(let from, let to):
            conditions.append("\(time) >= \(bind(from.milliseconds)) AND \(time) < \(bind(to.adding(days: 1).milliseconds))")
        case .sinceSignupDays(let n):
            let signup = "COALESCE(seg_ts(json_extract(p.traits, '$.\"signed_up_at\"')), p.first_seen)"
            conditions.append("\(time) >= \(signup) AND \(time) < \(signup) + \(bind(Int64(n) * Timestamp.millisecondsPerDay))")
        }
        for f in b.filters {
            conditions.append("COALESCE(" + predicate(Location(container: container, path: SQLiteStore.jsonPath(f.property)), f.predicate) + ", 0)")
        }
        let aggregate: String
        switch b.aggregate {
        case .count: aggregate = "COUNT(*)"
        case .distinctDays: aggregate = "COUNT(DISTINCT \(time) / \(Timestamp.millisecondsPerDay))"
        case .sum, .avg, .min, .max:
            let l = Location(container: container, path: SQLiteStore.jsonPath(b.property ?? "amount"))
            let numeric = "CASE WHEN \(type(l)) IN ('integer', 'real') THEN \(value(l)) END"
            switch b.aggregate {
            case .sum: aggregate = "COALESCE(SUM(\(numeric)), 0)"
            case .avg: aggregate = "AVG(\(numeric))"
            case .min: aggregate = "MIN(\(numeric))"
            default: aggregate = "MAX(\(numeric))"
            }
        }
        let sub = "(SELECT \(aggregate) FROM \(row) WHERE \(conditions.joined(separator: " AND ")))"
        switch b.op {
        case .eq: return "(\(sub) = \(bind(b.value)))"
        case .neq: return "(\(sub) != \(bind(b.value)))"
        case .gt: return "(\(sub) > \(bind(b.value)))"
        case .gte: return "(\(sub) >= \(bind(b.value)))"
        case .lt: return "(\(sub) < \(bind(b.value)))"
        case .lte: return "(\(sub) <= \(bind(b.value)))"
        case .between:
            let v = b.value.arrayValues
            return "(\(sub) BETWEEN \(bind(v[0])) AND \(bind(v[1])))"
        case .in: return "(\(sub) IN (\(b.value.arrayValues.map { bind($0) }.joined(separator: ", "))))"
        case .notIn: return "(\(sub) NOT IN (\(b.value.arrayValues.map { bind($0) }.joined(separator: ", "))))"
        default: return "0"
        }
    }
}
