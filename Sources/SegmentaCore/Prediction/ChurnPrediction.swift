import Foundation

/// Who is about to leave: an L2 logistic regression trained on the past and applied to now.
///
/// The training snapshot is taken at the cutoff `asOf − horizon`. Everyone who could still churn
/// then (signed up, no churn event, not lifecycle `lost`) is a training row; their label is 1 when,
/// within the horizon, they sent a churn event or became `lost`. Features are those of
/// ``ChurnFeatures`` as of the cutoff. A quarter of the rows (by a stable hash of the id) are held
/// out to measure the model — AUC and a calibration table — then the model is fitted again on every
/// row and applied to everyone who can still churn as of `asOf`, with features read the same way.
public struct ChurnPrediction: Sendable {
    /// Knobs.
    public struct Options: Sendable, Equatable {
        /// Days after the cutoff within which a churn event, or becoming `lost`, counts as churning.
        public var horizonDays = 90
        /// scikit-learn's C (inverse regularisation strength).
        public var c = 1.0
        /// The lifecycle rules that say who is `lost` (and who could still churn).
        public var lifecycle = LifecycleOptions()
        /// The feature families to use (orders, RFM, lifecycle, events, traits).
        public var families: Set<ChurnFeatures.Family> = Set(ChurnFeatures.Family.allCases)
        /// Smallest number of churners and of stayers to learn from.
        public var minimumPerClass = 10
        /// The defaults: 90 days, C = 1, every family, 10 per class.
        public init() {}
    }

    /// A feature's weight, in words.
    public struct Driver: Sendable, Equatable {
        /// The feature's column key (`orders_count`, `trait:plan=pro`, …).
        public var key: String
        /// The feature in words.
        public var label: String
        /// ``ChurnFeatures/Column/whoHasMore``.
        public var whoHasMore: String
        /// The coefficient, per standard deviation of the feature (of log1p(x) for counts and amounts).
        public var coefficient: Double
        /// exp(coefficient): how the odds of churning change per standard deviation.
        public var oddsRatio: Double { exp(coefficient) }
        /// "Customers with more orders placed are less likely to churn (odds ×0.62 per standard deviation)." (per standard
        /// deviation of log1p for counts and amounts)
        public var sentence: String {
            let direction = coefficient > 0 ? "more" : "less"
            let odds = "odds ×\(NumberText.fixed(oddsRatio, 2)) per standard deviation"
            return "Customers \(whoHasMore) are \(direction) likely to churn (\(odds))."
        }
    }

    /// One scored profile.
    public struct Score: Sendable, Equatable {
        /// The profile's id.
        public var id: String
        /// P(churn within the horizon).
        public var probability: Double
        /// 1 (lowest risk) … 10 (highest), by rank.
        public var decile: Int
    }

    /// When the scores apply: the store's latest data.
    public var asOf: Timestamp
    /// asOf − horizon: the time the training features were read at.
    public var cutoff: Timestamp
    /// The churn horizon, in days.
    public var horizonDays: Int
    /// The feature columns, as built at the cutoff.
    public var features: ChurnFeatures
    /// Training rows, and how many churned within the horizon.
    public var trainingRows: Int, churners: Int
    /// Held-out rows, their AUC (nil without both outcomes) and calibration.
    public var holdoutRows: Int
    /// Area under the ROC curve on the held-out quarter (nil without both outcomes there).
    public var holdoutAUC: Double?
    /// Predicted against observed churn on the held-out quarter, by group.
    public var calibration: Calibration
    /// The final model (fitted on every training row) in standardised units, and its scaler.
    public var model: LogisticRegression
    /// The feature scaler the model was fitted with (mean and standard deviation per column).
    public var standardizer: Standardizer
    /// Every feature's coefficient, largest effect first.
    public var drivers: [Driver]
    /// Everyone who can still churn as of `asOf`, in customer order.
    public var scores: [Score]

    /// Trains on `past` (taken at the cutoff), labels from `now` (taken at `asOf`), scores `now`.
    public static func run(past: ChurnSnapshot, now: ChurnSnapshot, options: Options) throws(SegmentaError) -> ChurnPrediction {
        guard options.horizonDays > 0 else { throw SegmentaError(.invalidInput, "the horizon must be at least one day") }
        guard options.c > 0, options.c.isFinite else { throw SegmentaError(.invalidInput, "C must be a positive number, not \(options.c)") }
        // Both snapshots' lifecycle stages at once (one per core).
        let stages = ParallelChunks.map(2, chunks: 2) { range in range.map { ($0 == 0 ? past : now).stages(options.lifecycle) } }
        let pastStages = stages[0], nowStages = stages[1]
        let (training, labels) = examples(past: past, pastStages: pastStages, now: now, nowStages: nowStages)
        let churners = labels.reduce(0) { $0 + Int($1) }
        guard churners >= options.minimumPerClass, training.count - churners >= options.minimumPerClass else {
            throw SegmentaError(.invalidInput, """
                too few outcomes to learn from: of \(training.count) profiles who could churn on \(past.asOf.iso8601.prefix(10)), \(churners) churned \
                and \(training.count - churners) stayed by \(now.asOf.iso8601.prefix(10)); at least \(options.minimumPerClass) of each are needed \
                (a longer --horizon, an earlier --as-of, or the right --churn-event may help)
                """)
        }
        let features = try ChurnFeatures.choose(options.families, snapshot: past, population: training)
        let x = try features.matrix(past, ids: training, stages: pastStages)
        let logs = features.columns.map(\.log)

        // Held out: a quarter of the rows, by a hash of the id that does not depend on the run.
        let held = training.map { id -> Bool in
            var h = StableHash()
            h.combine("churn-holdout")
            h.combine(id)
            return h.value % 4 == 0
        }
        let trainIdx = held.indices.filter { !held[$0] }, holdIdx = held.indices.filter { held[$0] }
        var holdoutAUC: Double?
        var calibration = Calibration(bins: [])
        if !trainIdx.isEmpty, !holdIdx.isEmpty {
            let fitPart = rows(x, trainIdx), holdPart = rows(x, holdIdx)
            let scaler = Standardizer.fit(fitPart, log: logs)
            let m = LogisticRegression.fit(scaler.apply(fitPart), labels: trainIdx.map { labels[$0] }, c: options.c)
            let p = m.probabilities(scaler.apply(holdPart))
            let y = holdIdx.map { labels[$0] }
            holdoutAUC = ROC.auc(scores: p, labels: y)
            calibration = Calibration.table(predicted: p, labels: y, count: min(10, max(1, holdIdx.count / 20)))
        }
        let scaler = Standardizer.fit(x, log: logs)
        let model = LogisticRegression.fit(scaler.apply(x), labels: labels, c: options.c)
        let drivers = features.columns.indices.map { Driver(key: features.columns[$0].key, label: features.columns[$0].label, whoHasMore: features.columns[$0].whoHasMore,
                                                     coefficient: model.coefficients[$0]) }
            .sorted { abs($0.coefficient) != abs($1.coefficient) ? abs($0.coefficient) > abs($1.coefficient) : $0.key < $1.key }

        let scoring = now.population(nowStages)
        let probabilities = scoring.isEmpty ? [] : model.probabilities(scaler.apply(try features.matrix(now, ids: scoring, stages: nowStages)))
        return ChurnPrediction(asOf: now.asOf, cutoff: past.asOf, horizonDays: options.horizonDays, features: features,
                               trainingRows: training.count, churners: churners, holdoutRows: holdIdx.count, holdoutAUC: holdoutAUC,
                               calibration: calibration, model: model, standardizer: scaler, drivers: drivers,
                               scores: zip(scoring, deciles(probabilities)).map { Score(id: $0.0, probability: $0.1.0, decile: $0.1.1) })
    }

    /// The training examples: who could churn as of `past` (in customer order), each labelled 1
    /// when, by `now`, they sent a churn event or became `lost`.
    public static func examples(past: ChurnSnapshot, pastStages: [String: LifecycleStage], now: ChurnSnapshot,
                                nowStages: [String: LifecycleStage]) -> (ids: [String], labels: [Double]) {
        let ids = past.population(pastStages)
        return (ids, ids.map { id in now.churned.contains(id) || nowStages[id] == .lost ? 1.0 : 0.0 })
    }

    /// Rows of a matrix, by index.
    static func rows(_ m: FeatureMatrix, _ indices: [Int]) -> FeatureMatrix {
        var values: [Double] = []
        values.reserveCapacity(indices.count * m.columns)
        for i in indices { values += m.values[(i * m.columns)..<((i + 1) * m.columns)] }
        return FeatureMatrix(ids: indices.map { m.ids[$0] }, names: m.names, values: values)
    }

    /// Each probability with its decile by rank (ties broken by position): the lowest tenth is 1.
    static func deciles(_ p: [Double]) -> [(Double, Int)] {
        let order = p.indices.sorted { p[$0] != p[$1] ? p[$0] < p[$1] : $0 < $1 }
        var decile = [Int](repeating: 1, count: p.count)
        for (rank, i) in order.enumerated() { decile[i] = rank * 10 / p.count + 1 }
        return p.indices.map { (p[$0], decile[$0]) }
    }
}
