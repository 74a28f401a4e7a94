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
    /// A static segment has no condition: membership is its list.
    public var isStatic: Bool

    /// Explains `segment` for the profile known by `id` (own, user or anonymous id).
    public static func run(_ db: some Storage, segment: String, profile id: String, asOf: Timestamp) async throws(SegmentaError) -> MembershipExplanation {
        let definitions = try await db.segmentDefinitions()
        guard let definition = definitions[segment] else {
            throw SegmentaError(.notFound, "no segment named \"\(segment)\"; `segmenta segments list` shows them")
        }
        guard let facts = try await db.profileFacts(id) else {
            throw SegmentaError(.notFound, "nobody is known by \"\(id)\" (a profile id, user id or anonymous id)")
        }
        guard let condition = definition.condition else {
            let member = try await db.members(of: segment).contains(facts.id)
            let node = ConditionExplainer.Explanation(kind: "static", text: "in the list of static segment \"\(segment)\"", held: member,
                                                      value: .bool(member), children: [], path: [])
            return MembershipExplanation(segment: segment, profile: facts.id, asOf: asOf, member: member, tree: node, blocking: [node], isStatic: true)
        }
        // Dynamic references are explained inline; static ones are their stored lists.
        var dynamic: [String: Condition] = [:], lists: [String: Set<String>] = [:]
        var pending = condition.segmentReferences
        while let name = pending.popLast() {
            guard dynamic[name] == nil, lists[name] == nil, let d = definitions[name] else { continue }
            if let c = d.condition {
                dynamic[name] = c
                pending += c.segmentReferences
            } else {
                lists[name] = Set(try await db.members(of: name))
            }
        }
        let explainer = ConditionExplainer(evaluator: ConditionEvaluator(at: asOf, segments: dynamic, staticMembers: lists))
        let tree = explainer.explain(condition, facts)
        return MembershipExplanation(segment: segment, profile: facts.id, asOf: asOf, member: tree.held, tree: tree,
                                     blocking: explainer.blocking(tree), isStatic: false)
    }

    /// `{"segment", "profile", "as_of", "held", "tree", "blocking"}`: `tree` has `held` and `value`
    /// on every node, and the root's `held` is the membership.
    public var json: JSONValue {
        .object([
            "segment": .string(segment), "profile": .string(profile), "as_of": .string(asOf.iso8601), "held": .bool(member),
            "tree": tree.json,
            "blocking": .array(blocking.map { .object(["text": .string($0.text), "kind": .string($0.kind), "value": $0.value ?? .null,
                                                        "path": .array($0.path.map { .number(Double($0)) })]) }),
        ])
    }

    /// A readable account: one line per node, indented, with ✓ or ✗ and the profile's value.
    public var lines: [String] {
        var out = ["\(profile) \(member ? "is" : "is not") in \"\(segment)\" as of \(asOf.iso8601):"]
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
            out.append(member ? (one ? "It would leave if this stopped holding:" : "It would leave if all of these stopped holding:")
                              : (one ? "To enter, this would have to hold:" : "To enter, all of these would have to hold:"))
            for b in blocking { out.append("  • " + b.text + " (here: " + Self.show(b.value) + ")") }
        }
        return out
    }

    static func show(_ v: JSONValue?) -> String {
        guard let v else { return "none" }
        if case .number(let d) = v { return JSONValue.format(d) }
        return v.jsonText
    }
}
