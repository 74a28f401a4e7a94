public import SegmentaCore
public import SegmentaStore

/// Saving CLV results as computed traits.
public enum CLVWriteBack {
    /// Saves the results as computed traits (and, where kept, an analysis run).
    public static func save(_ result: CLVAnalysis, asOf: Timestamp = .now, to db: some AnalysisStore & ActivityStore) async throws(SegmentaError) {
        var traits = ComputedTraitRows(names: ["clv", "p_alive", "expected_purchases"])
        for c in result.customers {
            traits.append(c.summary.customerID, [c.clv.map(JSONValue.number), .number(c.probabilityAlive), .number(c.expectedPurchases)])
        }
        try await db.replaceComputedTraits(traits, computedAt: .now)
        let values = result.customers.compactMap(\.clv)
        var summary: [String: JSONValue] = [
            "customers": .number(Double(result.customers.count)), "unit": .string(result.unit.rawValue),
            "horizon_months": .number(Double(result.horizonMonths)), "discount_rate": .number(result.discountRate),
            "bgnbd": .object(["r": .number(result.bgnbd.r), "alpha": .number(result.bgnbd.alpha), "a": .number(result.bgnbd.a), "b": .number(result.bgnbd.b)]),
            "total_clv": .number(values.reduce(0, +)), "mean_clv": .number(values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)),
            "mean_p_alive": .number(result.customers.isEmpty ? 0 : result.customers.reduce(0) { $0 + $1.probabilityAlive } / Double(result.customers.count)),
        ]
        // The currency the values are in (orders in several are added as they are; pages say so).
        let currencies = try await db.orderCurrencies()
        summary["currencies"] = .array(currencies.map { .object(["currency": $0.currency.map(JSONValue.string) ?? .null, "orders": .number(Double($0.orders))]) })
        if let gg = result.gammaGamma { summary["gamma_gamma"] = .object(["p": .number(gg.p), "q": .number(gg.q), "v": .number(gg.v)]) }
        // What the dashboard draws, kept with the run so pages never re-read every customer:
        // the distribution (lowest 99 %, the tail would flatten it), the top customers, and a sample
        // of (frequency, P(alive)) points.
        let sorted = values.sorted()
        let kept = Array(sorted.prefix(max(1, sorted.count * 99 / 100)))
        if let lo = kept.first, let hi = kept.last {
            let bins = 20, width = hi > lo ? (hi - lo) / Double(bins) : 1
            var counts = [Int](repeating: 0, count: bins)
            for v in kept { counts[min(bins - 1, Int((v - lo) / width))] += 1 }
            summary["histogram"] = .object(["low": .number(lo), "width": .number(width), "counts": .array(counts.map { .number(Double($0)) }),
                                            "left_out_above": .number(Double(sorted.count - kept.count))])
        }
        let valued = result.customers.compactMap { c in c.clv.map { (c, $0) } }
        summary["top"] = .array(valued.sorted { $0.1 > $1.1 }.prefix(20).map { c, clv in
            .object(["id": .string(c.summary.customerID), "clv": .number(clv), "p_alive": .number(c.probabilityAlive),
                     "expected_purchases": .number(c.expectedPurchases), "frequency": .number(c.summary.frequency)])
        })
        let step = max(1, result.customers.count / 500)
        summary["sample"] = .array(stride(from: 0, to: result.customers.count, by: step).map { i in
            let c = result.customers[i]
            return .array([.string(c.summary.customerID), .number(c.summary.frequency), .number(c.probabilityAlive)])
        })
        try await db.recordAnalysis(kind: AnalysisKind.clv.rawValue, asOf: asOf, parameters: .object(["unit": .string(result.unit.rawValue)]), summary: .object(summary), values: [], at: .now)
    }
}
