public import SegmentaCore
import PostgresNIO

/// Exposures, conversions and hypothesis outcomes read over events on PostgreSQL (the
/// definitions and first exposures: ExperimentStore+SQL).
extension PostgresBackend {
    /// ``ExperimentStore/exposures`` on PostgreSQL.
    public func exposures(of experiment: String) async throws(SegmentaError) -> [(profile: String, variant: String, at: Timestamp)] {
        try await read { pg in
            try await pg.rows("""
                SELECT profile_id, variant, first_exposed_at FROM experiment_exposures WHERE experiment = \(experiment)
                UNION ALL
                SELECT e.profile_id, min(e.properties ->> 'variation_name'), min(e.timestamp) FROM events e
                WHERE e.type = 'track' AND e.name = 'Experiment Viewed' AND e.properties ->> 'experiment_name' = \(experiment)
                  AND jsonb_typeof(e.properties -> 'variation_name') = 'string'
                  AND NOT EXISTS (SELECT 1 FROM experiment_exposures x WHERE x.experiment = \(experiment) AND x.profile_id = e.profile_id)
                GROUP BY e.profile_id
                """).compactMap { row in
                let (profile, variant, at) = try row.decode((String?, String?, Int64?).self)
                guard let profile, let variant, let at else { return nil }
                return (profile, variant, Timestamp(milliseconds: at))
            }
        }
    }

    /// ``ExperimentStore/converted`` on PostgreSQL.
    public func converted(event: String, exposures: [(profile: String, variant: String, at: Timestamp)], windowDays: Int, asOf: Timestamp) async throws(SegmentaError) -> Set<String> {
        guard !exposures.isEmpty else { return [] }
        let profiles = exposures.map(\.profile), starts = exposures.map(\.at.milliseconds)
        let ends = exposures.map { min($0.at.adding(days: windowDays).milliseconds, asOf.milliseconds) }
        return try await read { pg in
            Set(try await pg.column("""
                SELECT DISTINCT x.p FROM unnest(\(profiles)::text[], \(starts)::bigint[], \(ends)::bigint[]) AS x(p, s, e)
                WHERE EXISTS (SELECT 1 FROM events WHERE profile_id = x.p AND type = 'track' AND name = \(event) AND timestamp >= x.s AND timestamp <= x.e)
                """, as: String.self))
        }
    }

    /// ``ExperimentStore/outcomeValues`` on PostgreSQL.
    public func outcomeValues(_ outcome: Hypothesis.Outcome, signups: [String: Timestamp], asOf: Timestamp) async throws(SegmentaError) -> [String: Double] {
        switch outcome {
        case .churned:
            return try await kpiValues(.churn, asOf: asOf)
        case .retained(let days):
            let last: [String: Int64] = try await read { pg in
                var out: [String: Int64] = [:]
                for row in try await pg.rows("SELECT profile_id, max(timestamp) FROM events WHERE type = 'track' AND timestamp <= \(asOf.milliseconds) GROUP BY profile_id") {
                    let (id, t) = try row.decode((String, Int64).self)
                    out[id] = t
                }
                return out
            }
            var out: [String: Double] = [:]
            for (id, signup) in signups { out[id] = (last[id].map { $0 >= signup.adding(days: days).milliseconds } ?? false) ? 1 : 0 }
            return out
        case .revenue(let days):
            // Summed in SQL per customer: orders in [signup, signup + days), up to asOf.
            let ids = Array(signups.keys), starts = ids.map { signups[$0]?.milliseconds ?? 0 }
            let ends = ids.map { signups[$0]?.adding(days: days).milliseconds ?? 0 }
            var out = signups.mapValues { _ in 0.0 }
            let sums: [(String, Double)] = try await read { pg in
                try await pg.rows("""
                    SELECT s.id, sum(o.amount ORDER BY o.order_id) FROM unnest(\(ids)::text[], \(starts)::bigint[], \(ends)::bigint[]) AS s(id, a, b)
                    JOIN orders o ON o.profile_id = s.id AND o.timestamp >= s.a AND o.timestamp < s.b AND o.timestamp <= \(asOf.milliseconds)
                    GROUP BY s.id
                    """).map { try $0.decode((String, Double).self) }
            }
            for (id, sum) in sums { out[id] = sum }
            return out
        }
    }
}
