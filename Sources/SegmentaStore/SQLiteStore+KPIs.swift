public import SegmentaCore
import GRDB

extension SQLiteStore {
    /// Each profile's value of a KPI as of a time: numbers for means, 0/1 for shares. Profiles
    /// to which the KPI does not apply (no orders for AOV, no NPS answer…) are absent.
    public func kpiValues(_ kpi: KPI, asOf: Timestamp) throws(SegmentaError) -> [String: Double] {
        let at = asOf.milliseconds
        return try read { db in
            func all(_ value: Double) throws -> [String: Double] {
                var out: [String: Double] = [:]
                for id in try String.fetchAll(db, sql: "SELECT id FROM profiles") { out[id] = value }
                return out
            }
            func fill(_ base: inout [String: Double], _ sql: String, _ arguments: StatementArguments) throws {
                for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                    if let v = row[1] as Double? { base[row[0]] = v }
                }
            }
            var out: [String: Double]
            switch kpi {
            case .revenue:
                out = try all(0)
                try fill(&out, "SELECT profile_id, total(amount) FROM orders WHERE timestamp <= ? GROUP BY profile_id", [at])
            case .orders:
                out = try all(0)
                try fill(&out, "SELECT profile_id, count(*) FROM orders WHERE timestamp <= ? GROUP BY profile_id", [at])
            case .averageOrderValue:
                out = [:]
                try fill(&out, "SELECT profile_id, avg(amount) FROM orders WHERE timestamp <= ? GROUP BY profile_id", [at])
            case .mrr:
                out = [:]
                try fill(&out, """
                    SELECT e.profile_id, json_extract(e.properties, '$.mrr') FROM events e
                    WHERE e.type = 'track' AND e.name = 'Invoice Paid' AND e.timestamp <= ?1 AND e.timestamp >= ?2
                      AND json_type(e.properties, '$.mrr') IN ('integer', 'real')
                      AND e.timestamp = (SELECT max(x.timestamp) FROM events x WHERE x.profile_id = e.profile_id AND x.type = 'track'
                                         AND x.name = 'Invoice Paid' AND x.timestamp <= ?1 AND x.timestamp >= ?2)
                    """, [at, asOf.adding(days: -31).milliseconds])
            case .churn:
                out = try all(0)
                try fill(&out, """
                    SELECT p.id, 1.0 FROM profiles p WHERE json_type(p.traits, '$.churned') = 'true'
                       OR EXISTS (SELECT 1 FROM computed_values c WHERE c.grp = 'lifecycle' AND c.profile_id = p.id AND c.traits ->> '$.lifecycle' = 'lost')
                    """, [])
            case .active(let days):
                out = try all(0)
                try fill(&out, "SELECT DISTINCT profile_id, 1.0 FROM events WHERE type = 'track' AND timestamp <= ? AND timestamp >= ?",
                         [at, asOf.adding(days: -days).milliseconds])
            case .adoption(let event, let days):
                out = try all(0)
                try fill(&out, "SELECT DISTINCT profile_id, 1.0 FROM events WHERE type = 'track' AND name = ? AND timestamp <= ? AND timestamp >= ?",
                         [event, at, asOf.adding(days: -days).milliseconds])
            case .nps:
                out = [:]
                try fill(&out, "SELECT id, json_extract(traits, '$.nps') FROM profiles WHERE json_type(traits, '$.nps') IN ('integer', 'real')", [])
            case .csat:
                out = [:]
                try fill(&out, """
                    SELECT profile_id, avg(json_extract(properties, '$.score')) FROM events
                    WHERE type = 'track' AND name = 'CSAT Submitted' AND timestamp <= ? AND json_type(properties, '$.score') IN ('integer', 'real')
                    GROUP BY profile_id
                    """, [at])
            }
            return out
        }
    }
}
