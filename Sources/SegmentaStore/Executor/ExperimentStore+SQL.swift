public import SegmentaCore

/// Experiments and hypotheses as stored definitions, and first exposures, written once for every
/// SQL backend (``SQLExecutor``). The reads that count exposures, conversions and outcomes over
/// events stay with each backend (JSON paths and array arguments differ).
extension ExperimentStore where Self: SQLExecutor {
    /// Saves an experiment; its segment must exist.
    public func createExperiment(_ e: Experiment) async throws(SegmentaError) {
        let now = clock.now.milliseconds
        try await transaction { s throws(SegmentaError) in
            guard try await s.rows("SELECT 1 FROM experiments WHERE name = \(e.name)").isEmpty else {
                throw SegmentaError(.conflict, "an experiment named \"\(e.name)\" already exists")
            }
            guard try await !s.rows("SELECT 1 FROM segments WHERE name = \(e.segment)").isEmpty else {
                throw SegmentaError(.notFound, "no segment named \"\(e.segment)\"; experiments run inside a segment")
            }
            try await s.execute("INSERT INTO experiments (name, definition, created_at) VALUES (\(e.name), \(e.json.jsonText), \(now))")
        }
    }

    /// One experiment, or nil.
    public func experiment(named name: String) async throws(SegmentaError) -> Experiment? {
        guard let row = try await rows("SELECT definition FROM experiments WHERE name = \(name)").first else { return nil }
        let text = try row.text(0)
        let json: JSONValue
        do throws(JSONTextParser.SyntaxError) { json = try JSONTextParser.parse(text) } catch { throw SegmentaError(.storage, "stored experiment \(name) is not valid JSON") }
        return try Experiment(json: json)
    }

    /// Records that a profile saw a variant (the first exposure is kept).
    public func recordExposure(experiment: String, profile: String, variant: String, at: Timestamp) async throws(SegmentaError) {
        try await execute("""
            INSERT INTO experiment_exposures (experiment, profile_id, variant, first_exposed_at) VALUES (\(experiment), \(profile), \(variant), \(at.milliseconds))
            ON CONFLICT DO NOTHING
            """)
    }

    /// Saves a hypothesis (its name must be new; its segment, if it names one, must exist).
    public func createHypothesis(_ h: Hypothesis) async throws(SegmentaError) {
        guard SegmentDefinition.isValidName(h.name) else { throw SegmentaError(.invalidInput, "\"\(h.name)\" is not a valid name; use 1–64 letters, digits, -, _ or .") }
        let now = clock.now.milliseconds
        try await transaction { s throws(SegmentaError) in
            guard try await s.rows("SELECT 1 FROM hypotheses WHERE name = \(h.name)").isEmpty else {
                throw SegmentaError(.conflict, "a hypothesis named \"\(h.name)\" already exists")
            }
            if let segment = h.segment, try await s.rows("SELECT 1 FROM segments WHERE name = \(segment)").isEmpty {
                throw SegmentaError(.notFound, "no segment named \"\(segment)\"")
            }
            try await s.execute("INSERT INTO hypotheses (name, definition, created_at) VALUES (\(h.name), \(h.json.jsonText), \(now))")
        }
    }

    /// All hypotheses, by name.
    public func hypotheses() async throws(SegmentaError) -> [Hypothesis] {
        try Hypothesis.stored(try await rows("SELECT definition FROM hypotheses ORDER BY name").map { r throws(SegmentaError) in try r.text(0) })
    }
}
