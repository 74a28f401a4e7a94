import Foundation
import Testing
import SegmentaCore

/// Drift alerts: quiet on noise, loud on a real shift, and worded from numbers worked out by hand.
@Suite struct DriftDetectorTests {
    /// Sizes 100, 102, 98, 101, 99: mean 100, standard deviation 1.58 — below the count noise
    /// √100 = 10, which sets the limits: 70–130.
    @Test func sizeLimitsByHand() throws {
        let history = [100, 102, 98, 101, 99]
        #expect(DriftDetector.size(segment: "pros", current: 125, history: history, days: 7) == nil)
        #expect(DriftDetector.size(segment: "pros", current: 71, history: history, days: 7) == nil)
        let f = try #require(DriftDetector.size(segment: "pros", current: 131, history: history, days: 7))
        #expect(f.message == "pros grew 31% in a week: 131 members against 99 at the previous refresh and a usual range of 70–130 over the last 5 refreshes.")
        #expect(f.details.objectValue?["sd"] == .number(10))
        // Limits that are not whole: 5, 5, 6, 4, 5, 6 have mean 5.17 and count noise √5.17 = 2.27,
        // so the upper limit is 11.99: 12 members is outside, and the range says 0–11 (not 0–12).
        let small = try #require(DriftDetector.size(segment: "quiet", current: 12, history: [5, 5, 6, 4, 5, 6], days: 7))
        #expect(small.message.hasSuffix("12 members against 6 at the previous refresh and a usual range of 0–11 over the last 6 refreshes."))
        // Too little history says nothing.
        #expect(DriftDetector.size(segment: "pros", current: 500, history: [100, 100, 100], days: 1) == nil)
        // A big segment: 3σ of its own sizes, and at least 5 %.
        let big = [10_000, 10_400, 9_600, 10_200, 9_800]
        #expect(DriftDetector.size(segment: "all", current: 9_100, history: big, days: 1) == nil)   // sd 316 → limits 9,051–10,949
        #expect(DriftDetector.size(segment: "all", current: 8_200, history: big, days: 1)?.message.hasPrefix("all shrank 18% in a day") == true)
    }

    /// The mix: 400 pro / 600 free before; 250 / 750 after. χ² = 51.6 on 1 df (hand: expected 325 /
    /// 675 each row); the share of pro fell from 40% to 25%.
    @Test func mixShiftByHand() throws {
        let before = ["pro": 400, "free": 600], after = ["pro": 250, "free": 750]
        let findings = DriftDetector.mix(segment: "active", [DriftDetector.Mix(trait: "plan", label: "plan", before: before, after: after)])
        let f = try #require(findings.first)
        #expect(f.message == "In active, the share of plan = pro fell from 40% to 25% since the previous refresh (χ² test, Holm-adjusted p < 0.001).")
        let chi = 2 * (75.0 * 75 / 325 + 75.0 * 75 / 675)
        #expect(abs(Distributions.chiSquareSurvival(chi, df: 1) - (f.details.objectValue?["p"]?.numberValue ?? 1)) < 1e-12)
        // The same shift on 40 members is not significant; a significant but tiny shift is not reported.
        #expect(DriftDetector.mix(segment: "a", [.init(trait: "plan", label: "plan", before: ["pro": 16, "free": 24], after: ["pro": 10, "free": 30])]).isEmpty)
        #expect(DriftDetector.mix(segment: "a", [.init(trait: "plan", label: "plan", before: ["pro": 400_000, "free": 600_000],
                                                       after: ["pro": 390_000, "free": 610_000])]).isEmpty)
    }

    /// A segment of a fifth of 5,000 people that renews itself at a steady pace (each refresh, 5 % of
    /// members leave and 1.25 % of the others come in: the same size and mix on average, as a stable
    /// segment does) raises no alert in 100 refreshes; one refresh where half the pro members
    /// leave raises both kinds.
    @Test func quietOnNoiseLoudOnAShift() throws {
        var rng = SplitMix64(seed: 11)
        let plans = (0..<5000).map { _ in rng.chance(0.4) ? "pro" : (rng.chance(0.5) ? "free" : "team") }
        let countries = (0..<5000).map { _ in ["FR", "DE", "US", "GB", "ES", "IT", "NL", "BE", "CH", "CA"][Int(rng.uniform() * 10)] }
        var members = Set((0..<5000).filter { _ in rng.chance(0.2) })
        func step(dropPro: Double = 0) {
            for i in 0..<5000 {
                if members.contains(i) {
                    if rng.chance(0.05) || (plans[i] == "pro" && rng.chance(dropPro)) { members.remove(i) }
                } else if rng.chance(0.0125) {
                    members.insert(i)
                }
            }
        }
        func mixes(_ before: Set<Int>, _ after: Set<Int>) -> [DriftDetector.Mix] {
            func counts(_ ids: Set<Int>, _ values: [String]) -> [String: Int] {
                var c: [String: Int] = [:]
                for i in ids { c[values[i], default: 0] += 1 }
                return c
            }
            return [.init(trait: "plan", label: "plan", before: counts(before, plans), after: counts(after, plans)),
                    .init(trait: "country", label: "country", before: counts(before, countries), after: counts(after, countries))]
        }
        var sizes = [members.count]
        var alarms: [String] = []
        for _ in 0..<100 {
            let before = members
            step()
            if let f = DriftDetector.size(segment: "s", current: members.count, history: sizes, days: 1) { alarms.append(f.message) }
            alarms += DriftDetector.mix(segment: "s", mixes(before, members)).map(\.message)
            sizes.append(members.count)
        }
        #expect(alarms.isEmpty, "\(alarms)")
        let before = members
        step(dropPro: 0.5)
        let size = try #require(DriftDetector.size(segment: "s", current: members.count, history: sizes, days: 1))
        #expect(size.message.hasPrefix("s shrank"))
        let mix = DriftDetector.mix(segment: "s", mixes(before, members))
        #expect(mix.map(\.trait) == ["plan"])
        #expect(mix.first?.message.contains("the share of plan = pro fell from") == true)
    }
}
