/// A calibration table: rows grouped into bins of predicted probability (equal counts, by rank),
/// each with its mean prediction and the share that turned out positive — a calibrated model has
/// the two close in every bin (scikit-learn's `calibration_curve` with `strategy="quantile"`).
public struct Calibration: Sendable, Equatable {
    /// One bin.
    public struct Bin: Sendable, Equatable {
        /// Rows in the bin.
        public var rows: Int
        /// Their mean predicted probability.
        public var meanPredicted: Double
        /// The share of them that turned out positive.
        public var observed: Double
    }

    /// The bins, from the lowest predictions to the highest.
    public var bins: [Bin]

    /// Bins of `predicted` (probabilities) against `labels` (0/1): `count` bins of equal size
    /// (the first ones one row larger when n is not a multiple), lowest predictions first.
    public static func table(predicted: [Double], labels: [Double], count: Int = 10) -> Calibration {
        let n = min(predicted.count, labels.count)
        guard n > 0, count > 0 else { return Calibration(bins: []) }
        let order = (0..<n).sorted { predicted[$0] != predicted[$1] ? predicted[$0] < predicted[$1] : $0 < $1 }
        let k = min(count, n)
        var bins: [Bin] = []
        for b in 0..<k {
            let lo = n * b / k, hi = n * (b + 1) / k
            guard hi > lo else { continue }
            var p = 0.0, y = 0.0
            for i in order[lo..<hi] {
                p += predicted[i]
                y += labels[i]
            }
            bins.append(Bin(rows: hi - lo, meanPredicted: p / Double(hi - lo), observed: y / Double(hi - lo)))
        }
        return Calibration(bins: bins)
    }

    /// The mean absolute gap between prediction and outcome, weighted by rows (expected
    /// calibration error over these bins).
    public var expectedError: Double {
        let n = bins.reduce(0) { $0 + $1.rows }
        guard n > 0 else { return .nan }
        return bins.reduce(0) { $0 + Double($1.rows) * abs($1.meanPredicted - $1.observed) } / Double(n)
    }
}
