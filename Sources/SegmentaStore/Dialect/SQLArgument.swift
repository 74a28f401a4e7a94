/// A value bound to a statement, in a form every backend takes: the condition compiler and other
/// shared SQL builders bind these, and each backend converts them to its driver's values.
package enum SQLArgument: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    /// A list of texts (PostgreSQL `text[]`, e.g. a `jsonb` path); SQLite never receives one.
    case textArray([String])
}
