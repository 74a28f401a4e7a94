import ArgumentParser
import Foundation
import SegmentaCore
import SegmentaStore
import SegmentaJobs

extension Segmenta.Predict {
    /// `segmenta predict churn`.
    struct Churn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Who is about to leave: train a churn model on the past, score everyone now, save churn_risk.",
            discussion: """
            The model learns from a cutoff one horizon before --as-of: everyone who could still churn then
            (signed up, no churn event, not lifecycle lost) is an example, labelled churned when within the
            horizon they sent --churn-event or became lost (no order for --lost-days). Features as of the cutoff:
              orders     days since signup, orders, spend, days since the last order
              rfm        the R, F and M scores
              lifecycle  the stage (prospect, new, active, at risk)
              events     counts of the most frequent track events in the last 30 and 90 days
              traits     plan, acquisition_channel and country where profiles have them (one column per common value)
            or named ones: trait:NAME, events:NAME:DAYS. A quarter of the examples is held out to report the
            AUC and a calibration table; the model is then refitted on all of them and applied as of --as-of.
            Saved as computed traits churn_risk (probability of churning within the horizon) and
            churn_risk_decile (10 = the riskiest tenth), usable in segments:
              {"computed": "churn_risk", "op": "gt", "value": 0.4}
              segmenta predict churn --horizon 90d --churn-event "Subscription Cancelled"
            """)
        @Option(help: ArgumentHelp("How far ahead to predict: days (90d or 90) or weeks (13w).", valueName: "duration")) var horizon = "90d"
        @Option(help: ArgumentHelp("The track event that means a customer left.", valueName: "name")) var churnEvent = "Subscription Cancelled"
        @Option(help: ArgumentHelp("Feature families or named features, comma-separated: orders, rfm, lifecycle, events, traits, trait:NAME, events:NAME:DAYS.", valueName: "list"))
        var features = "orders,rfm,lifecycle,events,traits"
        @Option(help: ArgumentHelp("Score as of this date (default: the day after the latest order or event).", valueName: "date")) var asOf: String?
        @Option(help: "Lost after more than this many days without an order (as `segmenta lifecycle`).") var lostDays = 365
        @Option(help: ArgumentHelp("Inverse regularisation strength (scikit-learn's C), > 0.", valueName: "number")) var c = 1.0
        @Option(help: "Output: table or json.") var format: OutputFormat = .table
        @OptionGroup var store: StoreOptions

        func validate() throws {
            guard Self.days(horizon) != nil else { throw ValidationError("--horizon \"\(horizon)\" is not a duration like 90d, 13w or 90 (days), between 1 and 3650 days") }
            guard c > 0, c.isFinite else { throw ValidationError("--c must be a positive number (scikit-learn's C; 1.0 by default), not \(c)") }
            guard lostDays > 0 else { throw ValidationError("--lost-days must be positive") }
            guard !churnEvent.isEmpty else { throw ValidationError("--churn-event needs an event name, e.g. \"Subscription Cancelled\"") }
            if format == .csv { throw ValidationError("--format csv is not offered for a model; use table or json (the scores are saved as computed traits)") }
            _ = try Self.options(features)
        }

        /// "90d", "90", "13w" → days.
        static func days(_ text: String) -> Int? {
            var t = Substring(text.trimmingCharacters(in: .whitespaces).lowercased())
            var unit = 1
            if t.hasSuffix("d") { t = t.dropLast() } else if t.hasSuffix("w") { t = t.dropLast(); unit = 7 }
            guard let n = Int(t), n > 0, n <= 3650 / unit else { return nil }
            return n * unit
        }

        /// The --features list as options.
        static func options(_ list: String) throws -> ChurnRun.Options {
            var o = ChurnRun.Options()
            var families = Set<ChurnFeatures.Family>()
            var traits: [String] = [], events: [(name: String, days: Int)] = []
            for item in NameList.parse(list) {
                if let f = ChurnFeatures.Family(rawValue: item) {
                    families.insert(f)
                } else if item.hasPrefix("trait:"), item.count > 6 {
                    let name = String(item.dropFirst(6))
                    if ChurnFeatures.isLeaky(name) { throw ValidationError("--features: trait \"\(name)\" records churn itself; leave it out") }
                    traits.append(name)
                    families.insert(.traits)
                } else if item.hasPrefix("events:") {
                    let parts = item.split(separator: ":", omittingEmptySubsequences: false)
                    guard parts.count == 3, !parts[1].isEmpty, let d = Int(parts[2]), (1...3650).contains(d) else {
                        throw ValidationError("--features: write event counts as events:Event Name:DAYS, e.g. events:Logged In:30 (got \"\(item)\")")
                    }
                    events.append((String(parts[1]), d))
                    families.insert(.events)
                } else {
                    throw ValidationError("--features: \"\(item)\" is not orders, rfm, lifecycle, events, traits, trait:NAME or events:NAME:DAYS")
                }
            }
            guard !families.isEmpty else { throw ValidationError("--features needs at least one feature family or named feature") }
            o.model.families = families
            if !traits.isEmpty { o.traits = traits }
            if !events.isEmpty { o.events = events }
            return o
        }

        func run() async throws {
            try await reportingErrors {
                let clock = Stopwatch()
                var options = try Self.options(features)
                options.model.horizonDays = Self.days(horizon) ?? 90
                options.model.c = c
                options.model.lifecycle.lostDays = lostDays
                options.churnEvent = churnEvent
                options.asOf = try parseAsOf(asOf)
                let db = try await store.storage()
                let result = try await ChurnRun.run(db, options: options)
                try await ChurnRun.save(result, churnEvent: churnEvent, to: db)
                if format == .json {
                    print(ChurnRun.summary(result, churnEvent: churnEvent).jsonText)
                    return
                }
                ChurnOutput.print(result, churnEvent: churnEvent, seconds: clock.seconds)
            }
        }
    }
}

/// The churn model as people read it in a terminal.
enum ChurnOutput {
    /// The whole report; without `seconds` (the demo) a short one: the headline and three drivers.
    static func print(_ r: ChurnPrediction, churnEvent: String, seconds: Double?) {
        let cutoff = r.cutoff.dateString, asOf = r.asOf.dateString
        Console.print(Terminal.bold("Churn within \(r.horizonDays) days: trained on \(cutoff) → \(asOf), scored as of \(asOf)"))
        Console.print("\(Fmt.thousands(r.trainingRows)) profiles could churn on \(cutoff); \(Fmt.thousands(r.churners)) (\(Fmt.percent(Double(r.churners) / Double(max(1, r.trainingRows))))) "
                    + "sent \"\(churnEvent)\" or became lost by \(asOf).")
        let auc = r.holdoutAUC.map { Fmt.fixed($0, 3) } ?? "–"
        Console.print("Held-out AUC \(auc) on \(Fmt.thousands(r.holdoutRows)) profiles (0.5 is a coin toss, 1 a perfect ranking)" + (seconds.map { " · \(Fmt.fixed($0, 1)) s" } ?? ""))
        guard seconds != nil else {
            for d in r.drivers.prefix(3) { Console.print("  • " + d.sentence) }
            Console.print("Saved as churn_risk and churn_risk_decile for \(Fmt.thousands(r.scores.count)) profiles.")
            return
        }
        Console.print("")
        if !r.calibration.bins.isEmpty {
            Console.print(Terminal.bold("Calibration on the held-out profiles (predicted against what happened)"))
            var t = TextTable(["risk group", "profiles", "predicted", "churned"], rightAligned: [1, 2, 3])
            for (i, b) in r.calibration.bins.enumerated() {
                t.add(["\(i + 1) of \(r.calibration.bins.count)", Fmt.thousands(b.rows), Fmt.percent(b.meanPredicted), Fmt.percent(b.observed)])
            }
            Console.print(t.render())
            Console.print("")
        }
        Console.print(Terminal.bold("What the risk depends on (largest effects first)"))
        for d in r.drivers.prefix(8) where abs(d.coefficient) >= 0.01 { Console.print("  • " + d.sentence) }
        Console.print("")
        let high = r.scores.filter { $0.decile == 10 }
        Console.print("Saved churn_risk and churn_risk_decile for \(Fmt.thousands(r.scores.count)) profiles; mean risk \(Fmt.percent(r.scores.isEmpty ? 0 : r.scores.reduce(0) { $0 + $1.probability } / Double(r.scores.count)))"
                    + (high.isEmpty ? "." : ", the riskiest tenth (decile 10) from \(Fmt.percent(high.map(\.probability).min() ?? 0))."))
        Console.print("Use them in segments, e.g. {\"computed\": \"churn_risk\", \"op\": \"gt\", \"value\": 0.4}.")
    }
}
