import Synchronization

/// A value set by one task or thread and read by another (a result handed out of an escaping
/// closure), behind a lock.
public final class Shared<T: Sendable>: Sendable {
    private let storage: Mutex<T?>

    /// Empty, or holding `value`.
    public init(_ value: T? = nil) { storage = Mutex(value) }

    /// The value, if set.
    public var value: T? { storage.withLock { $0 } }

    /// Sets the value.
    public func set(_ value: T) { storage.withLock { $0 = value } }
}
