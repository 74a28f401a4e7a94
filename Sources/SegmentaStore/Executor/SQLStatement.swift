/// One SQL statement written once for both SQL backends (used inside SegmentaStore only; public
/// because the store protocols' shared implementations name it): the text with its values interpolated
/// as bound arguments (`"SELECT … WHERE id = \(id)"`), never spliced into the text. Each backend
/// renders it with its own placeholders (`?1` on SQLite, `$1` on PostgreSQL).
public struct SQLStatement: Sendable, ExpressibleByStringInterpolation {
    /// The text between the arguments, and the arguments.
    enum Part: Sendable { case text(String), argument(SQLArgument) }
    var parts: [Part]

    /// A statement with no argument.
    public init(stringLiteral value: String) { parts = [.text(value)] }
    /// A statement with arguments.
    public init(stringInterpolation: Interpolation) { parts = stringInterpolation.parts }

    /// Two statements' texts and arguments one after the other (a condition added when it applies).
    public static func + (a: SQLStatement, b: SQLStatement) -> SQLStatement {
        var joined = a
        joined.parts += b.parts
        return joined
    }

    /// The text with the dialect's numbered placeholders, and the arguments in their order.
    package func rendered(_ dialect: SQLDialect) -> (sql: String, arguments: [SQLArgument]) {
        var sql = "", arguments: [SQLArgument] = []
        for part in parts {
            switch part {
            case .text(let s): sql += s
            case .argument(let a):
                arguments.append(a)
                sql += dialect.placeholder(arguments.count)
            }
        }
        return (sql, arguments)
    }

    /// Builds a statement: literal text as written, every interpolated value as an argument.
    public struct Interpolation: StringInterpolationProtocol {
        var parts: [Part] = []
        /// Room for the literal and the interpolations.
        public init(literalCapacity: Int, interpolationCount: Int) { parts.reserveCapacity(interpolationCount * 2 + 1) }
        /// Literal SQL text.
        public mutating func appendLiteral(_ literal: String) { parts.append(.text(literal)) }
        /// A text argument.
        public mutating func appendInterpolation(_ value: String) { parts.append(.argument(.text(value))) }
        /// A text argument or NULL.
        public mutating func appendInterpolation(_ value: String?) { parts.append(.argument(value.map(SQLArgument.text) ?? .null)) }
        /// An integer argument.
        public mutating func appendInterpolation(_ value: Int64) { parts.append(.argument(.integer(value))) }
        /// An integer argument or NULL.
        public mutating func appendInterpolation(_ value: Int64?) { parts.append(.argument(value.map(SQLArgument.integer) ?? .null)) }
        /// An integer argument.
        public mutating func appendInterpolation(_ value: Int) { parts.append(.argument(.integer(Int64(value)))) }
        /// An integer argument or NULL.
        public mutating func appendInterpolation(_ value: Int?) { parts.append(.argument(value.map { SQLArgument.integer(Int64($0)) } ?? .null)) }
        /// Text arguments for `IN (…)`, one placeholder each; none gives `NULL` (which nothing equals).
        public mutating func appendInterpolation(list values: [String]) {
            guard !values.isEmpty else { parts.append(.text("NULL")); return }
            for (i, v) in values.enumerated() {
                if i > 0 { parts.append(.text(", ")) }
                parts.append(.argument(.text(v)))
            }
        }
        /// SQL text chosen among literals written in the source (a fragment per dialect), never a
        /// value: a `StaticString` cannot be built at run time.
        public mutating func appendInterpolation(literal fragment: StaticString) { parts.append(.text(fragment.description)) }
    }
}
