/// How RFM scores are cut: quantile bins (the default) or the user's own cut points.
public struct RFMOptions: Sendable, Equatable {
    /// Number of quantile bins (scores 1…bins); 5 unless told otherwise.
    public var bins: Int
    /// Own cut points for recency (days), ascending; a recency ≤ the first cut scores `bins`.
    public var recencyCuts: [Double]?
    /// Own cut points for frequency (orders), ascending; a frequency ≤ the first cut scores 1.
    public var frequencyCuts: [Double]?
    /// Own cut points for monetary (sum of amounts), ascending; ≤ the first cut scores 1.
    public var monetaryCuts: [Double]?

    /// Creates options.
    public init(bins: Int = 5, recencyCuts: [Double]? = nil, frequencyCuts: [Double]? = nil, monetaryCuts: [Double]? = nil) {
        self.bins = bins
        self.recencyCuts = recencyCuts
        self.frequencyCuts = frequencyCuts
        self.monetaryCuts = monetaryCuts
    }

    /// Parses `--cut-points`, e.g. `r=30,90,180,365;f=1,2,5,10;m=50,100,500,1000`.
    ///
    /// Each list needs `bins − 1` ascending numbers; metrics left out keep quantile bins.
    /// - Throws: ``SegmentaError`` saying which part is wrong.
    public mutating func applyCutPoints(_ text: String) throws(SegmentaError) {
        for part in text.split(separator: ";", omittingEmptySubsequences: true) {
            let kv = part.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else {
                throw SegmentaError(.invalidInput, "--cut-points part \"\(part)\" is not METRIC=n1,n2,…; write e.g. r=30,90,180,365;f=1,2,5,10")
            }
            let metric = kv[0].trimmingCharacters()
            var cuts: [Double] = []
            for v in kv[1].split(separator: ",") {
                guard let d = DecimalParser.double(String(v).trimmingBlanks) else {
                    throw SegmentaError(.invalidInput, "--cut-points for \(metric): \"\(v)\" is not a number")
                }
                cuts.append(d)
            }
            guard cuts.count == bins - 1 else {
                throw SegmentaError(.invalidInput, "--cut-points for \(metric): \(bins) scores need \(bins - 1) cut points, got \(cuts.count)")
            }
            guard zip(cuts, cuts.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw SegmentaError(.invalidInput, "--cut-points for \(metric): cut points must be strictly increasing")
            }
            switch metric.lowercased() {
            case "r", "recency": recencyCuts = cuts
            case "f", "frequency": frequencyCuts = cuts
            case "m", "monetary": monetaryCuts = cuts
            default: throw SegmentaError(.invalidInput, "--cut-points: unknown metric \"\(metric)\"; use r, f or m")
            }
        }
    }
}

extension Substring {
    func trimmingCharacters() -> String { String(self).trimmingBlanks }
}
