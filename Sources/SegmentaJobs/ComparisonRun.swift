public import SegmentaCore
public import SegmentaStore

/// A comparison of segments KPI by KPI: gathers the KPI values from the store, splits the
/// profiles into the groups compared, and runs the tests (shared by `segmenta compare` and the API).
public enum ComparisonRun {
    /// One comparison: two groups and a row per KPI.
    public struct Report: Sendable {
        /// The first group's name and size.
        public var nameA: String, sizeA: Int
        /// The second group's name and size.
        public var nameB: String, sizeB: Int
        /// One row per KPI.
        public var rows: [SegmentComparison.Row]

        /// The documented JSON form: `{"a":{"name","size"},"b":{…},"kpis":[…]}`.
        public var json: JSONValue {
            .object([
                "a": .object(["name": .string(nameA), "size": .number(Double(sizeA))]),
                "b": .object(["name": .string(nameB), "size": .number(Double(sizeB))]),
                "kpis": .array(rows.map { r in
                    func n(_ v: Double) -> JSONValue { v.isFinite ? .number(v) : .null }
                    return .object(["kpi": .string(r.kpi.key), "a": n(r.a), "b": n(r.b), "difference": n(r.difference),
                                    "effect_size": n(r.effectSize), "ci": .array([n(r.ci.low), n(r.ci.high)]), "test": .string(r.test),
                                    "p_value": n(r.pValue), "p_adjusted": n(r.pAdjusted), "verdict": .string(r.verdict),
                                    "n_a": .number(Double(r.nA)), "n_b": .number(Double(r.nB))])
                }),
            ])
        }
    }

    /// Most distinct values of a trait `by` compares (each is a test per KPI).
    public static let maxGroups = 50
    /// Most KPIs in one comparison.
    public static let maxKPIs = 20

    /// Compares segment `a` with `b` (default: everyone not in `a`), or, with `by`, each value of
    /// a trait with the rest (p-values then adjusted across all of them).
    public static func run(_ db: some Storage, a: String?, b: String?, by: String?, kpis requested: [KPI] = KPI.defaults, asOf: Timestamp) async throws(SegmentaError) -> [Report] {
        let kpis = requested.withoutRepeats()   // a KPI named twice is compared once
        guard !kpis.isEmpty, kpis.count <= maxKPIs else { throw SegmentaError(.invalidInput, "name 1 to \(maxKPIs) KPIs (got \(kpis.count))") }
        var values: [KPI: [String: Double]] = [:]
        for k in kpis { values[k] = try await db.kpiValues(k, asOf: asOf) }
        let everyone = Set(try await db.profileIDs())
        var groups: [(String, Set<String>, String, Set<String>)] = []
        if let by {
            let traits = try await db.traitValues(by)
            guard !traits.isEmpty else { throw SegmentaError(.invalidInput, "no profile has the trait \"\(by)\"") }
            var byValue: [String: Set<String>] = [:]
            for (profile, value) in traits {
                if byValue[value] == nil, byValue.count == maxGroups {
                    throw SegmentaError(.invalidInput, "\(by) has more than \(maxGroups) distinct values; compare by a trait with fewer values (plan, country, role…), or build segments and compare them")
                }
                byValue[value, default: []].insert(profile)
            }
            for (value, members) in byValue.sorted(by: { $0.key < $1.key }) {
                groups.append(("\(by) = \(value)", members, "the rest", everyone.subtracting(members)))
            }
        } else if let a {
            for name in [a] + (b.map { [$0] } ?? []) {
                guard let info = try await db.segment(named: name) else { throw SegmentaError(.notFound, "no segment named \"\(name)\"") }
                guard info.lastRefreshAt != nil else { throw SegmentaError(.conflict, "\(name) has never been refreshed; refresh it first (`segmenta segments refresh \(name)`)") }
            }
            let first = Set(try await db.members(of: a))
            var second = everyone.subtracting(first)
            if let b { second = Set(try await db.members(of: b)) }
            groups.append((a, first, b ?? "the rest", second))
        } else {
            throw SegmentaError(.invalidInput, "name a segment to compare (a), or a trait to compare by (by)")
        }
        var computed: [[SegmentComparison.Row]] = groups.map { nameA, setA, nameB, setB in
            let input = kpis.map { k in
                let v = values[k] ?? [:]
                // In profile order: a Set's order changes with each process's hash seed, and the
                // bootstrap intervals resample by position (same store, same seed, same interval).
                return (k, setA.sorted().compactMap { v[$0] }, setB.sorted().compactMap { v[$0] })
            }
            return SegmentComparison.compare(input, names: (nameA, nameB))
        }
        if groups.count > 1 {
            // Every value of the trait is a comparison of its own: adjust across all of them.
            computed = SegmentComparison.adjustJointly(computed, names: groups.map { ($0.0, $0.2) })
        }
        return zip(groups, computed).map { g, rows in Report(nameA: g.0, sizeA: g.1.count, nameB: g.2, sizeB: g.3.count, rows: rows) }
    }
}
