import SegmentaCore
import GRDB

/// How computed traits are kept: one JSON object per profile and *group* (the analysis that writes
/// them together: `rfm`, `lifecycle`, `clv`, `clusters`; any other name is a group of its own),
/// in `computed_values (grp, profile_id) → traits`. Saving an analysis for a million profiles is
/// then a range delete and a million sequential inserts, not one row per profile and trait; a
/// condition reads one trait with `json_extract` on the profile's row of that trait's group.
/// `computed_trait_names` lists the names analyses have written, with their group.
package enum ComputedTraitLayout {
    /// Groups of the traits Segmenta's analyses write; a name not listed here is its own group.
    package static let groups: [String: String] = {
        var g: [String: String] = [:]
        for n in Condition.builtInComputedTraits {
            switch n {
            case _ where n.hasPrefix("rfm_"): g[n] = "rfm"
            case "clv", "p_alive", "expected_purchases": g[n] = "clv"
            case "cluster", "persona": g[n] = "clusters"
            default: g[n] = n
            }
        }
        return g
    }()

    /// The group a computed trait is kept in.
    package static func group(of name: String) -> String { groups[name] ?? name }

    /// The JSON path of a trait in its group's object (the whole name is one key, dots included).
    static func path(of name: String) -> String {
        var quoted = ""
        JSONValue.writeString(name, to: &quoted)
        return "$." + quoted
    }

    /// SQL that groups the names of the old one-row-per-trait table (for the migration).
    static var groupCaseSQL: String {
        let cases = groups.filter { $0.key != $0.value }.sorted { $0.key < $1.key }
            .map { "WHEN '\($0.key)' THEN '\($0.value)'" }.joined(separator: " ")
        return "CASE name \(cases) ELSE name END"
    }

    /// Every computed trait of one profile.
    static func traits(_ db: Database, profile: String) throws -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        // One primary-key lookup per group (there are a handful), no index on profile_id to maintain.
        for text in try String.fetchAll(db.cachedStatement(sql: """
            SELECT traits FROM computed_values WHERE grp IN (SELECT DISTINCT grp FROM computed_trait_names) AND profile_id = ?
            """), arguments: [profile]) {
            guard case .object(let o) = try JSONTextParser.parse(text) else { continue }
            out.merge(o) { _, new in new }
        }
        return out
    }

    /// Each profile's new object of one group, in profile order: the `kept` traits of the group
    /// that are not replaced, then the values of `columns`; a profile left with no trait gets no
    /// row. Built on every core (the backends then only insert). A repeated id: its first row counts.
    /// - Parameters:
    ///   - order: row indices of `rows` in profile order.
    ///   - keys: each name of `rows` written once as JSON text, `"name":`.
    static func objects(_ rows: ComputedTraitRows, order: [Int], columns: [Int], keys: [String],
                        kept: [String: [String: JSONValue]]) -> [(profile: String, text: String)] {
        let texts = ParallelChunks.map(order.count) { range in Self.texts(rows, order: order, range: range, columns: columns, keys: keys, kept: kept) }
        var assembly = ObjectAssembly(kept: kept)
        var out: [(profile: String, text: String)] = []
        out.reserveCapacity(order.count)
        for (i, r) in order.enumerated() where assembly.accept(rows.ids[r], texts[i]) { out.append((rows.ids[r], texts[i])) }
        out.append(contentsOf: assembly.rest())
        return out
    }

    /// The object text of rows `order[range]`, one per row (see ``objects(_:order:columns:keys:kept:)``).
    static func texts(_ rows: ComputedTraitRows, order: [Int], range: Range<Int>, columns: [Int], keys: [String],
                      kept: [String: [String: JSONValue]]) -> [String] {
        range.map { i -> String in
            let r = order[i]
            var text = "{"
            if let others = kept[rows.ids[r]] {
                for (name, value) in others.sorted(by: { $0.key < $1.key }) {
                    if text.utf8.count > 1 { text += "," }
                    JSONValue.writeString(name, to: &text)
                    text += ":"
                    value.write(to: &text)
                }
            }
            for c in columns {
                guard let v = rows.value(row: r, column: c) else { continue }
                if text.utf8.count > 1 { text += "," }
                text += keys[c]
                v.write(to: &text)
            }
            return text + "}"
        }
    }

    /// Which texts become rows, fed in profile order: the first row of a repeated id, no empty
    /// object; then the profiles that only have kept traits.
    struct ObjectAssembly {
        private var kept: [String: [String: JSONValue]]
        private var previous: String?

        init(kept: [String: [String: JSONValue]]) { self.kept = kept }

        /// Whether `text` is the row of `profile`.
        mutating func accept(_ profile: String, _ text: String) -> Bool {
            guard profile != previous else { return false }
            previous = profile
            if !kept.isEmpty { kept[profile] = nil }
            return text.utf8.count > 2   // `{}`: nothing to keep
        }

        /// Profiles with kept traits and no new row, in profile order (after every accepted row:
        /// keys sorted, so the lists merge in order).
        func rest() -> [(profile: String, text: String)] {
            kept.sorted(by: { $0.key < $1.key }).map { ($0.key, JSONValue.object($0.value).jsonText) }
        }
    }

    /// Each name written once as JSON text, `"name":`.
    static func keys(_ names: [String]) -> [String] {
        names.map { name -> String in
            var k = ""
            JSONValue.writeString(name, to: &k)
            return k + ":"
        }
    }

    /// Replaces the traits named in `rows.names`, for every profile: a profile without a row (or
    /// with nil) loses that trait. Names of one group are written together; a group whose names
    /// are all being replaced is rewritten wholesale, otherwise its other names are kept.
    static func replace(_ db: Database, _ rows: ComputedTraitRows, computedAt: Timestamp) throws {
        var byGroup: [String: [Int]] = [:]
        for (i, name) in rows.names.enumerated() { byGroup[group(of: name), default: []].append(i) }
        let order = rows.ids.indices.sorted { rows.ids[$0] < rows.ids[$1] }
        let keys = keys(rows.names)
        for (grp, columns) in byGroup.sorted(by: { $0.key < $1.key }) {
            let replaced = Set(columns.map { rows.names[$0] })
            let stored = try String.fetchAll(db, sql: "SELECT name FROM computed_trait_names WHERE grp = ?", arguments: [grp])
            // Traits of the group that stay (rare: analyses write whole groups), read back first.
            var kept: [String: [String: JSONValue]] = [:]
            if !Set(stored).isSubset(of: replaced) {
                for row in try Row.fetchAll(db, sql: "SELECT profile_id, traits FROM computed_values WHERE grp = ?", arguments: [grp]) {
                    guard case .object(var o) = try JSONTextParser.parse(row[1] as String) else { continue }
                    for n in replaced { o[n] = nil }
                    if !o.isEmpty { kept[row[0]] = o }
                }
            }
            // Texts are built on the other core while this one deletes and inserts.
            let pipeline = ChunkPipeline(count: order.count, chunkSize: 16_384) { [kept] range in
                texts(rows, order: order, range: range, columns: columns, keys: keys, kept: kept)
            }
            try db.execute(sql: "DELETE FROM computed_values WHERE grp = ?", arguments: [grp])
            let insert = try BulkInsert(db, sql: "INSERT INTO computed_values (grp, profile_id, traits, computed_at) VALUES (?, ?, ?, ?)")
            insert.bind(1, grp)
            insert.bind(4, computedAt.milliseconds)
            func insertRow(_ profile: String, _ text: String) throws {
                insert.bind(2, profile)
                insert.bind(3, text)
                try insert.step(db)
            }
            var assembly = ObjectAssembly(kept: kept)
            while let chunk = pipeline.next() {
                for (j, i) in chunk.range.enumerated() {
                    let profile = rows.ids[order[i]]
                    if assembly.accept(profile, chunk.value[j]) { try insertRow(profile, chunk.value[j]) }
                }
            }
            for (profile, text) in assembly.rest() { try insertRow(profile, text) }
            for c in columns {
                try db.execute(sql: "INSERT INTO computed_trait_names (name, grp) VALUES (?, ?) ON CONFLICT(name) DO NOTHING", arguments: [rows.names[c], grp])
            }
        }
    }

    /// Drops one profile's computed traits (a privacy delete, or a profile merged into another:
    /// there is no foreign key to cascade). One primary-key delete per group; nothing is parsed.
    static func delete(_ db: Database, profile: String) throws {
        try db.cachedStatement(sql: "DELETE FROM computed_values WHERE grp IN (SELECT DISTINCT grp FROM computed_trait_names) AND profile_id = ?")
            .execute(arguments: [profile])
    }
}
