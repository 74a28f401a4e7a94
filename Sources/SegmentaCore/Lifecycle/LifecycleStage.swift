/// Where a customer is in their life with the company, from their orders.
public enum LifecycleStage: String, CaseIterable, Sendable, Codable {
    /// Known, but has never ordered.
    case prospect
    /// First order recently (within `newDays`).
    case new
    /// Ordering at their usual pace.
    case active
    /// Silent for longer than their usual pace allows.
    case atRisk = "at_risk"
    /// Silent for longer than `lostDays`.
    case lost
}

/// Thresholds of the lifecycle stages.
public struct LifecycleOptions: Sendable, Equatable {
    /// A first order at most this many days before the snapshot makes a customer `new`.
    public var newDays: Int
    /// `at_risk` after more than this many times the customer's own median gap between orders.
    public var atRiskFactor: Double
    /// `at_risk` threshold, in days, for customers who ordered on one day only.
    public var singleOrderAtRiskDays: Int
    /// `lost` after more than this many days without an order.
    public var lostDays: Int

    /// Creates options; the defaults are those of the `segmenta lifecycle` command.
    public init(newDays: Int = 30, atRiskFactor: Double = 2, singleOrderAtRiskDays: Int = 90, lostDays: Int = 365) {
        self.newDays = newDays
        self.atRiskFactor = atRiskFactor
        self.singleOrderAtRiskDays = singleOrderAtRiskDays
        self.lostDays = lostDays
    }
}
