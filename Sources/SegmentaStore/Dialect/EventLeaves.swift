public import SegmentaCore

/// Event conditions already evaluated elsewhere (in ClickHouse): for each, the ids of its
/// members, or of its non-members when `complement` is set. The condition compiler then tests
/// membership of these lists in place of reading an events table.
public struct EventLeaves: Sendable {
    /// One event condition's answer.
    public struct Leaf: Sendable {
        /// The condition.
        public var condition: BehaviourCondition
        /// The profiles returned: the members, or the non-members when `complement`.
        public var ids: [String]
        /// True when `ids` are those the condition does not hold for.
        public var complement: Bool
        /// An answer.
        public init(condition: BehaviourCondition, ids: [String], complement: Bool) {
            self.condition = condition
            self.ids = ids
            self.complement = complement
        }
    }

    /// The answers, one per distinct condition.
    public var leaves: [Leaf] = []

    /// A set of answers.
    public init(leaves: [Leaf] = []) { self.leaves = leaves }

    /// The evaluated leaf of a condition, nil when it was not evaluated.
    public func leaf(for b: BehaviourCondition) -> Leaf? { leaves.first { $0.condition == b } }

    /// The event conditions (not order conditions) of a condition, through references to dynamic
    /// segments (each reference followed once: cycles are the compiler's to report).
    public static func eventConditions(in condition: Condition, definitions: [String: SegmentDefinition]) -> [BehaviourCondition] {
        var out: [BehaviourCondition] = []
        var visited: Set<String> = []
        func walk(_ c: Condition) {
            switch c {
            case .all(let cs), .any(let cs): cs.forEach(walk)
            case .not(let c), .account(let c): walk(c)
            case .trait: break
            case .behaviour(let b):
                if case .event = b.source, !out.contains(b) { out.append(b) }
            case .segment(let name):
                guard visited.insert(name).inserted, let inner = definitions[name]?.condition else { return }
                walk(inner)
            }
        }
        walk(condition)
        return out
    }
}
