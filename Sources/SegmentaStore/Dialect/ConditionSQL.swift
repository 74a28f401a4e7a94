public import SegmentaCore

/// Compiles a ``Condition`` to a boolean SQL expression over `profiles p`, in a backend's
/// ``SQLDialect``, with every value — trait paths, event names, operands, times — passed as a
/// bound parameter.
///
/// Every leaf is wrapped in `COALESCE(…, false)`, so SQL's NULL never leaks into `NOT`: a missing
/// value is false, as in ``ConditionEvaluator``, the reference this compiler is tested against on
/// every backend.
package struct ConditionSQL {
    /// How a referenced segment is resolved.
    package enum Reference {
        case dynamic(Condition)
        case staticList
    }

    let dialect: SQLDialect
    let at: Timestamp
    let resolve: (String) -> Reference?
    /// Event conditions evaluated elsewhere (events kept in ClickHouse); nil reads the events table.
    let eventLeaves: EventLeaves?
    package private(set) var arguments: [SQLArgument] = []
    private var stack: [String] = []
    /// Conditions compiled so far, counted through segment references (which are inlined).
    private var nodes = 0
    /// Where `trait` nodes read: the profile's traits, or inside an `account` node that account's.
    private var traitContainer = "p.traits"
    /// Most conditions a definition may expand to through its references: one definition holds at
    /// most 1,000, but references can multiply them (A uses B ten times, B uses C ten times…).
    static let maxExpandedNodes = 10_000

    init(dialect: SQLDialect, at: Timestamp, resolve: @escaping (String) -> Reference?, eventLeaves: EventLeaves? = nil) {
        self.dialect = dialect
        self.at = at
        self.resolve = resolve
        self.eventLeaves = eventLeaves
    }

    /// `SELECT p.id FROM profiles p WHERE …` for a condition.
    package static func membersQuery(_ c: Condition, dialect: SQLDialect, at: Timestamp, resolve: @escaping (String) -> Reference?,
                                     eventLeaves: EventLeaves? = nil) throws(SegmentaError) -> (sql: String, arguments: [SQLArgument]) {
        var compiler = ConditionSQL(dialect: dialect, at: at, resolve: resolve, eventLeaves: eventLeaves)
        let expr = try compiler.compile(c)
        return ("SELECT p.id FROM profiles p WHERE " + expr, compiler.arguments)
    }

    /// Resolves references against the current definitions (a static segment is a stored list).
    package static func resolver(_ definitions: [String: SegmentDefinition]) -> (String) -> Reference? {
        { name in
            guard let d = definitions[name] else { return nil }
            return d.condition.map(Reference.dynamic) ?? .staticList
        }
    }

    /// Parses a stored or submitted definition document.
    package static func definition(_ document: JSONValue) throws(SegmentaError) -> SegmentDefinition {
        do throws(ConditionError) { return try ConditionParser.definition(document) } catch {
            throw SegmentaError(.invalidInput, error.description)
        }
    }

    /// Binds a value and returns its numbered placeholder (`?7`, `$7`): placeholders are numbered,
    /// so the order in which fragments are built never has to match the order of the SQL text.
    mutating func bind(_ v: SQLArgument) -> String {
        arguments.append(v)
        return dialect.placeholder(arguments.count)
    }
    mutating func bind(_ d: Double) -> String { bind(.real(d)) }
    mutating func bind(_ i: Int64) -> String { bind(.integer(i)) }
    mutating func bind(_ s: String) -> String { bind(.text(s)) }

    mutating func bind(_ v: JSONValue) -> String {
        switch v {
        case .number(let d): return bind(d)
        case .string(let s): return bind(s)
        case .bool(let b): return bind(.integer(b ? 1 : 0))
        default: return "NULL"
        }
    }

    var no: String { dialect.literal(false) }

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
                let location = Location(container: traitContainer, path: dialect.path(dotted: t.path))
                return "COALESCE(" + predicate(location, t.predicate) + ", \(no))"
            case .computed:
                let location = Location(container: "(SELECT cv.traits FROM computed_values cv WHERE cv.grp = {} AND cv.profile_id = p.id)",
                                        path: dialect.path([t.path]), containerArguments: [.text(ComputedTraitLayout.group(of: t.path))])
                return "COALESCE(" + predicate(location, t.predicate) + ", \(no))"
            case .accountTrait:
                let location = Location(container: "a.traits", path: dialect.path(dotted: t.path))
                let test = predicate(location, t.predicate)
                return "EXISTS (SELECT 1 FROM account_members am JOIN accounts a ON a.id = am.account_id WHERE am.profile_id = p.id AND COALESCE(\(test), \(no)))"
            }
        case .behaviour(let b):
            if let eventLeaves, case .event = b.source {
                guard let leaf = eventLeaves.leaf(for: b) else {
                    throw SegmentaError(.storage, "the event condition \(ConditionRenderer.text(.behaviour(b))) was not evaluated in the event store")
                }
                let test = dialect.isIn("p.id", idList: bind(dialect.idList(leaf.ids)))
                return leaf.complement ? "(NOT \(test))" : test
            }
            return "COALESCE(" + behaviour(b) + ", \(no))"
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
        var path: SQLArgument
        /// Values bound inside `container`, bound again each time it is written out.
        var containerArguments: [SQLArgument] = []
    }

    /// Writes out a container, binding the values it holds (`{}` marks each) afresh.
    mutating func emit(_ l: Location) -> String {
        let pieces = l.container.split(separator: "{}", omittingEmptySubsequences: false)
        var text = String(pieces[0])
        for (i, piece) in pieces.dropFirst().enumerated() where i < l.containerArguments.count {
            text += bind(l.containerArguments[i]) + piece
        }
        return text
    }

    mutating func text(_ l: Location) -> String { dialect.text(emit(l), bind(l.path)) }
    mutating func number(_ l: Location) -> String { dialect.number(emit(l), bind(l.path)) }
    mutating func type(_ l: Location) -> String { dialect.type(emit(l), bind(l.path)) }
    mutating func `is`(_ l: Location, _ kind: SQLDialect.JSONKind) -> String {
        if case .bool(let b) = kind { return dialect.boolValue(emit(l), bind(l.path), b) }
        return dialect.isType(type(l), kind)
    }

    mutating func present(_ l: Location) -> String { "(\(type(l)) IS NOT NULL AND \(type(l)) != 'null')" }

    /// Scalar equality with an operand of a known JSON type.
    mutating func equal(_ l: Location, _ operand: JSONValue) -> String {
        switch operand {
        case .number(let d): return "(\(self.is(l, .number)) AND \(number(l)) = \(bind(d)))"
        case .string(let s): return "(\(self.is(l, .text)) AND \(text(l)) = \(bind(s)))"
        case .bool(let b): return "(\(self.is(l, .bool(b))))"
        default: return no
        }
    }

    mutating func inList(_ l: Location, _ items: [JSONValue]) -> String {
        var groups: [String] = []
        let numbers = items.compactMap(\.numberValue), strings = items.compactMap(\.stringValue)
        if !numbers.isEmpty { groups.append("(\(self.is(l, .number)) AND \(number(l)) IN (\(numbers.map { bind($0) }.joined(separator: ", "))))") }
        if !strings.isEmpty { groups.append("(\(self.is(l, .text)) AND \(text(l)) IN (\(strings.map { bind($0) }.joined(separator: ", "))))") }
        for b in [true, false] where items.contains(.bool(b)) { groups.append("(\(self.is(l, .bool(b))))") }
        return groups.isEmpty ? no : "(" + groups.joined(separator: " OR ") + ")"
    }

    /// A text that is a date, as milliseconds (NULL for any other value).
    mutating func time(_ l: Location) -> String {
        "(CASE WHEN \(self.is(l, .text)) THEN \(dialect.timestamp(text(l))) END)"
    }

    /// An ordering test: numbers numerically, date operands chronologically, strings by bytes.
    mutating func ordered(_ l: Location, _ sqlOp: String, _ operand: JSONValue) -> String {
        switch operand {
        case .number(let d): return "(\(self.is(l, .number)) AND \(number(l)) \(sqlOp) \(bind(d)))"
        case .string(let s):
            if let t = try? Timestamp.parse(s) { return "(\(self.is(l, .text)) AND \(time(l)) \(sqlOp) \(bind(t.milliseconds)))" }
            let collate = dialect == .postgres ? " COLLATE \"C\"" : ""
            return "(\(self.is(l, .text)) AND \(text(l))\(collate) \(sqlOp) \(bind(s)))"
        default: return no
        }
    }

    mutating func predicate(_ l: Location, _ p: Predicate) -> String {
        switch p {
        case .withinLastDays(let n):
            return "(\(self.is(l, .text)) AND \(time(l)) BETWEEN \(bind(at.adding(days: -n).milliseconds)) AND \(bind(at.milliseconds)))"
        case .before(let d): return "(\(self.is(l, .text)) AND \(time(l)) < \(bind(d.milliseconds)))"
        case .after(let d): return "(\(self.is(l, .text)) AND \(time(l)) > \(bind(d.milliseconds)))"
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
                guard b.count == 2 else { return no }   // the parser refuses any other shape
                return "(\(ordered(l, ">=", b[0])) AND \(ordered(l, "<=", b[1])))"
            case .contains:
                var alternatives: [String] = []
                if case .string(let s) = operand { alternatives.append("(\(self.is(l, .text)) AND \(dialect.containsText(text(l), bind(s))))") }
                let needle: String
                switch operand {
                case .number(let d): needle = bind(d)
                case .string(let s): needle = bind(s)
                default: needle = ""
                }
                let container = emit(l), path = bind(l.path)
                alternatives.append(dialect.arrayHas(container, path) { j in
                    switch operand {
                    case .number: return "(\(j.isType(.number)) AND \(j.number) = \(needle))"
                    case .string: return "(\(j.isType(.text)) AND \(j.text) = \(needle))"
                    case .bool(let b): return "(\(j.bool(b)))"
                    default: return no
                    }
                })
                return "(" + alternatives.joined(separator: " OR ") + ")"
            case .startsWith:
                let s = operand.stringValue ?? ""
                return "(\(self.is(l, .text)) AND \(dialect.startsWith(text(l), bind(s))))"
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
            container = dialect.orderObject("o")
            conditions.append("o.profile_id = p.id")
        }
        conditions.append("\(time) <= \(bind(at.milliseconds))")
        switch b.window {
        case nil: break
        case .lastDays(let n): conditions.append("\(time) >= \(bind(at.adding(days: -n).milliseconds))")
        case .between(let from, let to):
            conditions.append("\(time) >= \(bind(from.milliseconds)) AND \(time) < \(bind(to.adding(days: 1).milliseconds))")
        case .sinceSignupDays(let n):
            let signedUp = Location(container: "p.traits", path: dialect.path(["signed_up_at"]))
            let signup = "COALESCE(\(self.time(signedUp)), p.first_seen)"
            conditions.append("\(time) >= \(signup) AND \(time) < \(signup) + \(bind(Int64(n) * Timestamp.millisecondsPerDay))")
        }
        for f in b.filters {
            conditions.append("COALESCE(" + predicate(Location(container: container, path: dialect.path(dotted: f.property)), f.predicate) + ", \(no))")
        }
        let aggregate: String
        switch b.aggregate {
        case .count: aggregate = "COUNT(*)"
        case .distinctDays: aggregate = "COUNT(DISTINCT \(time) / \(Timestamp.millisecondsPerDay))"
        case .sum, .avg, .min, .max:
            let l = Location(container: container, path: dialect.path(dotted: b.property ?? "amount"))
            let numeric = "CASE WHEN \(self.is(l, .number)) THEN \(number(l)) END"
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
            guard v.count == 2 else { return no }
            return "(\(sub) BETWEEN \(bind(v[0])) AND \(bind(v[1])))"
        case .in: return "(\(sub) IN (\(b.value.arrayValues.map { bind($0) }.joined(separator: ", "))))"
        case .notIn: return "(\(sub) NOT IN (\(b.value.arrayValues.map { bind($0) }.joined(separator: ", "))))"
        default: return no
        }
    }
}
