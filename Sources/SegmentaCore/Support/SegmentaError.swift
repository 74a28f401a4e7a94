/// An error a user can act on: what went wrong, and how to fix it.
///
/// Errors carry a stable ``Code`` (for programs and, later, HTTP status mapping at the edge),
/// a message written for a person, and the underlying error when there is one.
public struct SegmentaError: Error, Sendable, CustomStringConvertible {
    /// A stable, extensible error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code as the API writes it (`invalid_input`, `not_found`, …).
        public let rawValue: String
        /// A code.
        public init(_ rawValue: String) { self.rawValue = rawValue }
        /// The code's text.
        public var description: String { rawValue }

        /// The input (a file, a flag, a value) is malformed.
        public static let invalidInput = Code("invalid_input")
        /// Something named does not exist.
        public static let notFound = Code("not_found")
        /// The operation conflicts with what is stored.
        public static let conflict = Code("conflict")
        /// Reading or writing a file failed.
        public static let io = Code("io")
        /// The database failed.
        public static let storage = Code("storage")
        /// The work ran past its time limit and was stopped (nothing was changed).
        public static let timeout = Code("timeout")
        /// The work was cancelled before it finished (a server shutting down); nothing was changed.
        public static let cancelled = Code("cancelled")
    }

    /// The error's code.
    public var code: Code
    /// What was wrong and what to do, for a person.
    public var message: String
    /// The error that caused this one, if any.
    public var underlying: (any Error & Sendable)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// The message.
    public var description: String { message }
}
