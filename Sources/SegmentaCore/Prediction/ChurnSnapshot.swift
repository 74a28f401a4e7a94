/// What the store knows about every profile as of one time: the inputs of churn features (at the
/// training cutoff and at the scoring date) and of churn labels (at the scoring date).
///
/// Orders, events and churn events are counted strictly as of `asOf`; traits are the profiles'
/// current values (the store keeps no trait history), so a trait that records churn itself
/// (`churned`, `churned_at`) must not be a feature — ``ChurnFeatures`` refuses those names.
public struct ChurnSnapshot: Sendable {
    /// The time the snapshot is taken at.
    public var asOf: Timestamp
    /// Every known profile, with its signup time (the `signed_up_at` trait, else first seen).
    public var signups: [String: Timestamp]
    /// Per-customer order totals before `asOf`.
    public var totals: CustomerTotals
    /// Per customer, the times of purchases before `asOf` (the lifecycle's input).
    public var purchases: [String: [Timestamp]]
    /// Profiles with a churn event at or before `asOf`.
    public var churned: Set<String>
    /// Track-event counts per profile in windows ending at `asOf`.
    public var events: [EventWindow]
    /// Current trait values by trait name, then by profile.
    public var traits: [String: [String: String]]

    /// Counts of one event name in the `days` before a snapshot.
    public struct EventWindow: Sendable, Equatable {
        /// The event's name.
        public var name: String
        /// The window's length before the snapshot, in days.
        public var days: Int
        /// Events per profile in the window (absent: none).
        public var counts: [String: Double]
        /// Creates a window's counts.
        public init(name: String, days: Int, counts: [String: Double]) {
            self.name = name
            self.days = days
            self.counts = counts
        }
    }

    /// What the store knew at `asOf`.
    public init(asOf: Timestamp, signups: [String: Timestamp], totals: CustomerTotals, purchases: [String: [Timestamp]],
                churned: Set<String>, events: [EventWindow], traits: [String: [String: String]]) {
        self.asOf = asOf
        self.signups = signups
        self.totals = totals
        self.purchases = purchases
        self.churned = churned
        self.events = events
        self.traits = traits
    }

    /// Lifecycle stages as of `asOf`, for every profile known then.
    public func stages(_ options: LifecycleOptions) -> [String: LifecycleStage] {
        let known = signups.filter { $0.value <= asOf }.map(\.key)
        var out: [String: LifecycleStage] = [:]
        for a in LifecycleClassifier.classify(purchases: purchases, prospects: known, asOf: asOf, options: options) { out[a.customerID] = a.stage }
        return out
    }

    /// Who can still churn as of `asOf`: profiles signed up by then, without a churn event by then,
    /// and not `lost` — in customer order.
    public func population(_ stages: [String: LifecycleStage]) -> [String] {
        CustomerOrder.sorted(stages.compactMap { id, stage in
            stage != .lost && !churned.contains(id) && (signups[id].map { $0 <= asOf } ?? true) ? id : nil
        })
    }
}
