public import SegmentaCore
public import SegmentaStore
public import SegmentaJobs
public import Logging
public import ServiceLifecycle
import NIOPosix

/// Every interval: computed traits (RFM, lifecycle, cohorts, CLV, personas), then every dynamic
/// segment — snapshot, enter/exit diff, validation — and the webhook deliveries of what changed.
/// Failed steps are logged, counted in `/metrics` and left on the segment as `last_error`; the
/// next run tries again.
public struct RecomputeService: Service {
    let store: any Storage
    let interval: Duration
    let options: Recompute.Options
    let metrics: ServerMetrics
    let logger: Logger
    /// Runs after each recompute (the server warms the dashboard's member mixes there).
    var afterRecompute: (@Sendable () async -> Void)?
    /// When the next run starts, for the API and the dashboard.
    public let schedule = RecomputeSchedule()
    /// The clock the schedule is told in.
    var clock: any WallClock = SystemClock()

    /// A recompute of `store` every `interval`.
    public init(store: any Storage, interval: Duration, options: Recompute.Options, metrics: ServerMetrics, logger: Logger) {
        self.store = store
        self.interval = interval
        self.options = options
        self.metrics = metrics
        self.logger = logger
    }

    /// Recomputes every interval until shutdown, one at a time across instances.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            defer { schedule.set(.off) }
            while !Task.isCancelled {
                schedule.set(.waiting(until: RecomputeSchedule.adding(interval, to: clock.now)))
                do { try await Task.sleep(for: interval) } catch { return }
                if Task.isCancelledOrShuttingDown { return }
                schedule.set(.running(since: clock.now))
                await runOnce()
            }
        }
    }

    /// One full recompute, unless another instance on the same database is running one now (a
    /// PostgreSQL advisory lock): then this one skips its turn, and takes over when that one stops.
    public func runOnce() async {
        do {
            if try await store.exclusively("recompute", { await recompute(); return true }) == nil {
                logger.info("recompute skipped: another instance is running it")
            }
        } catch {
            logger.error("recompute did not start: \(error)")
        }
    }

    func recompute() async {
        let job = Recompute(store: store, options: options, logger: logger)
        let clock = ContinuousClock.now
        let report = await withTaskExecutorPreference(BatchExecutor.shared) { await job.run() }
        for step in report.steps {
            if step.name.hasPrefix("segment:") {
                metrics.refreshes(step.error != nil ? "failed" : step.attempts > 1 ? "retried" : "ok").increment()
                metrics.refreshDuration.record(.milliseconds(Int64(step.seconds * 1000)))
            } else {
                metrics.recomputes(step.name, step.error == nil ? "ok" : "failed").increment()
            }
        }
        for alert in report.alerts { metrics.alerts(alert.kind).increment() }
        await afterRecompute?()
        logger.info("recompute done", metadata: ["seconds": .stringConvertible(Double((ContinuousClock.now - clock).components.seconds)),
                                                 "steps": .stringConvertible(report.steps.count), "failed": .stringConvertible(report.failed)])
    }
}

extension Task where Success == Never, Failure == Never {
    /// True when the task is cancelled or its service group is shutting down gracefully.
    static var isCancelledOrShuttingDown: Bool { Task.isCancelled || Task.isShuttingDownGracefully }
}
