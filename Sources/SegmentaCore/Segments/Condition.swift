/// A segment condition: a closed set of node kinds, declarative data that is never executed.
///
/// See `docs/SEGMENTS.md` for the JSON form. Conditions are built by ``ConditionParser`` (which
/// validates them) and evaluated by ``ConditionEvaluator`` (the in-memory reference) or compiled
/// to parameterised SQL by the store.
public indirect enum Condition: Sendable, Equatable {
    case all([Condition])
    case any([Condition])
    case not(Condition)
    /// A profile trait, computed trait or account trait compared with a value.
    case trait(TraitCondition)
    /// An aggregate of events or orders compared with a number.
    case behaviour(BehaviourCondition)
    /// Membership in another segment, as of the same evaluation.
    case segment(String)
    /// One account of the profile satisfies the whole condition; inside it, `trait` nodes read
    /// that account's traits (`{"account": {"all": [{"trait": "industry", …}, {"trait": "employees", …}]}}`).
    case account(Condition)

    /// Names of the segments this condition refers to, directly.
    public var segmentReferences: [String] {
        switch self {
        case .all(let c), .any(let c): return c.flatMap(\.segmentReferences)
        case .not(let c): return c.segmentReferences
        case .segment(let s): return [s]
        case .trait, .behaviour, .account: return []
        }
    }

    /// Number of nodes.
    /// Names of the computed traits the condition reads (not through segment references).
    public var computedTraitNames: [String] {
        switch self {
        case .all(let c), .any(let c): return c.flatMap(\.computedTraitNames)
        case .not(let c): return c.computedTraitNames
        case .trait(let t) where t.source == .computed: return [t.path]
        case .trait, .behaviour, .segment, .account: return []
        }
    }

    /// The computed traits Segmenta's own analyses write (RFM, lifecycle, CLV, personas).
    public static let builtInComputedTraits = AnalysisKind.allTraits.map(\.trait.name)

    /// Nodes in the tree, for the limit on definition size.
    public var nodeCount: Int {
        switch self {
        case .all(let c), .any(let c): return 1 + c.reduce(0) { $0 + $1.nodeCount }
        case .not(let c), .account(let c): return 1 + c.nodeCount
        case .trait, .behaviour, .segment: return 1
        }
    }
}

/// Where a trait condition reads its value.
public enum TraitSource: String, Sendable, Equatable {
    /// `traits` of the profile.
    case trait
    /// A computed trait (`rfm_segment`, `lifecycle`, …).
    case computed
    /// A trait of any account (group) the profile belongs to.
    case accountTrait = "account_trait"
}

/// The comparison operators.
public enum ComparisonOperator: String, Sendable, Equatable, CaseIterable {
    case eq, neq, gt, gte, lt, lte, `in`, notIn = "not_in", contains, startsWith = "starts_with", between, exists
}

/// A test on one value: an operator with its operand, or one of the date-only forms.
public enum Predicate: Sendable, Equatable {
    /// `op` with `value` (checked against the operator at parse time).
    case compare(ComparisonOperator, JSONValue)
    /// A date within the last N×24 hours before the evaluation time (and not after it).
    case withinLastDays(Int)
    /// A date strictly before an instant.
    case before(Timestamp)
    /// A date strictly after an instant.
    case after(Timestamp)
}

/// `{"trait"|"computed"|"account_trait": PATH, …}`.
public struct TraitCondition: Sendable, Equatable {
    /// Where the value is read: the profile's traits, its computed traits, or its accounts' traits.
    public var source: TraitSource
    /// A dotted path (`company.size`); for computed traits, the name.
    public var path: String
    /// The test applied to the value.
    public var predicate: Predicate
}

/// A filter on an event's properties (or an order's fields).
public struct PropertyFilter: Sendable, Equatable {
    /// A dotted property path (`plan`, `company.size`); for orders `amount` or `currency`.
    public var property: String
    /// The test applied to the property's value.
    public var predicate: Predicate
}

/// The aggregates of behaviour conditions.
public enum Aggregate: String, Sendable, Equatable, CaseIterable {
    case count, sum, avg, min, max
    case distinctDays = "distinct_days"
}

/// The time window of a behaviour condition.
public enum Window: Sendable, Equatable {
    /// The N×24 hours up to the evaluation time.
    case lastDays(Int)
    /// Whole UTC days `from` … `to`, both included.
    case between(from: Timestamp, to: Timestamp)
    /// From signup (the `signed_up_at` trait, else first seen) to signup + N×24 hours.
    case sinceSignupDays(Int)
}

/// `{"event": NAME | "orders": AGG, …}`: an aggregate of matching events or orders, compared.
public struct BehaviourCondition: Sendable, Equatable {
    /// What is aggregated.
    public enum Source: Sendable, Equatable {
        /// Track events of this name.
        case event(String)
        /// Orders.
        case orders
    }

    /// Track events of one name, or orders.
    public var source: Source
    /// count, sum, avg, min, max or distinct_days.
    public var aggregate: Aggregate
    /// The property aggregated (sum/avg/min/max); for orders `amount`.
    public var property: String?
    /// Only events (or orders) whose properties pass every filter count (`where`).
    public var filters: [PropertyFilter]
    /// Only events in this window count; nil: all of them.
    public var window: Window?
    /// The comparison of the aggregate (numeric ops only).
    public var op: ComparisonOperator
    /// The number (or `[lo, hi]` for `between`, a list for `in`/`not_in`).
    public var value: JSONValue
}

extension Condition {
    /// The traits, computed traits and account traits the condition reads.
    public var traitReferences: [TraitCondition] {
        switch self {
        case .all(let c), .any(let c): return c.flatMap(\.traitReferences)
        case .not(let c): return c.traitReferences
        case .trait(let t): return [t]
        case .account(let c):
            // Inside an account node, trait nodes read the account's traits.
            return c.traitReferences.map { t in var a = t; if a.source == .trait { a.source = .accountTrait }; return a }
        case .behaviour, .segment: return []
        }
    }
}
