import SegmentaCore
import GRDB

/// How computed traits are kept: one JSON object per profile and *group* (the analysis that writes
/// them together: `rfm`, `lifecycle`, `clv`, `clusters`, `churn`; any other name is a group of its own),
/// in `computed_values (grp, profile_id) → traits`. Saving an analysis for a million profiles is
/// then a range delete and a million sequential inserts, not one row per profile and trait; a
/// condition reads one trait with `json_extract` on the profile's row of that trait's group.
/// `computed_trait_names` lists the names analyses have written, with their group.
package enum ComputedTraitLayout {
    /// Groups of the traits Segmenta's analyses write (each analysis's are one group, named after
    /// it: ``AnalysisKind``); a name not listed here is its own group.
    package static let groups: [String: String] = Dictionary(AnalysisKind.allTraits.map { ($0.trait.name, $0.analysis.rawValue) }, uniquingKeysWith: { a, _ in a })

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
        let keyBytes = keys.map { Array($0.utf8) }
        let chunks = ParallelChunks.map(order.count) { range in
            [texts(rows, order: order, range: range, columns: columns, keys: keyBytes, kept: kept)]
        }
        var assembly = ObjectAssembly(kept: kept)
        var out: [(profile: String, text: String)] = []
        out.reserveCapacity(order.count)
        for chunk in chunks {
            for j in 0..<chunk.count {
                let profile = rows.ids[order[chunk.start + j]]
                if assembly.accept(profile, length: chunk.length(j)) { out.append((profile, chunk.withText(j) { String(decoding: $0, as: UTF8.self) })) }
            }
        }
        out.append(contentsOf: assembly.rest())
        return out
    }

    /// The object texts of consecutive rows, one after another in one buffer.
    struct TextChunk: Sendable {
        /// Index in `order` of the first row.
        let start: Int
        var bytes: [UInt8] = []
        /// End offset in `bytes` of each row's text.
        var ends: [Int] = []

        var count: Int { ends.count }
        func length(_ j: Int) -> Int { ends[j] - (j == 0 ? 0 : ends[j - 1]) }
        /// Row `j`'s text, as UTF-8 bytes valid during `body`.
        func withText<T>(_ j: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
            try bytes.withUnsafeBufferPointer { b in try body(UnsafeBufferPointer(rebasing: b[(j == 0 ? 0 : ends[j - 1])..<ends[j]])) }
        }
    }

    /// The object text of rows `order[range]`, one per row (see ``objects(_:order:columns:keys:kept:)``),
    /// written as bytes into one buffer.
    static func texts(_ rows: ComputedTraitRows, order: [Int], range: Range<Int>, columns: [Int], keys: [[UInt8]],
                      kept: [String: [String: JSONValue]]) -> TextChunk {
        var chunk = TextChunk(start: range.lowerBound)
        chunk.bytes.reserveCapacity(range.count * 128)
        chunk.ends.reserveCapacity(range.count)
        for i in range {
            let r = order[i]
            let start = chunk.bytes.count
            chunk.bytes.append(UInt8(ascii: "{"))
            if !kept.isEmpty, let others = kept[rows.ids[r]] {
                for (name, value) in others.sorted(by: { $0.key < $1.key }) {
                    if chunk.bytes.count > start + 1 { chunk.bytes.append(UInt8(ascii: ",")) }
                    JSONValue.string(name).write(to: &chunk.bytes)
                    chunk.bytes.append(UInt8(ascii: ":"))
                    value.write(to: &chunk.bytes)
                }
            }
            for c in columns {
                guard let v = rows.value(row: r, column: c) else { continue }
                if chunk.bytes.count > start + 1 { chunk.bytes.append(UInt8(ascii: ",")) }
                chunk.bytes.append(contentsOf: keys[c])
                v.write(to: &chunk.bytes)
            }
            chunk.bytes.append(UInt8(ascii: "}"))
            chunk.ends.append(chunk.bytes.count)
        }
        return chunk
    }

    /// Which texts become rows, fed in profile order: the first row of a repeated id, no empty
    /// object; then the profiles that only have kept traits.
    struct ObjectAssembly {
        private var kept: [String: [String: JSONValue]]
        private var previous: String?

        init(kept: [String: [String: JSONValue]]) { self.kept = kept }

        /// Whether the text (of `length` bytes) is the row of `profile`.
        mutating func accept(_ profile: String, length: Int) -> Bool {
            guard profile != previous else { return false }
            previous = profile
            if !kept.isEmpty { kept[profile] = nil }
            return length > 2   // `{}`: nothing to keep
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
        try replace(db, names: rows.names, computedAt: computedAt) { rows }
    }

    /// The same, with the rows asked for only after the old values are cleared (the traits of a
    /// partly replaced group read back first): `rows` may take its time on another connection,
    /// for instance reading the orders the new values come from, while this one deletes. Its
    /// rows must hold exactly `names`.
    static func replace(_ db: Database, names: [String], computedAt: Timestamp, rows: () throws -> ComputedTraitRows) throws {
        var byGroup: [String: [Int]] = [:]
        for (i, name) in names.enumerated() { byGroup[group(of: name), default: []].append(i) }
        let groups = byGroup.sorted(by: { $0.key < $1.key })
        var kept: [String: [String: [String: JSONValue]]] = [:]
        for (grp, columns) in groups {
            let replaced = Set(columns.map { names[$0] })
            let stored = try String.fetchAll(db, sql: "SELECT name FROM computed_trait_names WHERE grp = ?", arguments: [grp])
            // Traits of the group that stay (rare: analyses write whole groups), read back first.
            if !Set(stored).isSubset(of: replaced) {
                for row in try Row.fetchAll(db, sql: "SELECT profile_id, traits FROM computed_values WHERE grp = ?", arguments: [grp]) {
                    guard case .object(var o) = try JSONTextParser.parse(row[1] as String) else { continue }
                    for n in replaced { o[n] = nil }
                    if !o.isEmpty { kept[grp, default: [:]][row[0]] = o }
                }
            }
            try db.execute(sql: "DELETE FROM computed_values WHERE grp = ?", arguments: [grp])
        }
        let rows = try rows()
        guard rows.names == names else {
            throw SegmentaError(.storage, "computed traits \(rows.names) were given where \(names) were announced")
        }
        let order = rows.ids.indices.sorted { rows.ids[$0] < rows.ids[$1] }
        let keys = keys(rows.names).map { Array($0.utf8) }
        for (grp, columns) in groups {
            let kept = kept[grp] ?? [:]
            // Texts are built on the other core while this one inserts.
            let pipeline = ChunkPipeline(count: order.count, chunkSize: 16_384) { range in
                texts(rows, order: order, range: range, columns: columns, keys: keys, kept: kept)
            }
            let insert = try BulkInsert(db, sql: "INSERT INTO computed_values (grp, profile_id, traits, computed_at) VALUES (?, ?, ?, ?)")
            insert.bind(1, grp)
            insert.bind(4, computedAt.milliseconds)
            var assembly = ObjectAssembly(kept: kept)
            while let chunk = pipeline.next()?.value {
                for j in 0..<chunk.count {
                    let profile = rows.ids[order[chunk.start + j]]
                    guard assembly.accept(profile, length: chunk.length(j)) else { continue }
                    insert.bind(2, profile)
                    chunk.withText(j) { insert.bind(3, utf8: $0) }
                    try insert.step(db)
                }
            }
            for (profile, text) in assembly.rest() {
                insert.bind(2, profile)
                insert.bind(3, text)
                try insert.step(db)
            }
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
