public import SegmentaCore

/// The indexes that find a person by email or phone at ticket time, and the statement that reads
/// them, written once for both SQL backends: an expression index on the trait normalised as
/// ``ContactKey`` normalises what a helpdesk sends (ASCII case and the spaces at either end aside
/// for an email; separators aside for a phone number), partial to the profiles that have it.
///
/// The expressions use built-in functions only (`lower`, `trim`, `replace`), so any SQLite or
/// PostgreSQL client can still write the table. A query uses an index only when it repeats the
/// index's expression and condition as written: both come from here.
package enum ContactIndex {
    /// The normalised trait of `kind` in `dialect`, on the profiles' `traits` column.
    static func expression(_ kind: ContactKey, _ dialect: SQLDialect) -> String {
        let value = dialect.text("traits", dialect.pathLiteral([kind.trait]))
        switch kind {
        case .email:
            switch dialect {
            case .sqlite: return "lower(trim(\(value)))"
            // With the C collation, lower() folds A–Z only, as SQLite's.
            case .postgres: return "lower(btrim(\(value)) COLLATE \"C\")"
            }
        case .phone:
            return ContactKey.phoneSeparators.reduce(value) { "replace(\($0), '\($1)', '')" }
        }
    }

    /// The partial index's condition: the profile has the trait.
    static func condition(_ kind: ContactKey, _ dialect: SQLDialect) -> String {
        dialect.text("traits", dialect.pathLiteral([kind.trait])) + " IS NOT NULL"
    }

    /// `CREATE INDEX` statements for the email and phone indexes, separated by `;`.
    package static func create(_ dialect: SQLDialect) -> String {
        [ContactKey.email(""), .phone("")].map { k in
            "CREATE INDEX profiles_contact_\(k.trait) ON profiles ((\(expression(k, dialect)))) WHERE \(condition(k, dialect))"
        }.joined(separator: ";\n")
    }

    /// The ids of the profiles whose trait is `key` (bound as the first parameter), in id order;
    /// the second parameter is the limit.
    package static func select(_ key: ContactKey, _ dialect: SQLDialect) -> String {
        "SELECT id FROM profiles WHERE \(condition(key, dialect)) AND \(expression(key, dialect)) = \(dialect.placeholder(1)) ORDER BY id LIMIT \(dialect.placeholder(2))"
    }
}
