public import SegmentaCore
public import SegmentaStore
public import Logging

/// The recompute pipeline the server runs on a schedule (and on demand): computed traits first
/// (RFM, lifecycle, cohorts, and CLV / personas where configured), then every dynamic segment —
/// a snapshot each, enter/exit diffs, validation — then the support policy over the new members. A step that fails is reported and the others
/// still run; a segment refresh that fails is retried, and its `last_error` stays visible.
public struct Recompute: Sendable {
    /// Which analyses run, and how hard refreshes are retried.
    public struct Options: Sendable {
        /// The analyses to run (all by default).
        public var analyses = Set(AnalysisKind.allCases)
        /// The churn model: horizon, churn event, features.
        public var churn = ChurnRun.Options()
        /// Drift alert thresholds.
        public var drift = DriftDetector.Options()
        /// Personas to find (k-means on R, F, M and CLV).
        public var clusters = 4
        /// Attempts per segment refresh before its failure is recorded.
        public var refreshAttempts = 3
        /// Ids per list in one webhook delivery (each refresh queues its own deliveries).
        public var webhookPageSize = 1000
        /// Every analysis, 4 personas, 3 attempts, 1,000 ids per webhook page.
        public init() {}
    }

    /// What one step did.
    public struct Step: Sendable {
        /// The step: an analysis (`rfm`, `clv`, …), `segment:NAME`, `segments` (listing them) or `drift`.
        public var name: String
        /// How long it took.
        public var seconds: Double
        /// Nil when the step succeeded; else why not.
        public var error: String?
        /// Attempts it took (refreshes).
        public var attempts = 1
    }

    /// What a recompute did: its steps and the refreshes that succeeded (for webhooks).
    public struct Report: Sendable {
        /// Every step, in order.
        public var steps: [Step] = []
        /// The refreshes that succeeded.
        public var refreshes: [RefreshResult] = []
        /// Drift alerts the refreshes raised (``DriftCheck``).
        public var alerts: [SegmentAlert] = []
        /// Steps that failed.
        public var failed: Int { steps.filter { $0.error != nil }.count }
    }

    let store: any Storage
    let options: Options
    let logger: Logger

    /// A recompute over `store`.
    public init(store: any Storage, options: Options, logger: Logger) {
        self.store = store
        self.options = options
        self.logger = logger
    }

    /// Runs every configured analysis, then refreshes every dynamic segment as of `asOf`.
    public func run(asOf: Timestamp = .now) async -> Report {
        var report = Report()
        for analysis in AnalysisKind.allCases where options.analyses.contains(analysis) && analysis != .support {
            report.steps.append(await step(analysis.rawValue) { () async throws(SegmentaError) in
                do throws(SegmentaError) { try await self.analyse(analysis, asOf: asOf) } catch {
                    // A store too new or too small for a churn model (no churners yet) is not a
                    // failure of the scheduled run; asked for directly (API, CLI) it is a 422 that says why.
                    guard analysis == .churn, error.code == .invalidInput else { throw error }
                    self.logger.info("churn model skipped", metadata: ["reason": .string(error.message)])
                }
            })
        }
        report.merge(await refreshSegments(asOf: asOf))
        if options.analyses.contains(.support) {
            // The policy reads the members the refreshes just wrote.
            report.steps.append(await step(AnalysisKind.support.rawValue) { () async throws(SegmentaError) in try await self.analyse(.support, asOf: asOf) })
        }
        return report
    }

    /// Refreshes every dynamic segment (each retried up to `refreshAttempts` times) and validates it.
    public func refreshSegments(asOf: Timestamp = .now) async -> Report {
        var report = Report()
        let names: [String]
        do { names = try await store.segments().filter { $0.kind == .dynamic }.map(\.name) } catch {
            report.steps.append(Step(name: "segments", seconds: 0, error: error.message))
            return report
        }
        let refresher = SegmentRefresh(store: store, drift: options.drift, webhookPageSize: options.webhookPageSize)
        for name in names {
            var attempts = 0
            var done: RefreshResult?
            var lastError = ""
            let clock = ContinuousClock.now
            while attempts < max(1, options.refreshAttempts), done == nil {
                attempts += 1
                do { done = try await refresher.snapshot(name, asOf: asOf) } catch { lastError = error.message }
            }
            if let done {
                report.refreshes.append(done)
                if let info = try? await store.segment(named: name) {
                    _ = try? await ValidationRun.run(store, info: info, thresholds: SegmentValidation.Thresholds())
                }
            } else {
                logger.error("segment refresh failed after \(attempts) attempts", metadata: ["segment": .string(name), "error": .string(lastError)])
            }
            report.steps.append(Step(name: "segment:" + name, seconds: Self.seconds(since: clock), error: done == nil ? lastError : nil, attempts: attempts))
        }
        let refreshed = report.refreshes
        var alerts: [SegmentAlert] = []
        report.steps.append(await step("drift") { () async throws(SegmentaError) in
            let (raised, error) = await refresher.check(refreshed)
            if let error { throw error }
            alerts = raised
        })
        report.alerts = alerts
        return report
    }

    /// Runs one analysis over the store as of `asOf` and writes its results back. The server's
    /// analyses are as of its clock (recency, lifecycle stages, churn and CLV count up to now, as
    /// its segment refreshes do), never as of a date the data suggests: one "now" on every page.
    /// (The CSV commands keep the pandas convention, the day after the last order.)
    public func analyse(_ analysis: AnalysisKind, asOf: Timestamp = .now) async throws(SegmentaError) {
        switch analysis {
        case .rfm:
            let totals = try await store.customerTotals(before: asOf)
            guard totals.customerCount > 0 else { return }
            let options = RFMOptions()
            try await RFMWriteBack.save(try RFMScorer.score(totals, asOf: asOf, options: options), options: options, to: store)
        case .lifecycle:
            let result = try await StoreInputs.lifecycle(store, asOf: asOf)
            try await LifecycleWriteBack.save(result.customers, asOf: result.asOf, to: store)
        case .cohorts:
            // Monthly and weekly triangles, overall and by the traits teams split by most; each a run
            // of its own (parameters: period, by) that the dashboard reads without rescanning orders.
            let activity = try await store.activity(.orders)
            var splits: [(String?, [String: String]?)] = [(nil, nil)]
            for trait in Self.cohortTraits {
                let values = try await store.traitValues(trait)
                if !values.isEmpty { splits.append((trait, values)) }
            }
            for period in [CohortPeriod.month, .week] {
                for (by, groups) in splits {
                    let cells = CohortRetention.compute(activity: activity, period: period, groups: groups)
                    let parameters: JSONValue = .object(["period": .string(period.rawValue), "activity": .string("orders"), "by": by.map(JSONValue.string) ?? .null])
                    let summary: JSONValue = .object(["period": .string(period.rawValue), "activity": .string("orders"), "by": by.map(JSONValue.string) ?? .null,
                                                      "cells": .array(cells.map { c in
                        .object(["cohort": .string(c.cohort), "group": c.group.map(JSONValue.string) ?? .null, "period": .number(Double(c.period)),
                                 "size": .number(Double(c.size)), "active": .number(Double(c.active)), "retention": .number(c.retention)])
                    })])
                    try await store.recordAnalysis(kind: AnalysisKind.cohorts.rawValue, asOf: asOf, parameters: parameters, summary: summary, values: [], at: .now)
                }
            }
        case .clv:
            let summaries = try await StoreInputs.customerSummaries(store, calibrationEnd: asOf, unit: .week)
            guard summaries.count >= 10 else { return }
            try await CLVWriteBack.save(try CLVAnalysis.run(summaries, unit: .week), asOf: asOf, to: store)
        case .clusters:
            guard let data = try? await StoreFeatures.load(store, features: ["rfm_recency", "rfm_frequency", "rfm_monetary"]),
                  data.ids.count >= options.clusters * 2 else { return }
            let analysis = try ClusterAnalysis.run(data, k: options.clusters, log: true, options: KMeans.Options(k: options.clusters, nInit: 4, seed: 1))
            try await ClusterWriteBack.save(analysis, ids: data.ids, data: data, asOf: asOf, to: store)
        case .churn:
            var churn = options.churn
            if churn.asOf == nil { churn.asOf = asOf }
            try await ChurnRun.save(try await ChurnRun.run(store, options: churn), churnEvent: churn.churnEvent, to: store)
        case .support:
            try await SupportPolicyRun.resolve(store, asOf: asOf)
        }
    }

    /// Traits cohorts are also split by, when profiles have them.
    public static let cohortTraits = ["plan", "acquisition_channel", "country"]

    private func step(_ name: String, _ body: () async throws(SegmentaError) -> Void) async -> Step {
        let clock = ContinuousClock.now
        do {
            try await body()
            return Step(name: name, seconds: Self.seconds(since: clock))
        } catch {
            logger.error("recompute step failed", metadata: ["step": .string(name), "error": .string(error.message)])
            return Step(name: name, seconds: Self.seconds(since: clock), error: error.message)
        }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        (ContinuousClock.now - start).inSeconds
    }
}

extension Recompute.Report {
    mutating func merge(_ other: Recompute.Report) {
        steps += other.steps
        refreshes += other.refreshes
        alerts += other.alerts
    }
}
