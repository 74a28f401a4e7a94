/// Assigns each customer a ``LifecycleStage`` from their orders.
///
/// Days are counted as RFM counts recency: whole days from an order to the snapshot (so an
/// order on the last day of the data is 1 day old). In order of precedence:
/// `prospect` (no order) · `new` (first order ≤ `newDays` old) · `lost` (last order more than
/// `lostDays` old) · `at_risk` (last order older than `atRiskFactor` × the median gap between the
/// customer's distinct order days, or than `singleOrderAtRiskDays` for one order day) · `active`.
public enum LifecycleClassifier {
    /// One customer's stage and the numbers behind it.
    public struct Assignment: Sendable, Equatable, Codable {
        /// The customer's id.
        public var customerID: String
        /// Their stage at the snapshot.
        public var stage: LifecycleStage
        /// Days since the first and last order (nil for prospects).
        public var daysSinceFirst: Int?, daysSinceLast: Int?
        /// Orders placed.
        public var orders: Int
        /// Median gap between distinct order days (nil with fewer than two).
        public var medianGapDays: Double?

        enum CodingKeys: String, CodingKey {
            case customerID = "customer_id", stage, orders
            case daysSinceFirst = "days_since_first", daysSinceLast = "days_since_last", medianGapDays = "median_gap_days"
        }
    }

    /// The stage of one customer.
    /// - Parameters:
    ///   - id: the customer id.
    ///   - orders: order times before the snapshot, in any order.
    ///   - asOf: the snapshot.
    ///   - options: thresholds.
    public static func classify(id: String, orders: [Timestamp], asOf: Timestamp, options: LifecycleOptions) -> Assignment {
        guard let first = orders.min(), let last = orders.max() else {
            return Assignment(customerID: id, stage: .prospect, daysSinceFirst: nil, daysSinceLast: nil, orders: 0, medianGapDays: nil)
        }
        let sinceFirst = first.wholeDays(until: asOf)
        let sinceLast = last.wholeDays(until: asOf)
        // Distinct order days, in order (a customer has a handful: sorting beats hashing).
        var days = orders.map(\.epochDay)
        days.sort()
        var distinct = 0
        for d in days where distinct == 0 || days[distinct - 1] != d {
            days[distinct] = d
            distinct += 1
        }
        days.removeLast(days.count - distinct)
        let gaps = zip(days, days.dropFirst()).map { Double($1 - $0) }
        let median = Self.median(gaps)
        let stage: LifecycleStage
        if sinceFirst <= options.newDays {
            stage = .new
        } else if sinceLast > options.lostDays {
            stage = .lost
        } else if Double(sinceLast) > (median.map { options.atRiskFactor * $0 } ?? Double(options.singleOrderAtRiskDays)) {
            stage = .atRisk
        } else {
            stage = .active
        }
        return Assignment(customerID: id, stage: stage, daysSinceFirst: sinceFirst, daysSinceLast: sinceLast,
                          orders: orders.count, medianGapDays: median)
    }

    /// Stages of many customers.
    /// - Parameters:
    ///   - orders: every order (orders at or after `asOf` are left out).
    ///   - prospects: ids of known customers, with or without orders (those without become prospects).
    ///   - asOf: the snapshot; default the day after the latest order.
    /// - Returns: assignments in customer order, and the snapshot used.
    public static func classify(orders: [Order], prospects: [String] = [], asOf: Timestamp? = nil,
                                options: LifecycleOptions = LifecycleOptions()) -> (asOf: Timestamp, customers: [Assignment]) {
        let snapshot = asOf ?? defaultSnapshot(latestOrder: orders.map(\.timestamp).max())
        // Purchases only: a refund (negative amount) is not activity (RefundPolicy).
        let kept = orders.indices.filter { orders[$0].timestamp < snapshot && orders[$0].amount >= 0 }
        // Orders put in customer order (a radix sort for numeric ids), then classified a
        // customer at a time: no dictionary of millions of arrays.
        let order = CustomerOrder.sortedIndices(kept.map { orders[$0].customerID }).map { kept[$0] }
        var customers: [Assignment] = []
        var times: [Timestamp] = []
        var start = 0
        while start < order.count {
            let id = orders[order[start]].customerID
            times.removeAll(keepingCapacity: true)
            var end = start
            while end < order.count, orders[order[end]].customerID == id {
                times.append(orders[order[end]].timestamp)
                end += 1
            }
            customers.append(classify(id: id, orders: times, asOf: snapshot, options: options))
            start = end
        }
        guard !prospects.isEmpty else { return (snapshot, customers) }
        // Known customers without a purchase are prospects, listed in customer order with the rest.
        let buyers = Set(customers.map(\.customerID))
        for id in Set(prospects) where !buyers.contains(id) { customers.append(classify(id: id, orders: [], asOf: snapshot, options: options)) }
        return (snapshot, CustomerOrder.sortedIndices(customers.map(\.customerID)).map { customers[$0] })
    }

    /// Stages of many customers from their purchase times (before `asOf`; a store aggregates
    /// them per customer), in customer order; `prospects` without purchases become prospects.
    public static func classify(purchases: [String: [Timestamp]], prospects: [String] = [], asOf: Timestamp,
                                options: LifecycleOptions = LifecycleOptions()) -> [Assignment] {
        var ids = Set(purchases.keys)
        ids.formUnion(prospects)
        return CustomerOrder.sorted(Array(ids)).map { classify(id: $0, orders: purchases[$0] ?? [], asOf: asOf, options: options) }
    }

    /// The snapshot when none is given: the day after the latest order (the epoch without orders).
    public static func defaultSnapshot(latestOrder: Timestamp?) -> Timestamp {
        latestOrder.map { $0.startOfDay.adding(days: 1) } ?? Timestamp(milliseconds: 0)
    }

    /// Median of values (mean of the middle two for an even count); nil when empty.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let s = values.sorted()
        let mid = s.count / 2
        return s.count % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
    }
}
