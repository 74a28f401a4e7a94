import Foundation

/// One value passed from a task to a thread that may block for it (a database writer waiting,
/// inside its transaction, for rows another task computes).
final class Handoff<T: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var value: T?

    /// Hands the value over (once).
    func put(_ value: T) {
        condition.lock()
        self.value = value
        condition.signal()
        condition.unlock()
    }

    /// Waits for the value and returns it.
    func take() -> T {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let value { return value }
            condition.wait()
        }
    }
}
