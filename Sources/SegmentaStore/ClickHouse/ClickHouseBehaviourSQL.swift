public import SegmentaCore

/// Compiles an event condition (`{"event": NAME, …}`) to one ClickHouse query that returns
/// profile ids — the members, or, when the comparison holds for someone with no matching event
/// at all (`count < 3`, `sum = 0`), the non-members, so that only the smaller side ever comes
/// back and people without events never need to be listed.
///
/// The query resolves each event's arrival id to its profile through `identities_local` (the
/// latest version of each row, `argMax`), on the shard that holds both, then aggregates per
/// profile across shards. SDK retries stored twice (same source and messageId) count once:
/// counts are `uniqExact` of the message (a 64-bit hash of it), sums add each message's value once, and min, max and
/// distinct days do not change with repeats. Semantics are those of ``ConditionEvaluator``; a
/// property test checks every compiled query against it on a 2-shard cluster.
package struct ClickHouseBehaviourSQL: Sendable {
    /// The query and how to read its answer.
    package struct Query: Sendable {
        package var sql: String
        /// True when the ids returned are those of profiles the condition does not hold for.
        package var complement: Bool
    }

    let at: Timestamp
    let database: String
    let eventsTable: String

    package init(at: Timestamp, database: String, eventsTable: String) {
        self.at = at
        self.database = database
        self.eventsTable = eventsTable
    }

    typealias Q = ClickHouseSQL

    /// Several event conditions answered by one scan: one row per profile returned by any of
    /// them, with a 0/1 column per condition (`l1`, `l2`, …) saying which returned it.
    package struct Batch: Sendable {
        package var sql: String
        /// Per condition, in order: whether its returned ids are the non-members.
        package var complements: [Bool]
    }

    /// One condition's pieces: which rows it reads, and the test of its aggregate that selects
    /// the ids returned (members, or non-members when `complement`).
    struct Part {
        var event: String
        var rows: String
        var returned: String
        var complement: Bool
    }

    package func query(_ b: BehaviourCondition) throws(SegmentaError) -> Query {
        let p = try part(b)
        let sql = """
            SELECT profile FROM \(database).\(eventsTable)
            \(identityJoin)
            WHERE type = 'track' AND profile != '' AND timestamp <= \(Q.integer(at.milliseconds)) AND event = \(Q.quote(p.event)) AND \(p.rows)
            GROUP BY profile
            HAVING \(p.returned)
            """
        return Query(sql: sql, complement: p.complement)
    }

    package func batch(_ conditions: [BehaviourCondition]) throws(SegmentaError) -> Batch {
        var parts: [Part] = []
        for b in conditions { parts.append(try part(b)) }
        var events: [String] = []
        for p in parts where !events.contains(p.event) { events.append(p.event) }
        let flags = parts.enumerated().map { i, p in "toUInt8(\(p.returned)) AS l\(i + 1)" }
        let sql = """
            SELECT profile, \(flags.joined(separator: ", ")) FROM \(database).\(eventsTable)
            \(identityJoin)
            WHERE type = 'track' AND profile != '' AND timestamp <= \(Q.integer(at.milliseconds))
              AND event IN (\(events.map(Q.quote).joined(separator: ", ")))
              AND (\(parts.map { "(event = \(Q.quote($0.event)) AND \($0.rows))" }.joined(separator: " OR ")))
            GROUP BY profile
            HAVING \((1...max(1, parts.count)).map { "l\($0) = 1" }.joined(separator: " OR "))
            """
        return Batch(sql: sql, complements: parts.map(\.complement))
    }

    /// A message, for counting each once: a 64-bit hash of (source, messageId), about 1.5× cheaper
    /// to aggregate than the two strings (measured in BENCHMARKS.md). Two messages of one person
    /// in one condition would have to collide on 64 bits to count as one (odds near n²/2⁶⁵).
    static let message = "sipHash64(source, message_id)"

    /// Each event's profile through the latest identity row of its id, on the shard holding both.
    var identityJoin: String {
        """
        ALL INNER JOIN (
          SELECT distinct_id, argMax(profile, version) AS profile, argMax(signup, version) AS signup, argMax(has_signup, version) AS has_signup
          FROM \(database).identities_local GROUP BY distinct_id
        ) AS m USING distinct_id
        """
    }

    func part(_ b: BehaviourCondition) throws(SegmentaError) -> Part {
        guard case .event(let name) = b.source else {
            throw SegmentaError(.storage, "order conditions are evaluated by the primary store, not ClickHouse")
        }
        var conditions = ["event = \(Q.quote(name))"]
        switch b.window {
        case nil: break
        case .lastDays(let n): conditions.append("timestamp >= \(Q.integer(at.adding(days: -n).milliseconds))")
        case .between(let from, let to):
            conditions.append("timestamp >= \(Q.integer(from.milliseconds))")
            conditions.append("timestamp < \(Q.integer(to.adding(days: 1).milliseconds))")
        case .sinceSignupDays(let n):
            conditions.append("has_signup = 1")
            conditions.append("timestamp >= signup")
            conditions.append("timestamp < signup + \(Q.integer(Int64(n) * Timestamp.millisecondsPerDay))")
        }
        for f in b.filters { conditions.append(predicate(f.property, f.predicate)) }
        let rows = conditions.joined(separator: " AND ")

        let aggregate: String
        var having: [String] = []
        let holdsAtZero: Bool
        switch b.aggregate {
        case .count:
            aggregate = "uniqExactIf(\(Self.message), \(rows))"
            holdsAtZero = ConditionEvaluator(at: at).test(.number(0), .compare(b.op, b.value))
        case .distinctDays:
            aggregate = "uniqExactIf(toInt64(floor(timestamp / 86400000)), \(rows))"
            holdsAtZero = ConditionEvaluator(at: at).test(.number(0), .compare(b.op, b.value))
        case .sum, .avg, .min, .max:
            let path = Q.quote(b.property ?? "amount")
            let numeric = "\(rows) AND prop_kinds[indexOf(prop_keys, \(path))] = 2"
            let value = "prop_numbers[indexOf(prop_keys, \(path))]"
            // Each message's value once: a retried message repeats the same (message, value).
            let sum = "arraySum(arrayMap(x -> tupleElement(x, 2), groupUniqArrayIf((\(Self.message), \(value)), \(numeric))))"
            let count = "uniqExactIf(\(Self.message), \(numeric))"
            switch b.aggregate {
            case .sum:
                aggregate = sum
                holdsAtZero = ConditionEvaluator(at: at).test(.number(0), .compare(b.op, b.value))
            case .avg:
                aggregate = "(\(sum) / \(count))"
                having.append("\(count) > 0")
                holdsAtZero = false
            case .min:
                aggregate = "minIf(\(value), \(numeric))"
                having.append("\(count) > 0")
                holdsAtZero = false
            default:
                aggregate = "maxIf(\(value), \(numeric))"
                having.append("\(count) > 0")
                holdsAtZero = false
            }
        }
        let test = comparison(aggregate, b.op, b.value)
        having.append(holdsAtZero ? "NOT (\(test))" : test)
        return Part(event: name, rows: rows, returned: "(" + having.joined(separator: " AND ") + ")", complement: holdsAtZero)
    }

    /// The aggregate compared with the condition's number(s).
    func comparison(_ x: String, _ op: ComparisonOperator, _ value: JSONValue) -> String {
        func n(_ v: JSONValue) -> String { v.numberValue.map(Q.number) ?? "NULL" }
        switch op {
        case .eq: return "\(x) = \(n(value))"
        case .neq: return "\(x) != \(n(value))"
        case .gt: return "\(x) > \(n(value))"
        case .gte: return "\(x) >= \(n(value))"
        case .lt: return "\(x) < \(n(value))"
        case .lte: return "\(x) <= \(n(value))"
        case .between:
            let v = value.arrayValues
            guard v.count == 2 else { return "0" }
            return "(\(x) >= \(n(v[0])) AND \(x) <= \(n(v[1])))"
        case .in, .notIn:
            let numbers = value.arrayValues.compactMap(\.numberValue)
            let test = numbers.isEmpty ? "0" : "(" + numbers.map { "\(x) = \(Q.number($0))" }.joined(separator: " OR ") + ")"
            return op == .in ? test : "NOT \(test)"
        default: return "0"
        }
    }

    // MARK: property filters, over the flattened arrays

    struct Location {
        let path: String
        var index: String { "indexOf(prop_keys, \(path))" }
        var kind: String { "prop_kinds[\(index)]" }
        var number: String { "prop_numbers[\(index)]" }
        var text: String { "prop_strings[\(index)]" }
        var time: String { "prop_times[\(index)]" }
        /// Present and not null (an absent path reads kind 0).
        var present: String { "\(kind) >= 2" }
        var isText: String { "\(kind) IN (3, 8)" }
        var isDate: String { "\(kind) = 8" }
        var isNumber: String { "\(kind) = 2" }
    }

    func predicate(_ property: String, _ p: Predicate) -> String {
        let l = Location(path: Q.quote(property))
        switch p {
        case .withinLastDays(let n):
            return "(\(l.isDate) AND \(l.time) >= \(Q.integer(at.adding(days: -n).milliseconds)) AND \(l.time) <= \(Q.integer(at.milliseconds)))"
        case .before(let d): return "(\(l.isDate) AND \(l.time) < \(Q.integer(d.milliseconds)))"
        case .after(let d): return "(\(l.isDate) AND \(l.time) > \(Q.integer(d.milliseconds)))"
        case .compare(let op, let operand):
            switch op {
            case .exists: return operand == .bool(true) ? "(\(l.present))" : "(NOT \(l.present))"
            case .eq: return equal(l, operand)
            case .neq: return "(\(l.present) AND NOT \(equal(l, operand)))"
            case .in: return inList(l, operand.arrayValues)
            case .notIn: return "(\(l.present) AND NOT \(inList(l, operand.arrayValues)))"
            case .gt: return ordered(l, ">", operand)
            case .gte: return ordered(l, ">=", operand)
            case .lt: return ordered(l, "<", operand)
            case .lte: return ordered(l, "<=", operand)
            case .between:
                let b = operand.arrayValues
                guard b.count == 2 else { return "0" }
                return "(\(ordered(l, ">=", b[0])) AND \(ordered(l, "<=", b[1])))"
            case .contains:
                var alternatives: [String] = []
                if case .string(let s) = operand { alternatives.append("(\(l.isText) AND position(\(l.text), \(Q.quote(s))) > 0)") }
                let element: String
                switch operand {
                case .number(let d): element = "ek = 2 AND en = \(Q.number(d))"
                case .string(let s): element = "ek = 3 AND es = \(Q.quote(s))"
                case .bool(let b): element = "ek = \(b ? 4 : 5)"
                default: element = "0"
                }
                alternatives.append("(\(l.kind) = 6 AND arrayExists((k, ek, en, es) -> k = \(l.path) AND \(element), elem_keys, elem_kinds, elem_numbers, elem_strings))")
                return "(" + alternatives.joined(separator: " OR ") + ")"
            case .startsWith:
                let s = operand.stringValue ?? ""
                return "(\(l.isText) AND substring(\(l.text), 1, \(s.utf8.count)) = \(Q.quote(s)))"
            }
        }
    }

    func equal(_ l: Location, _ operand: JSONValue) -> String {
        switch operand {
        case .number(let d): return "(\(l.isNumber) AND \(l.number) = \(Q.number(d)))"
        case .string(let s): return "(\(l.isText) AND \(l.text) = \(Q.quote(s)))"
        case .bool(let b): return "(\(l.kind) = \(b ? 4 : 5))"
        default: return "0"
        }
    }

    func inList(_ l: Location, _ items: [JSONValue]) -> String {
        let parts = items.map { equal(l, $0) }
        return parts.isEmpty ? "0" : "(" + parts.joined(separator: " OR ") + ")"
    }

    /// Numbers numerically, date operands chronologically, other strings by bytes.
    func ordered(_ l: Location, _ op: String, _ operand: JSONValue) -> String {
        switch operand {
        case .number(let d): return "(\(l.isNumber) AND \(l.number) \(op) \(Q.number(d)))"
        case .string(let s):
            if let t = try? Timestamp.parse(s) { return "(\(l.isDate) AND \(l.time) \(op) \(Q.integer(t.milliseconds)))" }
            return "(\(l.isText) AND \(l.text) \(op) \(Q.quote(s)))"
        default: return "0"
        }
    }
}
