public import SegmentaCore
import PostgresNIO

/// Analyses on PostgreSQL: computed traits (one `jsonb` object per profile and group), runs, and
/// the per-profile values kept with a run.
extension PostgresBackend {
    /// ``AnalysisStore/replaceComputedTraits`` on PostgreSQL.
    public func replaceComputedTraits(_ rows: ComputedTraitRows, computedAt: Timestamp) async throws(SegmentaError) {
        var byGroup: [String: [Int]] = [:]
        for (i, name) in rows.names.enumerated() { byGroup[ComputedTraitLayout.group(of: name), default: []].append(i) }
        let order = rows.ids.indices.sorted { rows.ids[$0] < rows.ids[$1] }
        let keys = ComputedTraitLayout.keys(rows.names)
        try await write { pg in
            for (grp, columns) in byGroup.sorted(by: { $0.key < $1.key }) {
                let replaced = Set(columns.map { rows.names[$0] })
                let stored = try await pg.column("SELECT name FROM computed_trait_names WHERE grp = \(grp)", as: String.self)
                // Traits of the group that stay (rare: analyses write whole groups), read back first.
                var kept: [String: [String: JSONValue]] = [:]
                if !Set(stored).isSubset(of: replaced) {
                    for row in try await pg.rows("SELECT profile_id, traits::text FROM computed_values WHERE grp = \(grp)") {
                        let (id, text) = try row.decode((String, String).self)
                        guard case .object(var o) = try JSONTextParser.parse(text) else { continue }
                        for n in replaced { o[n] = nil }
                        if !o.isEmpty { kept[id] = o }
                    }
                }
                try await pg.execute("DELETE FROM computed_values WHERE grp = \(grp)")
                let objects = ComputedTraitLayout.objects(rows, order: order, columns: columns, keys: keys, kept: kept)
                for start in stride(from: 0, to: objects.count, by: Self.chunk) {
                    let part = objects[start..<min(start + Self.chunk, objects.count)]
                    try await pg.execute("""
                        INSERT INTO computed_values (grp, profile_id, traits, computed_at)
                        SELECT \(grp), u.id, u.t::jsonb, \(computedAt.milliseconds) FROM unnest(\(part.map(\.profile))::text[], \(part.map(\.text))::text[]) AS u(id, t)
                        ON CONFLICT (grp, profile_id) DO NOTHING
                        """)
                }
                for c in columns {
                    try await pg.execute("INSERT INTO computed_trait_names (name, grp) VALUES (\(rows.names[c]), \(grp)) ON CONFLICT (name) DO NOTHING")
                }
            }
        }
    }

    /// ``AnalysisStore/computedTraitValues`` on PostgreSQL.
    public func computedTraitValues(_ name: String) async throws(SegmentaError) -> [String: String] {
        try await computedTraitValues(name, members: nil)
    }

    /// ``SegmentStore/memberValues(of:trait:computed:)`` on PostgreSQL.
    public func memberValues(of segment: String, trait name: String, computed: Bool) async throws(SegmentaError) -> [String: String] {
        computed ? try await computedTraitValues(name, members: segment) : try await traitValues(name, members: segment)
    }

    /// Each profile's value of a computed trait, as text; with `segment`, its current members only.
    func computedTraitValues(_ name: String, members segment: String?) async throws(SegmentaError) -> [String: String] {
        try await read { pg in
            var out: [String: String] = [:]
            for row in try await pg.rows("""
                SELECT c.profile_id, (c.traits -> \(name))::text FROM computed_values c WHERE c.grp = \(ComputedTraitLayout.group(of: name)) AND c.traits -> \(name) IS NOT NULL
                  AND (\(segment)::text IS NULL OR EXISTS (SELECT 1 FROM segment_membership m WHERE m.profile_id = c.profile_id AND m.segment = \(segment) AND m.exited_snapshot IS NULL))
                """) {
                let (id, text) = try row.decode((String, String).self)
                let v = try JSONTextParser.parse(text)
                out[id] = v.stringValue ?? v.jsonText
            }
            return out
        }
    }

    /// ``AnalysisStore/recordAnalysis`` on PostgreSQL.
    public func recordAnalysis(kind: String, asOf: Timestamp, parameters: JSONValue, summary: JSONValue, values: [(profile: String, value: String)],
                               at time: Timestamp) async throws(SegmentaError) {
        let valuesText = values.isEmpty ? nil : Transitions.objectText(values)
        try await write { pg in
            let run = try await pg.value("""
                INSERT INTO analysis_runs (kind, as_of, parameters, summary, created_at)
                VALUES (\(kind), \(asOf.milliseconds), \(parameters.jsonText)::jsonb, \(summary.jsonText), \(time.milliseconds)) RETURNING id
                """, as: Int64.self)
            if let valuesText, let run {
                try await pg.execute("INSERT INTO analysis_run_values (run_id, profile_values) VALUES (\(run), \(valuesText))")
            }
        }
    }

    /// ``AnalysisStore/latestAnalysisRun`` on PostgreSQL.
    public func latestAnalysisRun(kind: String, parameters: JSONValue?) async throws(SegmentaError) -> (run: AnalysisRun, createdAt: Timestamp)? {
        try await read { pg in
            guard let row = try await pg.rows("""
                SELECT as_of, parameters::text, summary, created_at FROM analysis_runs
                WHERE kind = \(kind) AND (\(parameters?.jsonText)::jsonb IS NULL OR parameters = \(parameters?.jsonText)::jsonb) ORDER BY id DESC LIMIT 1
                """).first else { return nil }
            let (asOf, p, s, created) = try row.decode((Int64, String, String, Int64).self)
            return (AnalysisRun(asOf: Timestamp(milliseconds: asOf), parameters: try JSONTextParser.parse(p), summary: try JSONTextParser.parse(s)),
                    Timestamp(milliseconds: created))
        }
    }

    /// ``AnalysisStore/transitions`` on PostgreSQL.
    public func transitions(kind: String, from: Timestamp, to: Timestamp) async throws(SegmentaError) -> [(from: String, to: String, count: Int)] {
        try await read { pg in
            func run(_ t: Timestamp) async throws -> Int64? {
                try await pg.value("SELECT id FROM analysis_runs WHERE kind = \(kind) AND as_of = \(t.milliseconds) ORDER BY id DESC LIMIT 1", as: Int64.self)
            }
            guard let a = try await run(from), let b = try await run(to) else { return [] }
            return Transitions.count(from: try await Self.runValues(pg, run: a), to: try await Self.runValues(pg, run: b))
        }
    }

    /// ``AnalysisStore/sortedAnalysisValues`` on PostgreSQL.
    public func sortedAnalysisValues(kind: String, asOf: Timestamp) async throws(SegmentaError) -> [(profile: String, value: String)]? {
        try await read { pg in
            guard let run = try await pg.value("""
                SELECT id FROM analysis_runs WHERE kind = \(kind) AND as_of <= \(asOf.milliseconds) ORDER BY as_of DESC, id DESC LIMIT 1
                """, as: Int64.self) else { return nil }
            return try await Self.runValues(pg, run: run)
        }
    }

    /// The per-profile values kept with one run, sorted by profile (empty when it kept none).
    static func runValues(_ pg: PG, run: Int64) async throws -> [(profile: String, value: String)] {
        guard let text = try await pg.value("SELECT profile_values FROM analysis_run_values WHERE run_id = \(run)", as: String.self) else { return [] }
        let object = try JSONTextParser.parseObject(text)
        return Transitions.sortedUnique(object.compactMap { key, value in value.stringValue.map { (key, $0) } })
    }
}
