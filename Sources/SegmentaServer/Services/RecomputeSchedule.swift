public import SegmentaCore
public import SegmentaStore
import Synchronization

/// When this server's scheduled recompute — which refreshes every dynamic segment — runs next, so
/// that people can tell how fresh a membership is and when it may change: ``RecomputeService`` sets
/// it as it starts to wait and as it starts a run; the segment API and the dashboard read it.
public final class RecomputeSchedule: Sendable {
    /// Where the schedule stands.
    public enum State: Sendable, Equatable {
        /// No scheduled recompute (`--refresh-interval 0`, or not started).
        case off
        /// The next run starts at this time.
        case waiting(until: Timestamp)
        /// A run started at this time and is under way.
        case running(since: Timestamp)
    }

    private let current = Mutex(State.off)

    /// Off until the recompute service starts.
    public init() {}

    /// Where the schedule stands now.
    public var state: State { current.withLock { $0 } }

    /// The time the next scheduled refresh starts (a past time while one runs); nil when off.
    public var nextRefresh: Timestamp? {
        switch state {
        case .off: return nil
        case .waiting(let t), .running(let t): return t
        }
    }

    func set(_ state: State) { current.withLock { $0 = state } }

    /// The schedule in words, for a page: when the next refresh starts, or that one is running.
    public var words: String {
        switch state {
        case .off: return "not scheduled"
        case .waiting(let t): return t.readable
        case .running: return "running now"
        }
    }

    /// `time` plus `duration`, in whole milliseconds (saturating).
    static func adding(_ duration: Duration, to time: Timestamp) -> Timestamp {
        let (seconds, attoseconds) = duration.components
        let (ms, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        let step = overflow ? Int64.max : ms.addingReportingOverflow(attoseconds / 1_000_000_000_000_000).partialValue
        let (sum, over) = time.milliseconds.addingReportingOverflow(step)
        return Timestamp(milliseconds: over ? Int64.max : sum)
    }
}
