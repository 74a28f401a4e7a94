/// The area under the ROC curve: the chance that a random positive scores above a random
/// negative (ties count half) — the Mann–Whitney U statistic over n₁·n₀, with average ranks for
/// tied scores, as scikit-learn's `roc_auc_score` gives. Nil without both classes.
public enum ROC {
    /// The AUC of `scores` against 0/1 `labels`; nil unless both classes are present.
    public static func auc(scores: [Double], labels: [Double]) -> Double? {
        let n = min(scores.count, labels.count)
        let positives = labels.prefix(n).filter { $0 == 1 }.count, negatives = n - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = (0..<n).sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var i = 0
        while i < n {
            var j = i
            while j + 1 < n && scores[order[j + 1]] == scores[order[i]] { j += 1 }
            let rank = Double(i + j) / 2 + 1   // average 1-based rank of the tie group
            for k in i...j where labels[order[k]] == 1 { rankSum += rank }
            i = j + 1
        }
        let u = rankSum - Double(positives) * Double(positives + 1) / 2
        return u / (Double(positives) * Double(negatives))
    }
}
