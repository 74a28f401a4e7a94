import Foundation
import Testing
@testable import SegmentaCore

/// L2 logistic regression against scikit-learn, recorded in Fixtures/logistic (make_fixture.py):
/// `LogisticRegression(C, solver="lbfgs")` on the StandardScaler matrix (and on the raw one).
@Suite struct LogisticRegressionTests {
    static func table() throws -> (FeatureMatrix, [Double]) {
        let text = String(decoding: try FixtureFiles.bytes("logistic/churn.csv"), as: UTF8.self)
        var lines = text.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        let header = lines.removeFirst()
        let names = Array(header.dropFirst(2))
        var ids: [String] = [], labels: [Double] = [], values: [Double] = []
        for l in lines {
            ids.append(l[0])
            labels.append(try #require(Double(l[1])))
            for v in l.dropFirst(2) { values.append(try #require(Double(v))) }
        }
        return (FeatureMatrix(ids: ids, names: names, values: values), labels)
    }

    @Test func coefficientsEqualScikitLearns() throws {
        let (raw, labels) = try Self.table()
        let expected = try JSONTextParser.parse(String(decoding: try FixtureFiles.bytes("logistic/expected.json"), as: UTF8.self))
        let fits = expected.objectValue?["fits"]?.arrayValues.compactMap(\.objectValue) ?? []
        #expect(fits.count == 3)
        for fit in fits {
            let c = try #require(fit["c"]?.numberValue)
            let standardize = fit["standardize"] == true
            let x = standardize ? Standardizer.fit(raw, log: Array(repeating: false, count: raw.columns)).apply(raw) : raw
            // What `predict fit` trains on: the label split off the file's table and the rest standardised.
            var withLabel: [Double] = []
            for i in 0..<raw.rows { withLabel.append(labels[i]); for j in 0..<raw.columns { withLabel.append(raw[i, j]) } }
            let (split, splitLabels) = try LabelledTable.split(FeatureMatrix(ids: raw.ids, names: ["churned"] + raw.names, values: withLabel), label: 0, standardize: standardize)
            #expect(splitLabels == labels && split.names == raw.names)
            #expect(zip(split.values, x.values).allSatisfy { abs($0 - $1) < 1e-12 })
            let model = LogisticRegression.fit(x, labels: labels, c: c)
            #expect(model.converged)
            #expect(abs(model.intercept - (fit["intercept"]?.numberValue ?? .nan)) < 1e-4, "C=\(c) standardize=\(standardize): intercept \(model.intercept)")
            for (j, name) in raw.names.enumerated() {
                let want = try #require(fit["coefficients"]?.objectValue?[name]?.numberValue)
                #expect(abs(model.coefficients[j] - want) < 1e-4, "C=\(c) standardize=\(standardize): \(name) \(model.coefficients[j]) vs \(want)")
            }
            let auc = try #require(ROC.auc(scores: model.probabilities(x), labels: labels))
            #expect(abs(auc - (fit["auc"]?.numberValue ?? .nan)) < 1e-9)
        }
    }

    @Test func aucCountsTiesAsHalfAndNeedsBothClasses() {
        // Positives score 0.9 and 0.5; negatives 0.5 and 0.1: pairs (0.9>0.5, 0.9>0.1, 0.5=0.5, 0.5>0.1) → 3.5 / 4.
        #expect(ROC.auc(scores: [0.9, 0.5, 0.5, 0.1], labels: [1, 1, 0, 0]) == 0.875)
        #expect(ROC.auc(scores: [0.2, 0.3], labels: [1, 1]) == nil)
    }

    @Test func strongerRegularisationShrinksTowardsZero() throws {
        let (raw, labels) = try Self.table()
        let x = Standardizer.fit(raw, log: Array(repeating: false, count: raw.columns)).apply(raw)
        let loose = LogisticRegression.fit(x, labels: labels, c: 10), tight = LogisticRegression.fit(x, labels: labels, c: 0.001)
        let tightSize: Double = tight.coefficients.reduce(0) { $0 + abs($1) }
        let looseSize: Double = loose.coefficients.reduce(0) { $0 + abs($1) }
        #expect(tightSize < looseSize / 5)
    }
}
