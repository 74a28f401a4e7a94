public import SegmentaCore
import GRDB

extension SQLiteStore {
    /// Saves an experiment; its segment must exist.
    public func createExperiment(_ e: Experiment) throws(SegmentaError) {
        try write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM experiments WHERE name = ?", arguments: [e.name]) == true {
                throw SegmentaError(.conflict, "an experiment named \"\(e.name)\" already exists")
            }
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM segments WHERE name = ?", arguments: [e.segment]) == true else {
                throw SegmentaError(.notFound, "no segment named \"\(e.segment)\"; experiments run inside a segment")
            }
            try db.execute(sql: "INSERT INTO experiments (name, definition, created_at) VALUES (?, ?, ?)", arguments: [e.name, e.json.jsonText, clock.now.milliseconds])
        }
    }

    /// One experiment, or nil.
    public func experiment(named name: String) throws(SegmentaError) -> Experiment? {
        guard let text: String = try read({ db in try String.fetchOne(db, sql: "SELECT definition FROM experiments WHERE name = ?", arguments: [name]) }) else { return nil }
        let json: JSONValue
        do throws(JSONTextParser.SyntaxError) { json = try JSONTextParser.parse(text) } catch { throw SegmentaError(.storage, "stored experiment \(name) is not valid JSON") }
        return try Experiment(json: json)
    }

    /// Records that a profile saw a variant (the first exposure is kept).
    public func recordExposure(experiment: String, profile: String, variant: String, at: Timestamp) throws(SegmentaError) {
        try write { db in
            try db.execute(sql: "INSERT INTO experiment_exposures (experiment, profile_id, variant, first_exposed_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                           arguments: [experiment, profile, variant, at.milliseconds])
        }
    }

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
