/// Why a profile is in a segment or not: the condition tree with, at every node, the profile's
/// value there and whether the node held — computed by ``ConditionEvaluator`` (the reference
/// semantics) from the profile's own facts, so the root holds exactly when the profile is a member.
///
/// For a non-member, ``Explanation/blocking`` lists the smallest set of failing leaves found whose
/// holding would make it one (for a member, the leaves whose failing would make it leave): at an
/// `all` every failing child must change, at an `any` the cheapest child suffices, and `not`
/// swaps the two. The set is minimal per branch (a shared leaf may be counted twice).
public struct ConditionExplainer: Sendable {
    /// One node: what it tests, what the profile has there, and whether it held.
    public struct Explanation: Sendable, Equatable {
        /// The node's kind: `all`, `any`, `not`, `trait`, `computed`, `account_trait`, `event`,
        /// `orders`, `segment` or `account`.
        public var kind: String
        /// The node as a readable condition.
        public var text: String
        /// Whether the node held for the profile.
        public var held: Bool
        /// The profile's value at a leaf (a trait's value, an aggregate, accounts' values); nil
        /// where there is none (a missing trait, the average of nothing) and on groups.
        public var value: JSONValue?
        /// The node's children (empty at a leaf).
        public var children: [Explanation]
        /// The node's position: child indices from the root (`[]` is the root, `[1, 0]` the first
        /// child of the second child).
        public var path: [Int]

        /// Creates a node.
        public init(kind: String, text: String, held: Bool, value: JSONValue?, children: [Explanation], path: [Int]) {
            self.kind = kind
            self.text = text
            self.held = held
            self.value = value
            self.children = children
            self.path = path
        }

        /// As JSON: `{"kind", "text", "held", "value", "path", "children"}`.
        public var json: JSONValue {
            var o: [String: JSONValue] = ["kind": .string(kind), "text": .string(text), "held": .bool(held), "value": value ?? .null,
                                          "path": .array(path.map { .number(Double($0)) })]
            if !children.isEmpty { o["children"] = .array(children.map(\.json)) }
            return .object(o)
        }
    }

    /// The evaluator whose answers are explained (its time and references).
    public let evaluator: ConditionEvaluator

    /// An explainer for what `evaluator` decides.
    public init(evaluator: ConditionEvaluator) { self.evaluator = evaluator }

    /// The explanation of a condition for one profile.
    public func explain(_ c: Condition, _ p: ProfileFacts) -> Explanation { node(c, p, path: [], depth: 0) }

    /// The leaves to change for the root to flip (see the type's documentation), in tree order.
    public func blocking(_ e: Explanation) -> [Explanation] { e.held ? toBreak(e) : toFix(e) }

    /// References are followed at most this deep (definitions are validated acyclic, but a tree
    /// this deep explains nothing more).
    static let maxDepth = 32

    func node(_ c: Condition, _ p: ProfileFacts, path: [Int], depth: Int) -> Explanation {
        let held = evaluator.matches(c, p)
        let text = ConditionRenderer.text(c)
        switch c {
        case .all(let cs), .any(let cs):
            let kind = { if case .all = c { return "all" } else { return "any" } }()
            return Explanation(kind: kind, text: text, held: held, value: nil,
                               children: cs.enumerated().map { node($1, p, path: path + [$0], depth: depth) }, path: path)
        case .not(let inner):
            return Explanation(kind: "not", text: text, held: held, value: nil, children: [node(inner, p, path: path + [0], depth: depth)], path: path)
        case .segment(let name):
            var e = Explanation(kind: "segment", text: text, held: held, value: .bool(held), children: [], path: path)
            if evaluator.staticMembers[name] == nil, let inner = evaluator.segments[name], depth < Self.maxDepth {
                e.children = [node(inner, p, path: path + [0], depth: depth + 1)]
            }
            return e
        case .trait(let t):
            switch t.source {
            case .trait:
                return Explanation(kind: "trait", text: text, held: held, value: present(JSONValue.object(p.traits).value(atPath: t.path)), children: [], path: path)
            case .computed:
                return Explanation(kind: "computed", text: text, held: held, value: present(p.computed[t.path]), children: [], path: path)
            case .accountTrait:
                let values = p.accounts.compactMap { present(JSONValue.object($0).value(atPath: t.path)) }
                return Explanation(kind: "account_trait", text: text, held: held, value: values.isEmpty ? nil : .array(values), children: [], path: path)
            }
        case .behaviour(let b):
            let kind = { if case .orders = b.source { return "orders" } else { return "event" } }()
            return Explanation(kind: kind, text: text, held: held, value: evaluator.aggregate(b, p).map(JSONValue.number), children: [], path: path)
        case .account(let inner):
            // Each account's own explanation would repeat the tree per account; the node says
            // how many accounts the profile has, and the inner tree is explained for the first
            // account that satisfies it (or the first account, when none does).
            let accounts = p.accounts.map { ProfileFacts(id: p.id, traits: $0) }
            let shown = accounts.first { evaluator.matches(inner, $0) } ?? accounts.first
            return Explanation(kind: "account", text: text, held: held, value: .number(Double(p.accounts.count)),
                               children: shown.map { [node(inner, $0, path: path + [0], depth: depth)] } ?? [], path: path)
        }
    }

    func present(_ v: JSONValue?) -> JSONValue? {
        guard let v, !v.isNull else { return nil }
        return v
    }

    /// Leaves that would have to hold for a failing node to hold.
    func toFix(_ e: Explanation) -> [Explanation] {
        guard !e.held else { return [] }
        switch e.kind {
        case "all": return e.children.filter { !$0.held }.flatMap(toFix)
        case "any": return e.children.map(toFix).min { $0.count < $1.count } ?? []
        case "not": return e.children.flatMap(toBreak)
        case "segment" where !e.children.isEmpty: return e.children.flatMap(toFix)
        default: return [e]
        }
    }

    /// Leaves each of which, failing alone, makes a holding node fail: every holding child of an
    /// `all` gives its own; an `any` held by one child only gives that child's; held by two or more,
    /// none (no single change removes the profile). A member of `a and b and c` leaves if any one
    /// of the three stops holding: all three are named.
    public func singleBreakers(_ e: Explanation) -> [Explanation] {
        guard e.held else { return [] }
        switch e.kind {
        case "all": return e.children.flatMap(singleBreakers)
        case "any":
            let holding = e.children.filter(\.held)
            return holding.count == 1 ? singleBreakers(holding[0]) : []
        case "not": return e.children.flatMap(singleFixers)
        case "segment" where !e.children.isEmpty: return e.children.flatMap(singleBreakers)
        default: return [e]
        }
    }

    /// Leaves each of which, holding alone, makes a failing node hold (the mirror of ``singleBreakers(_:)``).
    public func singleFixers(_ e: Explanation) -> [Explanation] {
        guard !e.held else { return [] }
        switch e.kind {
        case "any": return e.children.flatMap(singleFixers)
        case "all":
            let failing = e.children.filter { !$0.held }
            return failing.count == 1 ? singleFixers(failing[0]) : []
        case "not": return e.children.flatMap(singleBreakers)
        case "segment" where !e.children.isEmpty: return e.children.flatMap(singleFixers)
        default: return [e]
        }
    }

    /// Leaves that would have to fail for a holding node to fail.
    func toBreak(_ e: Explanation) -> [Explanation] {
        guard e.held else { return [] }
        switch e.kind {
        case "all": return e.children.filter(\.held).map(toBreak).min { $0.count < $1.count } ?? []
        case "any": return e.children.filter(\.held).flatMap(toBreak)
        case "not": return e.children.flatMap(toFix)
        case "segment" where !e.children.isEmpty: return e.children.flatMap(toBreak)
        default: return [e]
        }
    }
}
