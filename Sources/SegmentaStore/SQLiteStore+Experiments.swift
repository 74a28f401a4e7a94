public import SegmentaCore
import GRDB

/// The experiment reads over events on SQLite (the definitions and first exposures: ExperimentStore+SQL).
extension SQLiteStore {
    /// Exposures of an experiment: recorded ones, plus Segment-spec "Experiment Viewed" events
    /// (`experiment_name` = the experiment, `variation_name` = the variant) not yet recorded.
    public func exposures(of experiment: String) throws(SegmentaError) -> [(profile: String, variant: String, at: Timestamp)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT profile_id, variant, first_exposed_at FROM experiment_exposures WHERE experiment = ?1
                UNION ALL
                SELECT e.profile_id, json_extract(e.properties, '$.variation_name'), min(e.timestamp) FROM events e
                WHERE e.type = 'track' AND e.name = 'Experiment Viewed' AND json_extract(e.properties, '$.experiment_name') = ?1
                  AND json_type(e.properties, '$.variation_name') = 'text'
                  AND NOT EXISTS (SELECT 1 FROM experiment_exposures x WHERE x.experiment = ?1 AND x.profile_id = e.profile_id)
                GROUP BY e.profile_id
                """, arguments: [experiment]).compactMap { row in
                    // Tolerant of whatever ingestion let in: a row without a text variant is no exposure.
                    guard let profile = row[0] as String?, let variant = row[1] as String?, let at = row[2] as Int64? else { return nil }
                    return (profile, variant, Timestamp(milliseconds: at))
                }
        }
    }

    /// First time each profile did an event at or after a time, within a window.
    public func converted(event: String, exposures: [(profile: String, variant: String, at: Timestamp)], windowDays: Int, asOf: Timestamp) throws(SegmentaError) -> Set<String> {
        try read { db in
            var out: Set<String> = []
            let statement = try db.makeStatement(sql: "SELECT 1 FROM events WHERE profile_id = ? AND type = 'track' AND name = ? AND timestamp >= ? AND timestamp <= ? LIMIT 1")
            for x in exposures {
                let end = min(x.at.adding(days: windowDays).milliseconds, asOf.milliseconds)
                if try Bool.fetchOne(statement, arguments: [x.profile, event, x.at.milliseconds, end]) == true { out.insert(x.profile) }
            }
            return out
        }
    }
}
