/// A table's label column taken out, and the other columns standardised (mean 0, population
/// standard deviation 1, as scikit-learn's `StandardScaler`; a constant column is only centred),
/// in a few passes over the raw values: what `predict fit` trains on.
public enum LabelledTable {
    /// Splits a table into features and a 0/1 label column (refusing other labels with the row named), standardising the features when asked.
    public static func split(_ table: FeatureMatrix, label: Int, standardize: Bool) throws(SegmentaError) -> (FeatureMatrix, [Double]) {
        let n = table.rows, p = table.columns, q = p - 1
        guard label >= 0, label < p, q >= 1 else { throw SegmentaError(.invalidInput, "a label column and at least one feature column are needed") }
        var labels = [Double](repeating: 0, count: n)
        var means = [Double](repeating: 0, count: q), deviations = [Double](repeating: 1, count: q)
        var out = [Double](repeating: 0, count: n * q)
        var bad: Int?
        table.values.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<n {
                    let y = v[i * p + label]
                    if y != 0 && y != 1 && bad == nil { bad = i }
                    labels[i] = y
                    var k = 0
                    for j in 0..<p where j != label {
                        o[i * q + k] = v[i * p + j]
                        means[k] += v[i * p + j]
                        k += 1
                    }
                }
                guard standardize, n > 0 else { return }
                for k in 0..<q { means[k] /= Double(n) }
                var squares = [Double](repeating: 0, count: q)
                for i in 0..<n {
                    for k in 0..<q {
                        let d = o[i * q + k] - means[k]
                        squares[k] += d * d
                    }
                }
                for k in 0..<q {
                    let sd = (squares[k] / Double(n)).squareRoot()
                    deviations[k] = sd > 0 ? sd : 1
                }
                for i in 0..<n {
                    for k in 0..<q { o[i * q + k] = (o[i * q + k] - means[k]) / deviations[k] }
                }
            }
        }
        if let bad {
            throw SegmentaError(.invalidInput, "\(table.names[label]) must be 0 or 1; row \(bad + 1) (\(table.ids[bad])) has \(JSONValue.format(labels[bad]))")
        }
        let positives = labels.filter { $0 == 1 }.count
        guard positives > 0, positives < n else {
            throw SegmentaError(.invalidInput, "every row has \(table.names[label]) = \(positives == 0 ? 0 : 1); a model needs both 0s and 1s")
        }
        let names = table.names.enumerated().filter { $0.offset != label }.map(\.element)
        return (FeatureMatrix(ids: table.ids, names: names, values: out), labels)
    }
}
