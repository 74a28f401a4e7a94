/// Why a segment definition is invalid: where (a JSON pointer) and how to fix it.
public struct ConditionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// JSON pointer to the offending value, e.g. `/condition/all/2/op`.
    public var pointer: String
    /// What is wrong and what is expected.
    public var message: String

    /// An error at a JSON pointer into the definition (`/condition/all/1/op`).
    public init(_ pointer: String, _ message: String) {
        self.pointer = pointer
        self.message = message
    }

    /// "POINTER: message".
    public var description: String { "\(pointer.isEmpty ? "/" : pointer): \(message)" }
}
