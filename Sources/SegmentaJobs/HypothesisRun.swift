public import SegmentaCore
public import SegmentaStore

/// One test of a saved hypothesis: exposed vs not among customers old enough to be judged,
/// recorded as a run so the hypothesis can be re-tested as data grows.
public enum HypothesisRun {
    /// Tests `h` as of `asOf`, records the run, and returns the result, its JSON report and the wait (days).
    public static func test(_ db: some Storage, _ h: Hypothesis, asOf now: Timestamp) async throws(SegmentaError) -> (result: Hypothesis.Result, report: JSONValue, wait: Int) {
        let signups = try await db.signupTimes()
        let wait = max(h.withinDays, h.outcome.horizon)
        var eligible = Set(signups.filter { $0.value <= now.adding(days: -wait) }.keys)
        if let s = h.segment { eligible.formIntersection(try await db.members(of: s)) }
        let exposed = Set(try await db.matchingProfiles(h.exposure, asOf: now)).intersection(eligible)
        let values = try await db.outcomeValues(h.outcome, signups: signups, asOf: now)
        let result = h.test(exposed: exposed.compactMap { values[$0] }, unexposed: eligible.subtracting(exposed).compactMap { values[$0] })
        let r = result.comparison
        func n(_ v: Double) -> JSONValue { v.isFinite ? .number(v) : .null }
        let report: JSONValue = .object([
            "hypothesis": h.json, "as_of": .string(now.iso8601), "exposed": .number(Double(result.exposed)), "unexposed": .number(Double(result.unexposed)),
            "exposed_value": n(r.a), "unexposed_value": n(r.b), "difference": n(r.difference), "effect_size": n(r.effectSize),
            "ci": .array([n(r.ci.low), n(r.ci.high)]), "test": .string(r.test), "p_value": n(r.pValue), "verdict": .string(r.verdict),
            "warning": .string(result.warning),
        ])
        try await db.recordAnalysis(kind: "hypothesis", asOf: now, parameters: .object(["subject": .string(h.name)]), summary: report, values: [], at: .now)
        return (result, report, wait)
    }
}
