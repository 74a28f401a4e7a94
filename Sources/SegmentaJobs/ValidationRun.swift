public import SegmentaCore
public import SegmentaStore

/// One validation of a segment: gathers the inputs from the store, judges, and records the run.
public enum ValidationRun {
    /// Validates `info` now and records the run; returns the criteria, the JSON report and the member count.
    public static func run(_ db: some Storage, info: SegmentInfo, thresholds: SegmentValidation.Thresholds) async throws(SegmentaError) -> ([SegmentValidation.Criterion], JSONValue, Int) {
        let name = info.name
        let now = Timestamp.now
        let members = Set(try await db.members(of: name))
        let everyone = Set(try await db.profileIDs())
        var input: [(KPI, [Double], [Double])] = []
        for k in KPI.defaults {
            let v = try await db.kpiValues(k, asOf: now)
            input.append((k, members.compactMap { v[$0] }, everyone.subtracting(members).compactMap { v[$0] }))
        }
        let comparison = SegmentComparison.compare(input, names: (name, "the rest"))
        var overlaps: [String: Double] = [:]
        for other in try await db.segments() where other.name != name && other.lastRefreshAt != nil {
            let o = Set(try await db.members(of: other.name))
            let union = members.union(o).count
            if union > 0 { overlaps[other.name] = Double(members.intersection(o).count) / Double(union) }
        }
        var present: [String: Double] = [:]
        for t in info.definition.condition?.traitReferences ?? [] where t.source != .accountTrait {
            let have = t.source == .computed ? try await db.computedTraitValues(t.path) : try await db.traitValues(t.path)
            present[(t.source == .computed ? "computed." : "") + t.path] = members.isEmpty ? 0 : Double(members.filter { have[$0] != nil }.count) / Double(members.count)
        }
        let consent = try await db.traitValues(ConsentRule.marketingTrait), email = try await db.traitValues("email"), phone = try await db.traitValues("phone")
        let reachable = members.filter { !ConsentRule.deniesMarketing(consent[$0]) && (email[$0] != nil || phone[$0] != nil) }.count
        let inputs = SegmentValidation.Inputs(
            name: name, size: members.count, population: everyone.count, comparison: comparison, overlaps: overlaps, dataPresent: present,
            daysSinceRefresh: info.lastRefreshAt.map { Double(now.milliseconds - $0.milliseconds) / 86_400_000 },
            reachable: members.isEmpty ? 0 : Double(reachable) / Double(members.count), card: info.definition.card)
        let criteria = SegmentValidation.evaluate(inputs, thresholds: thresholds)
        let report: JSONValue = .object([
            "segment": .string(name), "size": .number(Double(members.count)),
            "criteria": .array(criteria.map { .object(["name": .string($0.name), "status": .string($0.status.rawValue), "reason": .string($0.reason)]) }),
            "overlaps": .object(overlaps.mapValues(JSONValue.number)),
        ])
        try await db.recordAnalysis(kind: "validation", asOf: now, parameters: .object(["subject": .string(name)]), summary: report, values: [], at: now)
        return (criteria, report, members.count)
    }
}
