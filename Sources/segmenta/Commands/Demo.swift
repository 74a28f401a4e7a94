import ArgumentParser
import Foundation
import SegmentaCore
import SegmentaStore
import SegmentaJobs
import Logging

extension Segmenta {
    /// `segmenta demo`.
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build a sample store (a B2B SaaS + e-commerce company), compute RFM, lifecycle and cohorts, and show what they find.",
            discussion: "Same seed, same data. Running it again on the same store adds nothing (messages are deduplicated); --fresh starts over."
        )

        @Option(help: "Number of customers.") var customers = 5000
        @Option(help: "Random seed.") var seed: UInt64 = 42
        @Option(help: "Relative volume of product events (logins, feature use, workflows); 1 is the default mix.") var activity = 1.0
        @Option(help: ArgumentHelp("The day the history ends (default today, UTC): a server started right after finds the data current.", valueName: "date"))
        var end: String?
        @Flag(help: "Delete the store file first.") var fresh = false
        @Flag(help: "Only generate and store the data; skip the analyses and segments (for benchmarks).") var dataOnly = false
        @OptionGroup var drift: DriftOptions
        @OptionGroup var store: StoreOptions

        func validate() throws {
            guard (1...2_000_000).contains(customers) else { throw ValidationError("--customers must be between 1 and 2,000,000") }
            guard activity > 0 && activity <= 10 else { throw ValidationError("--activity must be more than 0 and at most 10") }
            if let day = try parseAsOf(end, flag: "--end"), day.milliseconds > Timestamp.now.milliseconds + 86_400_000 {
                throw ValidationError("--end \(end ?? "") is in the future; the history must end by today (leave --end out for today)")
            }
        }

        /// The end of the history: --end, or the start of today (UTC).
        func historyEnd() throws -> Timestamp {
            let day = try parseAsOf(end, flag: "--end") ?? Timestamp.now
            return Timestamp(milliseconds: Int64(day.epochDay) * 86_400_000)
        }

        func run() async throws {
            try await reportingErrors {
                let clock = Stopwatch()
                if fresh && store.clickHouseURL != nil {
                    throw CLIError("--fresh cannot clear events kept in ClickHouse: delete the store file and drop the ClickHouse database (DROP DATABASE on every server), then run the demo again")
                }
                if fresh && store.postgresURL != nil {
                    throw CLIError("--fresh deletes a SQLite file; on PostgreSQL, drop and create the database instead (e.g. dropdb and createdb), then run the demo")
                }
                if fresh {
                    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store.path + suffix) }
                }
                let dataEnd = try historyEnd()
                let db = try await store.storage(existing: false)
                Terminal.note("generating \(Fmt.thousands(customers)) customers (seed \(seed)) into \(store.location)…")
                // Customers are independent: generate and store them in chunks, so memory stays flat.
                var applied = MessageImportResult()
                let chunk = 5000
                let progress = ProgressBar(label: "storing", total: customers)
                for lower in stride(from: 0, to: customers, by: chunk) {
                    var messages = DemoGenerator.shifted(DemoGenerator.generate(range: lower..<min(customers, lower + chunk), seed: seed, activity: activity), to: dataEnd)
                    messages.sort { ($0.timestamp ?? dataEnd) < ($1.timestamp ?? dataEnd) }
                    let r = try await db.apply(messages, source: "demo", arrival: dataEnd)
                    applied.accepted += r.accepted
                    applied.duplicates += r.duplicates
                    applied.profilesMerged += r.profilesMerged
                    progress.update(min(customers, lower + chunk))
                }
                progress.finish()
                let data = (end: dataEnd, customers: customers)
                if dataOnly {
                    let counts = try await db.counts()
                    print("\(Fmt.thousands(counts.profiles)) profiles, \(Fmt.thousands(counts.events)) events, \(Fmt.thousands(counts.orders)) orders in \(store.location) (\(Fmt.fixed(clock.seconds, 1)) s)")
                    return
                }
                let counts = try await db.counts()
                print(Terminal.bold("Segmenta demo — \(store.location)") + " — history \(dataEnd.adding(days: -(DemoGenerator.end.epochDay - DemoGenerator.start.epochDay)).dateString) to \(dataEnd.dateString)")
                print("\(Fmt.thousands(counts.profiles)) profiles, \(Fmt.thousands(counts.accounts)) accounts, \(Fmt.thousands(counts.events)) events, \(Fmt.thousands(counts.orders)) orders"
                      + " (\(Fmt.thousands(applied.accepted)) new messages, \(Fmt.thousands(applied.duplicates)) already stored, \(applied.profilesMerged) anonymous visitors merged)")
                print("")

                // RFM three months earlier too, so that migrations have two snapshots to compare.
                let earlier = data.end.adding(days: -92)
                try await RFMWriteBack.save(try RFMScorer.score(try await db.customerTotals(before: earlier), asOf: earlier), options: RFMOptions(), to: db)
                // Every analysis as of the data's end, as the segments' last refresh: one date on every page.
                let totals = try await db.customerTotals(before: data.end)
                let rfm = try RFMScorer.score(totals, asOf: data.end)
                try await RFMWriteBack.save(rfm, options: RFMOptions(), to: db)
                RFMOutput.table(rfm, source: "the demo store")
                print("")

                let life = try await StoreInputs.lifecycle(db, asOf: data.end)
                try await LifecycleWriteBack.save(life.customers, asOf: life.asOf, to: db)
                LifecycleOutput.print(life.customers, asOf: life.asOf, format: .table)
                print("")

                try await Recompute(store: db, options: Recompute.Options(), logger: Logger(label: "segmenta.demo")).analyse(.cohorts, asOf: data.end)   // stored triangles for the dashboard
                let acts = try await db.activity(.event("Logged In"))
                let byChannel = CohortRetention.compute(activity: acts, period: .month, groups: try await db.traitValues("acquisition_channel"))
                print(Terminal.bold("Login retention by acquisition channel: share of each monthly cohort still logging in 1, 3 and 6 months later (pooled)"))
                var t = TextTable(["channel", "customers", "M1", "M3", "M6"], rightAligned: [1, 2, 3, 4])
                for channel in Set(byChannel.compactMap(\.group)).sorted() {
                    let cells = byChannel.filter { $0.group == channel }
                    func pooled(_ k: Int) -> String {
                        let at = cells.filter { $0.period == k }
                        let size = at.reduce(0) { $0 + $1.size }
                        return size == 0 ? "–" : Fmt.percent(Double(at.reduce(0) { $0 + $1.active }) / Double(size))
                    }
                    let n = cells.filter { $0.period == 0 }.reduce(0) { $0 + $1.size }
                    t.add([channel, Fmt.thousands(n), pooled(1), pooled(3), pooled(6)])
                }
                print(t.render())
                print("")

                // Customer value and personas, saved as computed traits segments can use.
                let clv = try CLVAnalysis.run(try await StoreInputs.customerSummaries(db, calibrationEnd: data.end, unit: .week), unit: .week)
                try await CLVWriteBack.save(clv, asOf: data.end, to: db)
                let totalCLV = clv.customers.compactMap(\.clv).reduce(0, +)
                print(Terminal.bold("Customer value (BG/NBD + Gamma-Gamma, 12 months, 1 %/month discount)"))
                print("r = \(Fmt.fixed(clv.bgnbd.r, 3)), α = \(Fmt.fixed(clv.bgnbd.alpha, 2)), a = \(Fmt.fixed(clv.bgnbd.a, 3)), b = \(Fmt.fixed(clv.bgnbd.b, 3)); expected 12-month value of today's buyers: \(Fmt.thousands(Int(totalCLV))) (mean \(Fmt.fixed(totalCLV / Double(max(1, clv.customers.count)), 2)))")
                print("")
                let features = try await StoreFeatures.load(db, features: ["rfm_recency", "rfm_frequency", "rfm_monetary", "clv"])
                let personas = try ClusterAnalysis.run(features, k: 4, log: true, options: KMeans.Options(k: 4, nInit: 4, seed: 1))
                try await ClusterWriteBack.save(personas, ids: features.ids, data: features, asOf: data.end, to: db)
                ClusterOutput.print(personas, data: features, format: .table)
                print("")

                // Who is about to cancel: trained on the quarter before the end, saved as churn_risk.
                var churnOptions = ChurnRun.Options()
                churnOptions.asOf = data.end
                let churn = try await ChurnRun.run(db, options: churnOptions)
                try await ChurnRun.save(churn, churnEvent: churnOptions.churnEvent, to: db)
                ChurnOutput.print(churn, churnEvent: churnOptions.churnEvent, seconds: nil)
                print("")

                // Segments: created once, refreshed monthly over the last six months.
                var demoSegments: [SegmentInfo] = []
                for document in DemoSegments.definitions {
                    let name = document.objectValue?["name"]?.stringValue ?? ""
                    if let stored = try await db.segment(named: name) { demoSegments.append(stored) } else { demoSegments.append(try await db.createSegment(document)) }
                }
                // The first of each of the five months before the end, then the end itself: the last
                // refresh is as of the data's end, as a server started now refreshes it.
                let months = (1...5).reversed().map { k -> Timestamp in
                    let (y, m, d) = CivilCalendar.civilFromDays(data.end.epochDay)
                    let index = y * 12 + (m - 1) - k + (d == 1 ? 0 : 1)
                    return Timestamp(year: index / 12, month: index % 12 + 1, day: 1)
                } + [data.end]
                print(Terminal.bold("Segments refreshed as of the first of five months and the end of the data (events and orders as of each date; traits and computed traits are current values)"))
                var alerts: [SegmentAlert] = []
                var st = TextTable(["segment", "who"] + months.map { $0 == data.end ? $0.dateString : String($0.dateString.prefix(7)) }, rightAligned: Set(2..<(2 + months.count)))
                for segment in demoSegments {
                    let name = segment.name
                    var sizes: [String] = []
                    for m in months {
                        let outcome = try await SegmentRefresh(store: db, drift: drift.options).run(name, asOf: m)
                        if let error = outcome.driftError { throw error }
                        let r = outcome.refresh
                        alerts += outcome.alerts
                        sizes.append(Fmt.thousands(r.snapshot.size))
                    }
                    let who = segment.definition.condition.map(ConditionRenderer.text) ?? ""
                    st.add([name, who.count > 60 ? String(who.prefix(59)) + "…" : who] + sizes)
                }
                print(st.render())
                if !alerts.isEmpty {
                    print("Drift alerts at these refreshes (size outside its usual range, or the mix of members shifted):")
                    for a in alerts.prefix(5) { print("  • " + a.message) }
                    if alerts.count > 5 { print("  … \(alerts.count - 5) more: segmenta segments alerts") }
                }
                print("")
                print(Terminal.bold("Next steps"))
                let dbFlag = store.postgresURL.map { " --store \(PostgresURL.redacted($0))" } ?? store.db.map { " --db \($0)" } ?? ""
                let steps: [(String, String)] = [
                    ("segmenta rfm\(dbFlag) --format csv > rfm.csv", "every customer's R, F, M scores and segment"),
                    ("segmenta cohorts\(dbFlag) --activity \"Logged In\" --by plan", "retention triangle per plan"),
                    ("segmenta cohorts\(dbFlag) --period week", "weekly cohorts of buyers"),
                    ("segmenta lifecycle\(dbFlag) --format csv", "stage of every customer"),
                    ("segmenta segments show pro-frequent-quiet\(dbFlag)", "a segment in words, with its card"),
                    ("segmenta segments members champions\(dbFlag) --traits email,plan,rfm_segment", ""),
                    ("segmenta migrations\(dbFlag) --rfm --from \(earlier.dateString) --to \(data.end.dateString)", "who moved between RFM segments"),
                    ("segmenta compare activated-early\(dbFlag)", "does early activation pay? tests, effects, verdicts"),
                    ("segmenta validate pro-frequent-quiet\(dbFlag)", "distinct, measurable, accessible, substantial, actionable"),
                    ("segmenta clv\(dbFlag)", "BG/NBD + Gamma-Gamma per customer"),
                    ("segmenta predict churn\(dbFlag) --horizon 60d", "the churn model, with its calibration table"),
                    ("segmenta import orders YOUR_ORDERS.csv\(dbFlag)", "then the same on your own data"),
                ]
                let width = steps.map(\.0.count).max() ?? 0
                for (command, comment) in steps {
                    print("  " + command + String(repeating: " ", count: width - command.count) + (comment.isEmpty ? "" : "   # " + comment))
                }
                Terminal.note("done in \(Fmt.fixed(clock.seconds, 1)) s")
            }
        }
    }
}
