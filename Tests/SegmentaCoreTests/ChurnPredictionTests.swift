import Foundation
import Testing
import SegmentaCore

/// The churn model: who is an example and how they are labelled (by hand), what a feature reads
/// (by hand), and that a planted effect is found and ranked about as well as the truth ranks it.
@Suite struct ChurnPredictionTests {
    static let cutoff = Timestamp(year: 2026, month: 3, day: 1)
    static let end = cutoff.adding(days: 90)

    static func totals(_ orders: [(String, Timestamp, Double)], before t: Timestamp) -> CustomerTotals {
        CustomerTotals.from(orders.map { Order(id: "\($0.0)-\($0.1.milliseconds)", customerID: $0.0, timestamp: $0.1, amount: $0.2) }, before: t)
    }

    static func purchases(_ orders: [(String, Timestamp, Double)], before t: Timestamp) -> [String: [Timestamp]] {
        var out: [String: [Timestamp]] = [:]
        for o in orders where o.1 < t { out[o.0, default: []].append(o.1) }
        return out
    }

    /// a: two orders, still active at the end → 0 · b: one order 300 days before the cutoff, lost by
    /// the end → 1 · c: a churn event after the cutoff → 1 · d: churned before the cutoff, and f: lost
    /// already → not examples · e: signed up after the cutoff → scored, not an example.
    @Test func examplesAndLabelsByHand() throws {
        let c = Self.cutoff
        let signups = ["a": c.adding(days: -200), "b": c.adding(days: -500), "c": c.adding(days: -100), "d": c.adding(days: -100),
                       "e": c.adding(days: 10), "f": c.adding(days: -800)]
        let orders: [(String, Timestamp, Double)] = [("a", c.adding(days: -150), 30), ("a", c.adding(days: -10), 20), ("b", c.adding(days: -300), 15), ("f", c.adding(days: -400), 9)]
        func snapshot(_ t: Timestamp, churned: Set<String>) -> ChurnSnapshot {
            ChurnSnapshot(asOf: t, signups: signups, totals: Self.totals(orders, before: t), purchases: Self.purchases(orders, before: t),
                          churned: churned, events: [], traits: [:])
        }
        let past = snapshot(c, churned: ["d"]), now = snapshot(Self.end, churned: ["d", "c"])
        let options = LifecycleOptions()
        let pastStages = past.stages(options), nowStages = now.stages(options)
        #expect(pastStages["b"] == .atRisk && pastStages["f"] == .lost && pastStages["a"] == .active && pastStages["c"] == .prospect)
        let (ids, labels) = ChurnPrediction.examples(past: past, pastStages: pastStages, now: now, nowStages: nowStages)
        #expect(ids == ["a", "b", "c"])
        #expect(labels == [0, 1, 1])
        #expect(now.population(nowStages) == ["a", "e"])

        let features = try ChurnFeatures.choose([.orders, .lifecycle], snapshot: past, population: ids)
        let x = try features.matrix(past, ids: ids, stages: pastStages)
        #expect(x.names == ["days_since_signup", "orders", "spend", "days_since_last_order",
                            "lifecycle=prospect", "lifecycle=new", "lifecycle=active", "lifecycle=at_risk"])
        #expect(Array(x.values[0..<8]) == [200, 2, 50, 10, 0, 0, 1, 0])     // a
        #expect(Array(x.values[8..<16]) == [500, 1, 15, 300, 0, 0, 0, 1])   // b
        #expect(Array(x.values[16..<24]) == [100, 0, 0, 100, 1, 0, 0, 0])   // c: no order, days since signup
    }

    @Test func traitsThatRecordChurnAreRefused() {
        let past = ChurnSnapshot(asOf: Self.cutoff, signups: ["a": Self.cutoff.adding(days: -1)], totals: CustomerTotals(), purchases: [:],
                                 churned: [], events: [], traits: ["churned": ["a": "true"]])
        #expect { _ = try ChurnFeatures.choose([.traits], snapshot: past, population: ["a"]) } throws: { e in
            "\(e)".contains("records churn itself")
        }
    }

    @Test func calibrationAndDecilesByHand() {
        let t = Calibration.table(predicted: [0.4, 0.1, 0.3, 0.2], labels: [1, 0, 1, 0], count: 2)
        #expect(t.bins.map(\.rows) == [2, 2])
        #expect(abs(t.bins[0].meanPredicted - 0.15) < 1e-12 && t.bins[0].observed == 0)
        #expect(abs(t.bins[1].meanPredicted - 0.35) < 1e-12 && t.bins[1].observed == 1)
        #expect(abs(t.expectedError - 0.4) < 1e-12)   // (|0.15 − 0| + |0.35 − 1|) / 2
    }

    /// 4,000 people; P(churn) = σ(−1.2 + 1.4·[plan = free] − 0.35·logins in 30 days). The model must
    /// find both effects with their signs, rank the held-out people nearly as well as the true
    /// probabilities rank everyone, and be calibrated.
    @Test func aPlantedEffectIsFound() throws {
        var rng = SplitMix64(seed: 7)
        let n = 4000
        var signups: [String: Timestamp] = [:], plan: [String: String] = [:]
        var loginsPast: [String: Double] = [:], loginsNow: [String: Double] = [:]
        var truth: [Double] = [], outcome: [Double] = []
        var churned: Set<String> = []
        for i in 0..<n {
            let id = "u\(i)"
            signups[id] = Self.cutoff.adding(days: -30 - Int(rng.uniform() * 300))
            plan[id] = rng.chance(0.4) ? "free" : (rng.chance(0.5) ? "pro" : "team")
            let logins = Double(rng.poisson(rng.chance(0.5) ? 2 : 7))
            loginsPast[id] = logins
            loginsNow[id] = Double(rng.poisson(4))
            let z = -1.2 + 1.4 * (plan[id] == "free" ? 1 : 0) - 0.35 * logins
            let p = 1 / (1 + exp(-z))
            truth.append(p)
            let y = rng.chance(p)
            outcome.append(y ? 1 : 0)
            if y { churned.insert(id) }
        }
        let past = ChurnSnapshot(asOf: Self.cutoff, signups: signups, totals: CustomerTotals(), purchases: [:], churned: [],
                                 events: [.init(name: "Logged In", days: 30, counts: loginsPast)], traits: ["plan": plan])
        let now = ChurnSnapshot(asOf: Self.end, signups: signups, totals: CustomerTotals(), purchases: [:], churned: churned,
                                events: [.init(name: "Logged In", days: 30, counts: loginsNow)], traits: ["plan": plan])
        var options = ChurnPrediction.Options()
        options.families = [.events, .traits]
        let r = try ChurnPrediction.run(past: past, now: now, options: options)
        #expect(r.trainingRows == n && r.churners == Int(outcome.reduce(0, +)))
        #expect(r.features.columns.map(\.key).first == "events:Logged In:30")
        #expect(Set(r.features.columns.map(\.key)) == ["events:Logged In:30", "plan=free", "plan=pro", "plan=team"])
        let coefficient = Dictionary(uniqueKeysWithValues: r.drivers.map { ($0.key, $0.coefficient) })
        #expect((coefficient["plan=free"] ?? 0) > 0.3)
        #expect((coefficient["events:Logged In:30"] ?? 0) < -0.3)
        #expect(r.drivers.first?.sentence.hasPrefix("Customers with more Logged In events in the last 30 days are less likely to churn") == true
                || r.drivers.first?.sentence.hasPrefix("Customers whose plan is free are more likely to churn") == true)
        let oracle = try #require(ROC.auc(scores: truth, labels: outcome))
        let auc = try #require(r.holdoutAUC)
        #expect(abs(auc - oracle) < 0.05, "held-out AUC \(auc), the true probabilities' \(oracle)")
        #expect(r.holdoutRows > 800 && r.holdoutRows < 1200)
        #expect(r.calibration.expectedError < 0.06, "calibration error \(r.calibration.expectedError)")
        // Everyone not churned by the end is scored; deciles split them in tenths by rank.
        #expect(r.scores.count == n - churned.count)
        for d in 1...10 { #expect(abs(r.scores.filter { $0.decile == d }.count * 10 - r.scores.count) <= 10) }
        let byDecile = (1...10).map { d in r.scores.filter { $0.decile == d }.map(\.probability) }
        for d in 1..<10 { #expect((byDecile[d - 1].max() ?? 0) <= (byDecile[d].min() ?? 1)) }
    }

    @Test func tooFewChurnersIsSaidPlainly() {
        let signups = Dictionary(uniqueKeysWithValues: (0..<50).map { ("u\($0)", Self.cutoff.adding(days: -10)) })
        let past = ChurnSnapshot(asOf: Self.cutoff, signups: signups, totals: CustomerTotals(), purchases: [:], churned: [], events: [], traits: [:])
        let now = ChurnSnapshot(asOf: Self.end, signups: signups, totals: CustomerTotals(), purchases: [:], churned: ["u1", "u2"], events: [], traits: [:])
        #expect { _ = try ChurnPrediction.run(past: past, now: now, options: ChurnPrediction.Options()) } throws: { e in
            "\(e)".contains("too few outcomes to learn from: of 50 profiles who could churn on 2026-03-01, 2 churned and 48 stayed")
        }
    }
}
