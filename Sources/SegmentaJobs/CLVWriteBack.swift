public import SegmentaCore
public import SegmentaStore

/// Saving CLV results as computed traits.
public enum CLVWriteBack {
    /// Saves the results as computed traits (and, where kept, an analysis run).
    public static func save(_ result: CLVAnalysis, to db: SQLiteStore) throws(SegmentaError) {
        var traits: [String: [String: JSONValue]] = ["clv": [:], "p_alive": [:], "expected_purchases": [:]]
        for c in result.customers {
            traits["p_alive"]![c.summary.customerID] = .number(c.probabilityAlive)
            traits["expected_purchases"]![c.summary.customerID] = .number(c.expectedPurchases)
            if let v = c.clv { traits["clv"]![c.summary.customerID] = .number(v) }
        }
        try db.replaceComputedTraits(traits, computedAt: .now)
        let values = result.customers.compactMap(\.clv)
        var summary: [String: JSONValue] = [
            "customers": .number(Double(result.customers.count)), "unit": .string(result.unit.rawValue),
            "horizon_months": .number(Double(result.horizonMonths)), "discount_rate": .number(result.discountRate),
            "bgnbd": .object(["r": .number(result.bgnbd.r), "alpha": .number(result.bgnbd.alpha), "a": .number(result.bgnbd.a), "b": .number(result.bgnbd.b)]),
            "total_clv": .number(values.reduce(0, +)), "mean_clv": .number(values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)),
            "mean_p_alive": .number(result.customers.isEmpty ? 0 : result.customers.reduce(0) { $0 + $1.probabilityAlive } / Double(result.customers.count)),
        ]
        if let gg = result.gammaGamma { summary["gamma_gamma"] = .object(["p": .number(gg.p), "q": .number(gg.q), "v": .number(gg.v)]) }
        try db.recordAnalysis(kind: "clv", asOf: .now, parameters: .object(["unit": .string(result.unit.rawValue)]), summary: .object(summary), values: [:], at: .now)
    }
}
