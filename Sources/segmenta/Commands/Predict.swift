import ArgumentParser
import Foundation
import SegmentaCore

extension Segmenta {
    /// `segmenta predict …`.
    struct Predict: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Predictive models: who is about to churn, and an L2 logistic regression on any table.",
            subcommands: [Churn.self, Fit.self]
        )
    }
}

extension Segmenta.Predict {
    struct Fit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fit an L2 logistic regression on a table: first column an id, a 0/1 label column, the others numeric features.",
            discussion: """
            The same model as scikit-learn's LogisticRegression(C=…, solver="lbfgs") — the regularisation
            C·Σ log-loss + ½‖w‖², intercept not penalised — on features standardised to mean 0 and
            population standard deviation 1 (as StandardScaler does) unless --no-standardize. Reports the
            coefficients (per standard deviation when standardised), the training AUC and the Newton
            steps taken.
              segmenta predict fit --input churn.csv --label churned --format json
            """)
        @Option(help: ArgumentHelp("The table (CSV): an id column first, then the label and numeric features.", valueName: "file")) var input: String
        @Option(help: ArgumentHelp("The 0/1 column to predict.", valueName: "column")) var label: String
        @Option(help: ArgumentHelp("Inverse regularisation strength (scikit-learn's C), > 0.", valueName: "number")) var c: Double = 1.0
        @Flag(help: "Fit on the features as they are, not standardised.") var noStandardize = false
        @Option(help: "Output: table or json.") var format: OutputFormat = .table
        @OptionGroup var file: FileFormatOptions

        func validate() throws {
            guard c > 0, c.isFinite else { throw ValidationError("--c must be a positive number (scikit-learn's C; 1.0 by default), not \(c)") }
            if format == .csv { throw ValidationError("--format csv is not offered for a model; use table or json") }
        }

        func run() async throws {
            try await reportingErrors {
                let clock = Stopwatch()
                let table = try FeatureTable.read(input, format: file.options)
                guard let labelColumn = table.names.firstIndex(of: label) else {
                    throw CLIError("\(input) has no column \"\(label)\"; its columns after the id are \(table.names.joined(separator: ", "))")
                }
                guard table.columns >= 2 else { throw CLIError("\(input): besides the id and \(label), at least one feature column is needed") }
                let (x, labels): (FeatureMatrix, [Double])
                do throws(SegmentaError) { (x, labels) = try LabelledTable.split(table, label: labelColumn, standardize: !noStandardize) } catch {
                    throw CLIError("\(input): \(error.message)")
                }
                let names = x.names
                let positives = labels.filter { $0 == 1 }.count
                let model = LogisticRegression.fit(x, labels: labels, c: c)
                let auc = ROC.auc(scores: model.probabilities(x), labels: labels) ?? .nan
                if format == .json {
                    var coefficients = ""
                    for (j, name) in names.enumerated() {
                        coefficients += (j == 0 ? "" : ",")
                        JSONValue.writeString(name, to: &coefficients)
                        coefficients += ":" + JSONValue.format(model.coefficients[j])
                    }
                    // Coefficients in the file's column order (a JSON object's keys would be sorted).
                    print("{\"intercept\":\(JSONValue.format(model.intercept)),\"coefficients\":{\(coefficients)},\"auc\":\(JSONValue.format(auc)),"
                          + "\"iterations\":\(model.iterations),\"converged\":\(model.converged),\"standardized\":\(!noStandardize),\"c\":\(JSONValue.format(c)),"
                          + "\"rows\":\(labels.count),\"positives\":\(positives)}")
                    return
                }
                print(Terminal.bold("Logistic regression of \(label) on \(names.count) feature\(names.count == 1 ? "" : "s") (\(Fmt.thousands(labels.count)) rows, \(Fmt.thousands(positives)) with \(label) = 1)"))
                print("training AUC \(Fmt.fixed(auc, 3)) · C = \(JSONValue.format(c)) · \(model.iterations) Newton steps\(model.converged ? "" : " (did not converge)") · \(Fmt.fixed(clock.seconds, 2)) s")
                let unit = noStandardize ? "per unit" : "per standard deviation"
                var t = TextTable(["feature", "coefficient", "odds ×", "reads as"], rightAligned: [1, 2])
                t.add(["(intercept)", Fmt.fixed(model.intercept, 4), "", ""])
                for j in names.indices.sorted(by: { abs(model.coefficients[$0]) > abs(model.coefficients[$1]) }) {
                    let w = model.coefficients[j]
                    let words = abs(w) < 0.01 ? "hardly matters" : "more \(names[j]) makes \(label) = 1 \(w > 0 ? "more" : "less") likely"
                    t.add([names[j], Fmt.fixed(w, 4), Fmt.fixed(exp(w), 3), words])
                }
                print(t.render())
                print("odds × is how the odds of \(label) = 1 change \(unit) of the feature, the others held equal.")
            }
        }
    }
}
