import Foundation

/// Rows of numeric features, stored row-major in one array.
public struct FeatureMatrix: Sendable, Equatable {
    /// One id per row.
    public var ids: [String]
    /// One name per feature (column).
    public var names: [String]
    /// `values[i * columns + j]` is row i, feature j.
    public var values: [Double]

    /// - Parameter values: `ids.count × names.count` numbers; missing ones are NaN (which
    ///   k-means refuses with a clear error), extra ones are dropped — never a trap.
    public init(ids: [String], names: [String], values: [Double]) {
        let needed = ids.count * names.count
        self.ids = ids
        self.names = names
        self.values = values.count == needed ? values
            : Array(values.prefix(needed)) + [Double](repeating: .nan, count: max(0, needed - values.count))
    }

    /// Number of rows.
    public var rows: Int { ids.count }
    /// Number of features.
    public var columns: Int { names.count }

    /// Row `row`, feature `column`.
    public subscript(row: Int, column: Int) -> Double {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }
}

/// Z-score standardisation with the population standard deviation (as scikit-learn's
/// `StandardScaler`), optionally after `log1p`.
public struct Standardizer: Sendable, Equatable {
    /// Each feature's mean (after log1p where `log`).
    public var means: [Double]
    /// Each feature's population standard deviation (1 for a constant feature).
    public var deviations: [Double]
    /// Which features are log1p-transformed before scaling.
    public var log: [Bool]

    /// Learns means and deviations. Constant features get deviation 1 (as scikit-learn does).
    public static func fit(_ m: FeatureMatrix, log: [Bool]) -> Standardizer {
        var means = [Double](repeating: 0, count: m.columns), squares = means
        for i in 0..<m.rows {
            for j in 0..<m.columns {
                let v = transform(m[i, j], log[j])
                means[j] += v
                squares[j] += v * v
            }
        }
        let n = Double(max(m.rows, 1))
        var deviations = means
        for j in 0..<m.columns {
            means[j] /= n
            var variance = 0.0
            for i in 0..<m.rows { let d = transform(m[i, j], log[j]) - means[j]; variance += d * d }
            let sd = (variance / n).squareRoot()
            deviations[j] = sd > 0 ? sd : 1
        }
        return Standardizer(means: means, deviations: deviations, log: log)
    }

    static func transform(_ v: Double, _ log: Bool) -> Double { log ? (v > -1 ? log1p(v) : .nan) : v }

    /// The matrix in standardised units.
    public func apply(_ m: FeatureMatrix) -> FeatureMatrix {
        var out = m
        for i in 0..<m.rows { for j in 0..<m.columns { out[i, j] = (Self.transform(m[i, j], log[j]) - means[j]) / deviations[j] } }
        return out
    }

    /// A point in standardised units back to original units.
    public func invert(_ p: [Double]) -> [Double] {
        p.enumerated().map { j, z in
            let v = z * deviations[j] + means[j]
            return log[j] ? expm1(v) : v
        }
    }
}
