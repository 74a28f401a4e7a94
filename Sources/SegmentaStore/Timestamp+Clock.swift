public import SegmentaCore
import Foundation
import Synchronization

extension Timestamp {
    /// The current time from the system clock. Lives outside the pure core on purpose.
    public static var now: Timestamp {
        Timestamp(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }
}

/// Where the time of day comes from: the system clock in a running server, a ``ManualClock`` in
/// tests, so that expiry, backoff and retries are tested by moving time, never by waiting.
public protocol WallClock: Sendable {
    /// The current time.
    var now: Timestamp { get }
}

/// The system clock.
public struct SystemClock: WallClock {
    /// The system clock.
    public init() {}
    /// The system time.
    public var now: Timestamp { .now }
}

/// A clock that stands still until it is moved (tests).
public final class ManualClock: WallClock {
    private let time: Mutex<Timestamp>

    /// Starts at `start` (default: the system time now).
    public init(_ start: Timestamp = .now) { time = Mutex(start) }

    /// The time it was set to.
    public var now: Timestamp { time.withLock { $0 } }

    /// Moves the clock forward by `duration`.
    public func advance(by duration: Duration) {
        let ms = duration.components.seconds &* 1000 &+ duration.components.attoseconds / 1_000_000_000_000_000
        time.withLock { $0 = Timestamp(milliseconds: $0.milliseconds &+ ms) }
    }
}
