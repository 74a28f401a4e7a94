/// RFM scoring exactly as PRODUCT.md defines it.
///
/// - Snapshot: 00:00 UTC of the day after the last order, or the given `asOf`.
/// - Recency: whole days from a customer's last order to the snapshot; frequency: orders;
///   monetary: sum of amounts.
/// - Customers are taken in ``CustomerOrder``; each metric is ranked with ties broken by that
///   order (recency descending, so the most recent get the highest rank), and
///   score = max(1, ⌈bins·(rank−1)/(n−1)⌉) — identical to pandas
///   `qcut(x.rank(method="first"), bins, labels=False) + 1`.
/// - With own cut points: intervals closed on the right, as `pandas.cut`.
/// - One customer alone gets the middle score, ⌈bins/2⌉ (no ranking is possible).
public enum RFMScorer {
    /// Scores customers.
    /// - Parameters:
    ///   - totals: per-customer totals, in customer order, holding only orders before `asOf`.
    ///   - asOf: the snapshot; default the day after the latest order.
    ///   - options: bins and cut points.
    /// - Complexity: O(n log n).
    public static func score(_ totals: CustomerTotals, asOf: Timestamp? = nil, options: RFMOptions = RFMOptions()) throws(SegmentaError) -> RFMResult {
        guard (2...10).contains(options.bins) else {
            throw SegmentaError(.invalidInput, "--bins must be between 2 and 10, got \(options.bins)")
        }
        let n = totals.customerCount
        let snapshot = asOf ?? totals.latestOrder.map { $0.startOfDay.adding(days: 1) } ?? Timestamp(milliseconds: 0)
        let recency = totals.last.map { $0.wholeDays(until: snapshot) }
        let recencyD = recency.map(Double.init)
        let frequencyD = totals.count.map(Double.init)
        let bins = options.bins
        let r = options.recencyCuts.map { cuts in recencyD.map { bins - binIndex($0, cuts) } }
            ?? quantileScores(recencyD, descending: true, bins: bins)
        let f = options.frequencyCuts.map { cuts in frequencyD.map { binIndex($0, cuts) + 1 } }
            ?? quantileScores(frequencyD, descending: false, bins: bins)
        let m = options.monetaryCuts.map { cuts in totals.monetary.map { binIndex($0, cuts) + 1 } }
            ?? quantileScores(totals.monetary, descending: false, bins: bins)

        var customers: [RFMScore] = []
        customers.reserveCapacity(n)
        var grid = Array(repeating: Array(repeating: 0, count: bins), count: bins)
        for i in 0..<n {
            let fm = (f[i] + m[i] + 1) / 2
            let segment = bins == 5 ? RFMSegment.named(r: r[i], fm: fm) : nil
            customers.append(RFMScore(customerID: totals.ids[i], recency: recency[i], frequency: totals.count[i],
                                      monetary: totals.monetary[i], r: r[i], f: f[i], m: m[i], fm: fm, segment: segment))
            grid[r[i] - 1][fm - 1] += 1
        }
        return RFMResult(asOf: snapshot, bins: bins, customers: customers, summary: summarize(customers), grid: grid)
    }

    /// Quantile scores of `values` (in customer order): rank with ties broken by position.
    /// - Complexity: O(n log n).
    public static func quantileScores(_ values: [Double], descending: Bool, bins: Int) -> [Int] {
        let n = values.count
        guard n > 1 else { return Array(repeating: (bins + 1) / 2, count: n) }
        var order = Array(0..<n)
        if descending {
            order.sort { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
        } else {
            order.sort { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
        }
        var scores = [Int](repeating: 0, count: n)
        let denominator = n - 1
        for (k, i) in order.enumerated() {
            // ⌈bins·k / (n−1)⌉ in integers, at least 1.
            scores[i] = max(1, (bins * k + denominator - 1) / denominator)
        }
        return scores
    }

    /// Number of cut points strictly below `value` (right-closed intervals).
    static func binIndex(_ value: Double, _ cuts: [Double]) -> Int {
        var k = 0
        while k < cuts.count && value > cuts[k] { k += 1 }
        return k
    }

    static func summarize(_ customers: [RFMScore]) -> [RFMSegmentSummary] {
        let total = Double(customers.count)
        let revenue = customers.reduce(0.0) { $0 + $1.monetary }
        var groups: [RFMSegment: [RFMScore]] = [:]
        for c in customers { if let s = c.segment { groups[s, default: []].append(c) } }
        return RFMSegment.allCases.compactMap { segment in
            guard let members = groups[segment], !members.isEmpty else { return nil }
            let k = Double(members.count)
            let money = members.reduce(0.0) { $0 + $1.monetary }
            return RFMSegmentSummary(
                segment: segment, customers: members.count, share: k / total,
                meanRecency: Double(members.reduce(0) { $0 + $1.recency }) / k,
                meanFrequency: Double(members.reduce(0) { $0 + $1.frequency }) / k,
                meanMonetary: money / k,
                revenueShare: revenue != 0 ? money / revenue : 0)
        }
    }
}
