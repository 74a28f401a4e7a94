import Foundation

/// Customer lifetime value as the `lifetimes` package computes it
/// (`GammaGammaFitter.customer_lifetime_value`): the discounted sum, over monthly steps, of the
/// expected purchases in each month (BG/NBD) times the expected value of a purchase (Gamma-Gamma).
public enum CLVCalculator {
    /// CLV of one customer.
    /// - Parameters:
    ///   - bgnbd: the purchase model, fitted in `unit`.
    ///   - gammaGamma: the spend model.
    ///   - summary: the customer's frequency, recency, T (in `unit`) and mean repeat value.
    ///   - unit: the models' time unit (a month is 30 days or 4.345 weeks).
    ///   - months: the horizon (default 12).
    ///   - discountRate: per month (default 0.01).
    public static func clv(bgnbd: BGNBDModel, gammaGamma: GammaGammaModel, summary s: CustomerSummary, unit: TimeUnit,
                           months: Int = 12, discountRate: Double = 0.01) -> Double {
        let value = gammaGamma.expectedAverageValue(frequency: s.frequency, monetary: s.monetary)
        let step = unit.perMonth
        var total = 0.0
        var previous = 0.0
        for month in 1...max(1, months) {
            let cumulative = bgnbd.expectedPurchases(Double(month) * step, frequency: s.frequency, recency: s.recency, T: s.T)
            total += value * (cumulative - previous) / pow(1 + discountRate, Double(month))
            previous = cumulative
        }
        return total
    }
}
