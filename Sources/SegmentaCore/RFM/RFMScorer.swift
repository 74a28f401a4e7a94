import Dispatch

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
        // Whole UTC days from the day of the last order to the snapshot's day: one day's orders
        // share a recency whatever their time of day (pandas on dates gives the same).
        let recency = totals.last.map { snapshot.epochDay - $0.epochDay }
        let recencyD = recency.map(Double.init)
        let frequencyD = totals.count.map(Double.init)
        let bins = options.bins
        // The three metrics are scored independently, in parallel.
        let scores = ChunkResults<[Int]>(count: 3, empty: [])
        let monetary = totals.monetary
        DispatchQueue.concurrentPerform(iterations: 3) { metric in
            switch metric {
            case 0: scores.set(0, options.recencyCuts.map { cuts in recencyD.map { bins - binIndex($0, cuts) } }
                        ?? quantileScores(recencyD, descending: true, bins: bins))
            case 1: scores.set(1, options.frequencyCuts.map { cuts in frequencyD.map { binIndex($0, cuts) + 1 } }
                        ?? quantileScores(frequencyD, descending: false, bins: bins))
            default: scores.set(2, options.monetaryCuts.map { cuts in monetary.map { binIndex($0, cuts) + 1 } }
                        ?? quantileScores(monetary, descending: false, bins: bins))
            }
        }
        let r = scores.get(0), f = scores.get(1), m = scores.get(2)

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
        var scores = [Int](repeating: 0, count: n)
        let denominator = n - 1
        // ⌈bins·k / (n−1)⌉ in integers, at least 1, for the k-th in rank order (from 0).
        func score(_ k: Int) -> Int { max(1, (bins * k + denominator - 1) / denominator) }
        if let ranks = countingRanks(values, descending: descending) {
            for i in 0..<n { scores[i] = score(ranks[i]) }
            return scores
        }
        // A stable radix sort of the values: ties keep their positions' order.
        var keys: [UInt64] = []
        keys.reserveCapacity(n)
        for v in values {
            guard let k = RadixOrder.key(descending ? -v : v) else { return sortedScores(values, descending: descending, score: score) }
            keys.append(k)
        }
        for (k, i) in RadixOrder.positions(keys).enumerated() { scores[i] = score(k) }
        return scores
    }

    /// ``quantileScores(_:descending:bins:)`` by comparison sort (values with NaN).
    static func sortedScores(_ values: [Double], descending: Bool, score: (Int) -> Int) -> [Int] {
        var scores = [Int](repeating: 0, count: values.count)
        // Sort (value, position) pairs: contiguous memory, ties broken by position.
        var pairs = values.enumerated().map { (descending ? -$0.element : $0.element, $0.offset) }
        pairs.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        for (k, (_, i)) in pairs.enumerated() { scores[i] = score(k) }
        return scores
    }

    /// Each value's rank (from 0, ties broken by position) by counting, when every value is a
    /// whole number within a span no wider than the number of values (days of recency, order
    /// counts): O(n) instead of a sort. Nil otherwise.
    static func countingRanks(_ values: [Double], descending: Bool) -> [Int]? {
        guard var low = values.first, var high = values.first else { return nil }
        for v in values {
            guard v.rounded() == v else { return nil }
            low = min(low, v)
            high = max(high, v)
        }
        guard abs(low) < 1e15, abs(high) < 1e15, high - low <= Double(max(values.count, 1024)) else { return nil }
        let base = Int(low), span = Int(high) - base + 1
        // Where each value's run starts in rank order, then each position takes the next rank of its value.
        var next = [Int](repeating: 0, count: span + 1)
        for v in values { next[descending ? span - 1 - (Int(v) - base) + 1 : Int(v) - base + 1] += 1 }
        for k in 1...span { next[k] += next[k - 1] }
        var ranks = [Int](repeating: 0, count: values.count)
        for (i, v) in values.enumerated() {
            let bucket = descending ? span - 1 - (Int(v) - base) : Int(v) - base
            ranks[i] = next[bucket]
            next[bucket] += 1
        }
        return ranks
    }

    /// Number of cut points strictly below `value` (right-closed intervals).
    static func binIndex(_ value: Double, _ cuts: [Double]) -> Int {
        var k = 0
        while k < cuts.count && value > cuts[k] { k += 1 }
        return k
    }

    static func summarize(_ customers: [RFMScore]) -> [RFMSegmentSummary] {
        let total = Double(customers.count)
        var revenue = 0.0
        var n = [Int](repeating: 0, count: RFMSegment.allCases.count)
        var recency = [Double](repeating: 0, count: n.count), frequency = recency, money = recency
        let all = RFMSegment.allCases   // a handful: a scan beats hashing a million times
        for c in customers {
            revenue += c.monetary
            guard let s = c.segment, let i = all.firstIndex(of: s) else { continue }
            n[i] += 1
            recency[i] += Double(c.recency)
            frequency[i] += Double(c.frequency)
            money[i] += c.monetary
        }
        return RFMSegment.allCases.enumerated().compactMap { i, segment in
            guard n[i] > 0 else { return nil }
            let k = Double(n[i])
            return RFMSegmentSummary(segment: segment, customers: n[i], share: k / total, meanRecency: recency[i] / k,
                                     meanFrequency: frequency[i] / k, meanMonetary: money[i] / k,
                                     revenueShare: revenue != 0 ? money[i] / revenue : 0)
        }
    }
}
