public import SegmentaCore
public import SegmentaStore

/// `segments explain` and `GET /api/v1/segments/{name}/explain/{id}`: why one profile is in a
/// segment, or not, as of a time — the segment's condition evaluated by the reference evaluator
/// on that profile's own rows, node by node (``ConditionExplainer``).
public struct MembershipExplanation: Sendable {
    /// The segment explained.
    public var segment: String
    /// The profile's own id (whatever id it was asked by).
    public var profile: String
    /// The time the condition was evaluated at.
    public var asOf: Timestamp
    /// The root's `held`: whether the profile matches as of `asOf`.
    public var member: Bool
    /// The condition tree, each node with the profile's value and whether it held.
    public var tree: ConditionExplainer.Explanation
    /// For a non-member, the failing leaves that would have to hold for it to enter; for a member,
    /// those whose failing would make it leave.
    public var blocking: [ConditionExplainer.Explanation]
    /// True when each of `blocking` alone would do (a member of `a and b` leaves if either stops
    /// holding); false when they would all have to change together.
    public var eachAlone = false
    /// A static segment has no condition: membership is its list.
    public var isStatic: Bool
    /// When explained as people see the segment (``asSeen(_:segment:profile:now:)``): the as-of of
    /// its last refresh, whether the profile is in that refresh's member list, and whether the
    /// condition holds as of now (nil when not asked, or never refreshed).
    public var refreshedAsOf: Timestamp?, listed: Bool?, live: Bool?

    /// Explains `segment` for the profile known by `id` (own, user or anonymous id).
    public static func run(_ db: some Storage, segment: String, profile id: String, asOf: Timestamp) async throws(SegmentaError) -> MembershipExplanation {
        try await Inputs.load(db, segment: segment, profile: id).explained(asOf: asOf)
    }

    /// What an explanation reads from the store: read once, explained at any time.
    struct Inputs {
        var segment: String
        var facts: ProfileFacts
        /// Nil for a static segment, whose membership is `staticMember`.
        var condition: Condition?
        var staticMember = false
        /// Referenced dynamic segments (explained inline) and static ones (their stored lists).
        var dynamic: [String: Condition] = [:], lists: [String: Set<String>] = [:]

        static func load(_ db: some Storage, segment: String, profile id: String) async throws(SegmentaError) -> Inputs {
            let definitions = try await db.segmentDefinitions()
            guard let definition = definitions[segment] else {
                throw SegmentaError(.notFound, "no segment named \"\(segment)\"; `segmenta segments list` shows them")
            }
            guard let facts = try await db.profileFacts(id) else {
                throw SegmentaError(.notFound, "nobody is known by \"\(id)\" (a profile id, user id or anonymous id)")
            }
            var inputs = Inputs(segment: segment, facts: facts, condition: definition.condition)
            guard let condition = definition.condition else {
                inputs.staticMember = try await db.members(of: segment).contains(facts.id)
                return inputs
            }
            var pending = condition.segmentReferences
            while let name = pending.popLast() {
                guard inputs.dynamic[name] == nil, inputs.lists[name] == nil, let d = definitions[name] else { continue }
                if let c = d.condition {
                    inputs.dynamic[name] = c
                    pending += c.segmentReferences
                } else {
                    inputs.lists[name] = Set(try await db.members(of: name))
                }
            }
            return inputs
        }

        func explained(asOf: Timestamp) -> MembershipExplanation {
            guard let condition else {
                let node = ConditionExplainer.Explanation(kind: "static", text: "in the list of static segment \"\(segment)\"", held: staticMember,
                                                          value: .bool(staticMember), children: [], path: [])
                return MembershipExplanation(segment: segment, profile: facts.id, asOf: asOf, member: staticMember, tree: node, blocking: [node], isStatic: true)
            }
            let explainer = ConditionExplainer(evaluator: ConditionEvaluator(at: asOf, segments: dynamic, staticMembers: lists))
            let tree = explainer.explain(condition, facts)
            // For a member, every condition whose change alone removes it; when no single change does
            // (two branches of an `any` hold), the smallest set that must change together.
            let alone = tree.held ? explainer.singleBreakers(tree) : []
            var out = MembershipExplanation(segment: segment, profile: facts.id, asOf: asOf, member: tree.held, tree: tree,
                                            blocking: alone.isEmpty ? explainer.blocking(tree) : alone, isStatic: false)
            out.eachAlone = !alone.isEmpty
            return out
        }
    }

    /// The membership people see: the segment explained as of its last refresh (what its member
    /// list, exports and webhooks show), with whether the profile is in that list and whether the
    /// condition holds now — two answers to "is she in it?" said side by side, never one for the
    /// other. A segment never refreshed is explained as of `now`.
    public static func asSeen(_ db: some Storage, segment: String, profile id: String, now: Timestamp) async throws(SegmentaError) -> MembershipExplanation {
        let inputs = try await Inputs.load(db, segment: segment, profile: id)
        guard let last = try await db.history(of: segment).max(by: { $0.asOf < $1.asOf }) else { return inputs.explained(asOf: now) }
        var e = inputs.explained(asOf: last.asOf)
        guard !e.isStatic else { return e }
        let segments = try await db.profileDetail(e.profile)?.segments ?? []
        e.refreshedAsOf = last.asOf
        e.listed = segments.contains(segment)
        e.live = inputs.explained(asOf: now).member
        return e
    }

    /// `{"segment", "profile", "as_of", "held", "tree", "blocking"}` (and, explained as seen,
    /// `"refreshed_as_of", "listed", "live"`): `tree` has `held` and `value`
    /// on every node, and the root's `held` is the membership.
    public var json: JSONValue {
        .object([
            "segment": .string(segment), "profile": .string(profile), "as_of": .string(asOf.iso8601), "held": .bool(member),
            "tree": tree.json,
            "blocking_each_alone": .bool(eachAlone),
            "refreshed_as_of": refreshedAsOf.map { .string($0.iso8601) } ?? .null,
            "listed": listed.map(JSONValue.bool) ?? .null, "live": live.map(JSONValue.bool) ?? .null,
            "blocking": .array(blocking.map { .object(["text": .string($0.text), "kind": .string($0.kind), "value": $0.value ?? .null,
                                                        "path": .array($0.path.map { .number(Double($0)) })]) }),
        ])
    }

    /// A readable account: one line per node, indented, with ✓ or ✗ and the profile's value.
    public var lines: [String] {
        var out = refreshedAsOf == nil
            ? ["\(profile) \(member ? "is" : "is not") in \"\(segment)\" as of \(asOf.iso8601):"]
            : ["\(profile) \(listed == true ? "is" : "is not") in \"\(segment)\" as of its last refresh (\(asOf.iso8601)):"]
        if let listed, listed != member {
            out.append("  (the condition \(member ? "holds" : "does not hold") for them today as of that time: a trait changed since the refresh)")
        }
        func walk(_ e: ConditionExplainer.Explanation, depth: Int) {
            let indent = String(repeating: "  ", count: depth + 1)
            let mark = e.held ? "✓" : "✗"
            let label: String
            switch e.kind {
            case "all": label = "all of:"
            case "any": label = "any of:"
            case "not": label = "not:"
            case "segment": label = e.text + (e.children.isEmpty ? "" : ", which is:")
            case "account": label = e.text.prefix(1).uppercased() + e.text.dropFirst() + " — \(Self.show(e.value)) account(s); the one shown:"
            default: label = e.text + " — here: " + Self.show(e.value)
            }
            out.append(indent + mark + " " + label)
            for c in e.children { walk(c, depth: depth + 1) }
        }
        walk(tree, depth: 0)
        if !blocking.isEmpty && !isStatic {
            let one = blocking.count == 1
            out.append(member ? (one ? "It would leave if this stopped holding:" : eachAlone ? "It would leave if any one of these stopped holding:" : "It would leave if all of these stopped holding:")
                              : (one ? "To enter, this would have to hold:" : "To enter, all of these would have to hold:"))
            for b in blocking { out.append("  • " + b.text + " (here: " + Self.show(b.value) + ")") }
        }
        if let live, let listed, live != listed {
            out.append("As of now the condition \(live ? "holds" : "no longer holds"): the next refresh will \(live ? "add them to" : "remove them from") \"\(segment)\".")
        }
        return out
    }

    static func show(_ v: JSONValue?) -> String {
        guard let v else { return "none" }
        if case .number(let d) = v { return JSONValue.format(d) }
        return v.jsonText
    }
}
