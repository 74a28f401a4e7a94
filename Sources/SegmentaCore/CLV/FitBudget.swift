/// How much work a model fit may do before it gives up: likelihood evaluations weighted by the
/// rows each walks (deterministic: the same data stops at the same point on any machine), a
/// wall-clock limit as the backstop on a slow machine, and the task's cancellation (a server
/// shutting down). A fit that has found no maximum when its budget runs out is refused with an
/// explanation, as `lifetimes` raises `ConvergenceError`, instead of searching for minutes.
public final class FitBudget {
    /// Row-evaluations allowed (one likelihood evaluation over `n` distinct rows costs `n`).
    public let rowEvaluations: Int
    /// The wall-clock limit.
    public let time: Duration
    private let started = ContinuousClock.now
    private var spent = 0
    /// Why the budget ran out, once it has.
    public private(set) var exhaustion: Exhaustion?

    /// What ended a fit early.
    public enum Exhaustion: Sendable, Equatable {
        /// The row-evaluation budget was spent.
        case evaluations
        /// The wall-clock limit passed.
        case time
        /// The task was cancelled (the server is shutting down, or the request went away).
        case cancelled
    }

    /// A budget; the defaults keep the slowest refused fit (200,000 customers with no maximum
    /// inside) to seconds in a release build.
    public init(rowEvaluations: Int = 150_000_000, time: Duration = .seconds(20)) {
        self.rowEvaluations = rowEvaluations
        self.time = time
    }

    /// Records one evaluation over `rows` rows.
    public func spend(rows: Int) { spent = spent.addingReportingOverflow(max(1, rows)).partialValue }

    /// Whether the fit must stop now (and why, in ``exhaustion``).
    public var exhausted: Bool {
        if exhaustion != nil { return true }
        if Task.isCancelled { exhaustion = .cancelled } else if spent > rowEvaluations { exhaustion = .evaluations } else if ContinuousClock.now - started > time { exhaustion = .time }
        return exhaustion != nil
    }

    /// The error a fit stopped by this budget throws: what happened, why, what to try.
    public func error(model: String, advice: String) -> SegmentaError {
        switch exhaustion {
        case .cancelled:
            return SegmentaError(.cancelled, "the \(model) fit was stopped before it finished (the server is shutting down or the request was cancelled); nothing was saved")
        case .time:
            return SegmentaError(.invalidInput, "the \(model) fit found no maximum within \(time.components.seconds) s and was stopped: the likelihood is nearly flat for these purchases, so its parameters are not identified. \(advice)")
        default:
            return SegmentaError(.invalidInput, "the \(model) fit did not converge (its likelihood has no clear maximum for these purchases; `lifetimes` raises ConvergenceError on such data). \(advice)")
        }
    }
}
