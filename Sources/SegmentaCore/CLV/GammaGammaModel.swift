import Foundation

/// The Gamma-Gamma model of spend per transaction (Fader & Hardie 2013, "The Gamma-Gamma Model of
/// Monetary Value"): a customer's transaction values are Gamma(p, ν), with ν ~ Gamma(q, γ) across
/// customers (γ is written v here, as in `lifetimes`). Fitted on repeat customers only.
public struct GammaGammaModel: Sendable, Equatable {
    /// The fitted parameters: p (shape of spend per transaction), q and v (shape and scale of its rate across customers).
    public var p: Double, q: Double, v: Double
    /// Log-likelihood at the fit (NaN when the parameters were given).
    public var logLikelihood: Double

    /// A model with these parameters.
    public init(p: Double, q: Double, v: Double, logLikelihood: Double = .nan) {
        self.p = p
        self.q = q
        self.v = v
        self.logLikelihood = logLikelihood
    }

    /// One repeat customer's log-likelihood, with all constants (as `lifetimes` computes it).
    public static func logLikelihood(p: Double, q: Double, v: Double, x: Double, m: Double) -> Double {
        SpecialFunctions.logGamma(p * x + q) - SpecialFunctions.logGamma(p * x) - SpecialFunctions.logGamma(q) + q * log(v)
            + (p * x - 1) * log(m) + (p * x) * log(x) - (p * x + q) * log(x * m + v)
    }

    /// Fits on customers with frequency > 0 and a positive mean repeat value, within `budget`.
    public static func fit(frequency: [Double], monetary: [Double], budget: FitBudget = FitBudget()) throws(SegmentaError) -> GammaGammaModel {
        let rows = zip(frequency, monetary).filter { $0.0 > 0 && $0.1 > 0 }
        guard rows.count >= 2 else {
            throw SegmentaError(.invalidInput, "Gamma-Gamma needs repeat customers with positive spend; found \(rows.count)")
        }
        func negLL(_ w: [Double]) -> Double {
            budget.spend(rows: rows.count)
            let p = exp(w[0]), q = exp(w[1]), v = exp(w[2])
            var total = 0.0
            for (x, m) in rows { total += logLikelihood(p: p, q: q, v: v, x: x, m: m) }
            return total.isFinite ? -total : .infinity
        }
        let best = NelderMead.minimizeWithRestarts(negLL, start: [0, 0, 0], stop: { budget.exhausted })
        if budget.exhausted {
            throw budget.error(model: "Gamma-Gamma", advice: "Spend per order may be too uniform, or too spread, across customers for the model: check the amounts (a currency mix, refunds as orders)")
        }
        let e = best.point.map { exp($0) }
        return GammaGammaModel(p: e[0], q: e[1], v: e[2], logLikelihood: -best.value)
    }

    /// E[M | x, m̄]: the expected value of a customer's transactions (Fader & Hardie 2013, eq. 5);
    /// the population mean p·v/(q−1) for customers without repeats.
    public func expectedAverageValue(frequency x: Double, monetary m: Double) -> Double {
        guard x > 0 else { return p * v / (q - 1) }
        return p * (v + x * m) / (p * x + q - 1)
    }

    /// Pearson correlation of frequency and spend among repeat customers: the model assumes
    /// they are independent, so a strong correlation is worth a warning.
    public static func frequencySpendCorrelation(frequency: [Double], monetary: [Double]) -> Double {
        let rows = zip(frequency, monetary).filter { $0.0 > 0 }
        let n = Double(rows.count)
        guard n > 2 else { return 0 }
        let mx = rows.reduce(0) { $0 + $1.0 } / n, my = rows.reduce(0) { $0 + $1.1 } / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (x, y) in rows { sxy += (x - mx) * (y - my); sxx += (x - mx) * (x - mx); syy += (y - my) * (y - my) }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
    }
}
