/// The whole CLV analysis: fit both models on calibration summaries, predict per customer, and
/// optionally compare with a holdout period.
public struct CLVAnalysis: Sendable {
    /// One customer's result.
    public struct Customer: Sendable, Equatable {
        /// The calibration summary the models read: frequency, recency, T and mean spend.
        public var summary: CustomerSummary
        /// P(alive): the BG/NBD probability that the customer has not churned.
        public var probabilityAlive: Double
        /// Expected purchases over the horizon.
        public var expectedPurchases: Double
        /// Expected value of a purchase (nil without a spend model).
        public var expectedAverageValue: Double?
        /// Discounted CLV over the horizon (nil without a spend model).
        public var clv: Double?
        /// Predicted and actual repeat purchases in the holdout period, when one is given.
        public var predictedHoldout: Double?, actualHoldout: Double?
    }

    /// Holdout validation totals.
    public struct Holdout: Sendable, Equatable {
        /// Length of the holdout period, in the analysis' unit.
        public var length: Double
        /// Repeat purchases the model predicted for the holdout, all customers together.
        public var predicted: Double
        /// Repeat purchases that happened in the holdout.
        public var actual: Double
        /// Pearson correlation of predicted and actual purchases per customer.
        public var correlation: Double
    }

    /// The time unit of recency, T and the horizon (days or weeks).
    public var unit: TimeUnit
    /// How far ahead CLV is projected.
    public var horizonMonths: Int
    /// Monthly discount rate of future value (0.01 = 1 % a month).
    public var discountRate: Double
    /// The fitted BG/NBD purchase model (Fader, Hardie & Lee 2005).
    public var bgnbd: BGNBDModel
    /// The fitted Gamma-Gamma spend model (Fader & Hardie 2013); nil when too few repeat customers.
    public var gammaGamma: GammaGammaModel?
    /// Correlation of frequency and spend among repeat customers (Gamma-Gamma assumes none).
    public var frequencySpendCorrelation: Double?
    /// Every customer's result, in summary order.
    public var customers: [Customer]
    /// Holdout totals, when a holdout period was given.
    public var holdout: Holdout?

    /// Runs the analysis.
    /// - Parameters:
    ///   - summaries: calibration summaries (in `unit`).
    ///   - holdout: per customer, repeat purchase days after calibration, and the holdout length (in `unit`).
    ///   - withMonetary: fit the spend model (needs monetary values).
    public static func run(_ summaries: [CustomerSummary], unit: TimeUnit, horizonMonths: Int = 12, discountRate: Double = 0.01,
                           withMonetary: Bool = true, holdout: (actual: [String: Double], length: Double)? = nil) throws(SegmentaError) -> CLVAnalysis {
        let x = summaries.map(\.frequency), tx = summaries.map(\.recency), T = summaries.map(\.T), m = summaries.map(\.monetary)
        let bg = try BGNBDModel.fit(frequency: x, recency: tx, T: T)
        var gg: GammaGammaModel?
        var correlation: Double?
        if withMonetary {
            gg = try GammaGammaModel.fit(frequency: x, monetary: m)
            correlation = GammaGammaModel.frequencySpendCorrelation(frequency: x, monetary: m)
        }
        let horizon = Double(horizonMonths) * unit.perMonth
        var customers: [Customer] = []
        customers.reserveCapacity(summaries.count)
        for s in summaries {
            var c = Customer(summary: s, probabilityAlive: bg.probabilityAlive(frequency: s.frequency, recency: s.recency, T: s.T),
                             expectedPurchases: bg.expectedPurchases(horizon, frequency: s.frequency, recency: s.recency, T: s.T))
            if let gg {
                c.expectedAverageValue = gg.expectedAverageValue(frequency: s.frequency, monetary: s.monetary)
                c.clv = CLVCalculator.clv(bgnbd: bg, gammaGamma: gg, summary: s, unit: unit, months: horizonMonths, discountRate: discountRate)
            }
            if let holdout {
                c.predictedHoldout = bg.expectedPurchases(holdout.length, frequency: s.frequency, recency: s.recency, T: s.T)
                c.actualHoldout = holdout.actual[s.customerID] ?? 0
            }
            customers.append(c)
        }
        var result = CLVAnalysis(unit: unit, horizonMonths: horizonMonths, discountRate: discountRate, bgnbd: bg, gammaGamma: gg,
                                 frequencySpendCorrelation: correlation, customers: customers)
        if let holdout {
            let pairs = customers.compactMap { c in c.predictedHoldout.flatMap { p in c.actualHoldout.map { (p, $0) } } }
            let p = pairs.map(\.0), a = pairs.map(\.1)
            result.holdout = Holdout(length: holdout.length, predicted: p.reduce(0, +), actual: a.reduce(0, +), correlation: Self.pearson(p, a))
        }
        return result
    }

    /// Repeat purchase days per customer between calibration end (excluded) and holdout end
    /// (included), for customers in the calibration.
    public static func holdoutPurchases(_ orders: [Order], calibrationEnd: Timestamp, holdoutEnd: Timestamp) -> [String: Double] {
        var days: [String: Set<Int>] = [:]
        let from = calibrationEnd.epochDay, to = holdoutEnd.epochDay
        for o in orders where o.timestamp.epochDay > from && o.timestamp.epochDay <= to { days[o.customerID, default: []].insert(o.timestamp.epochDay) }
        return days.mapValues { Double($0.count) }
    }

    static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        guard n > 1 else { return .nan }
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx); syy += (y[i] - my) * (y[i] - my) }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : .nan
    }
}
