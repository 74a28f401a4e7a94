import SegmentaCharts
import SegmentaCore
import SegmentaPages
import SegmentaStore

extension DashboardPages {
    /// `/churn`: the latest churn model — how well it ranks and how honest its probabilities are
    /// on held-out people, what the risk depends on in words, and the riskiest profiles.
    func churn(_ viewer: Viewer) async throws -> String {
        let store = self.store
        guard let latest = try await store.latestAnalysisRun(kind: AnalysisKind.churn.rawValue), let s = latest.run.summary.objectValue else {
            return document("Churn risk", viewer: viewer, active: "/churn", [.section("Not computed yet", [.empty(
                "The churn model is trained at each recompute (or by “segmenta predict churn”, or POST /api/v1/analyses/churn). "
                + "It needs at least 10 people who churned and 10 who stayed in the horizon before the latest data.")])])
        }
        func number(_ key: String) -> Double { s[key]?.numberValue ?? .nan }
        let horizon = Int(saturating: number("horizon_days"))
        let event = s["churn_event"]?.stringValue ?? ""
        let cutoff = s["cutoff"]?.stringValue.flatMap { try? Timestamp.parse($0) }?.readableDate ?? ""
        let asOf = latest.run.asOf.readableDate
        var body: [Block] = [.stats([
            ("profiles scored", H.thousands(Int(saturating: number("scored")))),
            ("mean risk of churning within \(horizon) days", H.percent(number("mean_risk"))),
            ("held-out AUC (0.5 = a coin toss, 1 = perfect ranking)", H.fixed(number("holdout_auc"), 3)),
            ("churned in the training window", H.percent(number("churn_rate"))),
        ])]
        body.append(.note(Glossary.explained("Trained on everyone who could still churn on \(cutoff) (signed up, no “\(event)” event, not lifecycle lost), "
            + "labelled churned if within \(horizon) days they sent “\(event)” or went a year without ordering; then applied to everyone as of \(asOf). Computed ")
            + [.when(latest.createdAt), .text(".")]))
        let bins = s["calibration"]?.arrayValues.compactMap(\.objectValue) ?? []
        if !bins.isEmpty {
            let predicted = bins.map { ($0["mean_predicted"]?.numberValue ?? 0) * 100 }, observed = bins.map { ($0["observed"]?.numberValue ?? 0) * 100 }
            let chart = Charts.pairedBars(title: "Held-out people by predicted risk: predicted against what happened (%)", labels: bins.indices.map { "\($0 + 1)" },
                                          first: ("predicted", predicted), second: ("churned", observed), width: 720)
            body.append(.section("Are the probabilities honest?", [.chart(chart)],
                              note: "Each pair is one risk group of the quarter of people held out of training, lowest risk first (\(H.thousands(Int(saturating: number("holdout_rows")))) people). "
                                  + "Bars of equal height mean a predicted 30 % comes true about 30 % of the time. Mean gap: \(H.fixed(number("calibration_error") * 100, 1)) points."))
        }
        let drivers = (s["drivers"]?.arrayValues.compactMap(\.objectValue) ?? []).filter { abs($0["coefficient"]?.numberValue ?? 0) >= 0.01 }.prefix(8)
        if !drivers.isEmpty {
            body.append(.section("What the risk depends on", [.list(class: "drivers", drivers.map { d in
                ListItem([.text(d["sentence"]?.stringValue ?? "")], title: "\(d["feature"]?.stringValue ?? ""): coefficient \(H.fixed(d["coefficient"]?.numberValue ?? .nan, 3)) per standard deviation")
            })], note: "Largest effects first, each with the others held equal. Odds ×2 per standard deviation doubles the odds of churning for someone one standard deviation above the average."))
        }
        if let top = s["top"]?.arrayValues.compactMap(\.objectValue), !top.isEmpty {
            body.append(.section("The riskiest people now", [.table(["profile", "risk of churning within \(horizon) days", "risk decile"], top.map { c in
                [Cell(Self.profileLink(c["id"]?.stringValue ?? "")), Cell(H.percent(c["churn_risk"]?.numberValue ?? .nan)), Cell(H.fixed(c["decile"]?.numberValue ?? .nan, 0))]
            }, numeric: [1, 2])], note: "Every scored profile has the computed traits churn_risk (0–1) and churn_risk_decile (10 = the riskiest tenth). "
                + "Use them in a segment, e.g. {\"computed\": \"churn_risk\", \"op\": \"gt\", \"value\": 0.4}, together with RFM or lifecycle conditions."))
        }
        return document("Churn risk", viewer: viewer, active: "/churn", body)
    }
}
