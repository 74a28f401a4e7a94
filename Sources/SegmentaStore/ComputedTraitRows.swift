public import SegmentaCore

/// Computed traits of many profiles, as an analysis produces them: a fixed list of trait names and
/// one row of values per profile (nil: the profile has no value for that trait). Columnar, so that
/// saving the results of a million profiles costs no dictionary per profile.
public struct ComputedTraitRows: Sendable {
    /// The traits the rows hold; saving replaces exactly these names for every profile.
    public let names: [String]
    /// Profile ids, one per row.
    public private(set) var ids: [String] = []
    /// Values, row after row, `names.count` per row.
    public private(set) var values: [JSONValue?] = []

    /// An empty table of the given traits.
    public init(names: [String]) { self.names = names }

    /// The same traits from a dictionary per trait name (profile → value).
    public init(_ byName: [String: [String: JSONValue]]) {
        names = byName.keys.sorted()
        var rows: [String: [JSONValue?]] = [:]
        for (i, name) in names.enumerated() {
            for (profile, value) in byName[name] ?? [:] {
                rows[profile, default: [JSONValue?](repeating: nil, count: names.count)][i] = value
            }
        }
        for (profile, row) in rows.sorted(by: { $0.key < $1.key }) { append(profile, row) }
    }

    /// The traits of `ids`, row `i` given by `row(i)` (in the order of `names`; a short row is
    /// padded with nil), built on every core.
    public init(names: [String], ids: [String], row: @Sendable (Int) -> [JSONValue?]) {
        self.names = names
        self.ids = ids
        let width = names.count
        values = ParallelChunks.map(ids.count) { range in
            var part: [JSONValue?] = []
            part.reserveCapacity(range.count * width)
            for i in range {
                let r = row(i)
                for c in 0..<width { part.append(c < r.count ? r[c] : nil) }
            }
            return part
        }
    }

    /// Number of profiles.
    public var count: Int { ids.count }

    /// Adds one profile's values, in the order of ``names`` (a short row is padded with nil).
    public mutating func append(_ id: String, _ row: [JSONValue?]) {
        ids.append(id)
        for i in names.indices { values.append(i < row.count ? row[i] : nil) }
    }

    /// The value of trait `column` for profile `row`.
    public func value(row: Int, column: Int) -> JSONValue? { values[row * names.count + column] }
}
