/// A customer as the buy-till-you-die models see them (Fader, Hardie & Lee 2005):
/// repeat purchase days, their span, the customer's age, and the mean value of repeat purchases.
public struct CustomerSummary: Sendable, Equatable {
    /// The customer's id.
    public var customerID: String
    /// Number of repeat purchase days (distinct days with a purchase, minus the first).
    public var frequency: Double
    /// Time from the first to the last purchase day.
    public var recency: Double
    /// Time from the first purchase day to the end of calibration.
    public var T: Double
    /// Mean value of the repeat purchase days (0 without repeats).
    public var monetary: Double

    /// A summary with these values (in the analysis' time unit).
    public init(customerID: String, frequency: Double, recency: Double, T: Double, monetary: Double = 0) {
        self.customerID = customerID
        self.frequency = frequency
        self.recency = recency
        self.T = T
        self.monetary = monetary
    }
}

/// The time unit of summaries and of the fitted models.
public enum TimeUnit: String, Sendable, CaseIterable {
    case day, week

    /// Days in one unit.
    public var days: Double { self == .day ? 1 : 7 }
    /// Units in one month (the CLV step), as `lifetimes` counts them (30 days, 4.345 weeks).
    public var perMonth: Double { self == .day ? 30 : 4.345 }
}

/// Builds ``CustomerSummary`` rows from orders, as `lifetimes.utils.summary_data_from_transaction_data` does.
public enum CustomerSummaryBuilder {
    /// Summaries of the customers who bought by the end of calibration.
    /// - Parameters:
    ///   - orders: all orders.
    ///   - calibrationEnd: the last day of calibration (orders after that day are left out);
    ///     default the day of the latest order.
    ///   - unit: day or week (a week is 7 days; times are whole days divided by 7).
    /// - Returns: summaries in customer order. Orders on the same UTC day are one purchase whose
    ///   value is their sum.
    public static func summarize(_ orders: [Order], calibrationEnd: Timestamp? = nil, unit: TimeUnit = .day) -> [CustomerSummary] {
        let endDay = (calibrationEnd ?? orders.map(\.timestamp).max() ?? Timestamp(milliseconds: 0)).epochDay
        var days: [String: [Int: Double]] = [:]
        // BG/NBD and Gamma-Gamma model purchases: refunds (negative amounts) are left out, as
        // `lifetimes` users filter returns before `summary_data_from_transaction_data`.
        for o in orders where o.timestamp.epochDay <= endDay && o.amount >= 0 {
            days[o.customerID, default: [:]][o.timestamp.epochDay, default: 0] += o.amount
        }
        return CustomerOrder.sorted(Array(days.keys)).compactMap { id in
            // Each customer here has at least one purchase day.
            guard let byDay = days[id], let first = byDay.keys.min(), let last = byDay.keys.max() else { return nil }
            let repeats = byDay.filter { $0.key != first }.sorted { $0.key < $1.key }.map(\.value)
            return CustomerSummary(customerID: id, frequency: Double(repeats.count), recency: Double(last - first) / unit.days,
                                   T: Double(endDay - first) / unit.days,
                                   monetary: repeats.isEmpty ? 0 : repeats.reduce(0, +) / Double(repeats.count))
        }
    }
}
