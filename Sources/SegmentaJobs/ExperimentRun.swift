public import SegmentaCore
public import SegmentaStore

/// Assignment and results of an experiment (shared by `segmenta experiment` and the API).
public enum ExperimentRun {
    /// The variant of the person known by `user`, recorded as an exposure; stable for a profile.
    /// - Throws: `notFound` for an unknown experiment; `conflict` when the person is not in its segment.
    public static func assign(_ db: some Storage, experiment name: String, user: String) async throws(SegmentaError) -> (experiment: Experiment, profile: String, variant: String) {
        guard let e = try await db.experiment(named: name) else { throw SegmentaError(.notFound, "no experiment named \"\(name)\"") }
        let profile = try await db.profileID(forExternalID: user) ?? user
        guard try await db.members(of: e.segment).contains(profile) else {
            throw SegmentaError(.conflict, "\(user) is not in segment \(e.segment), so not in the experiment")
        }
        let variant = e.variant(for: profile)
        try await db.recordExposure(experiment: name, profile: profile, variant: variant, at: .now)
        return (e, profile, variant)
    }

    /// Conversion per variant, lift, SRM check, and the breakdown by every other refreshed segment (≥ 20 exposed).
    public static func results(_ db: some Storage, experiment name: String, asOf when: Timestamp) async throws(SegmentaError)
        -> (experiment: Experiment, results: Experiment.Results, breakdown: [(String, Experiment.Results)], json: JSONValue) {
        guard let e = try await db.experiment(named: name) else { throw SegmentaError(.notFound, "no experiment named \"\(name)\"") }
        let exposures = try await db.exposures(of: name).filter { $0.at <= when }
        let converted = try await db.converted(event: e.goal, exposures: exposures, windowDays: e.windowDays, asOf: when)
        let results = e.results(exposures.map { ($0.variant, converted.contains($0.profile)) })
        var breakdown: [(String, Experiment.Results)] = []
        for s in try await db.segments() where s.name != e.segment && s.lastRefreshAt != nil {
            let members = Set(try await db.members(of: s.name))
            let inside = exposures.filter { members.contains($0.profile) }
            if inside.count >= 20 { breakdown.append((s.name, e.results(inside.map { ($0.variant, converted.contains($0.profile)) }))) }
        }
        func n(_ v: Double?) -> JSONValue { v.flatMap { $0.isFinite ? JSONValue.number($0) : nil } ?? .null }
        func rows(_ r: Experiment.Results) -> JSONValue {
            .array(r.variants.map { v in .object(["variant": .string(v.variant), "exposed": .number(Double(v.exposed)), "converted": .number(Double(v.converted)),
                                                  "rate": n(v.rate), "lift": n(v.lift), "ci": .array([n(v.liftLow), n(v.liftHigh)]), "p_value": n(v.pValue)]) })
        }
        let json: JSONValue = .object(["experiment": e.json, "variants": rows(results), "srm_p_value": n(results.sampleRatioPValue),
                                       "sample_ratio_mismatch": .bool(results.sampleRatioMismatch),
                                       "by_segment": .object(Dictionary(breakdown.map { ($0.0, rows($0.1)) }, uniquingKeysWith: { a, _ in a }))])
        return (e, results, breakdown, json)
    }
}
