public import Hummingbird
public import Logging
import Dispatch
import Foundation
import Synchronization
import SegmentaStore
import ServiceLifecycle

/// Runs the server until SIGTERM or SIGINT, with a bounded shutdown: it stops accepting, lets
/// requests and analyses under way finish for `configuration.shutdownGrace`, then cancels them
/// (their SQL is interrupted and rolled back, model fits stop); and if anything still runs 5 s
/// later, `overdue` is called (the CLI exits with status 1: the store is intact, as after a crash,
/// since every write is one transaction).
public func runServer(_ app: some ApplicationProtocol, configuration: ServerConfiguration, logger: Logger,
                      overdue: @escaping @Sendable () -> Void) async throws {
    let grace = configuration.shutdownGrace
    let watchdog = ShutdownWatchdog(grace: grace, logger: logger, overdue: overdue)
    var group = ServiceGroupConfiguration(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    group.maximumGracefulShutdownDuration = grace
    try await ServiceGroup(configuration: group).run()
    withExtendedLifetime(watchdog) {}
}

/// Watches SIGTERM and SIGINT beside the service group (which handles them too): `grace` after
/// the first, all SQL of the process is stopped; 5 s after that, `overdue` is called.
final class ShutdownWatchdog {
    private let sources: [any DispatchSourceSignal]

    init(grace: Duration, logger: Logger, overdue: @escaping @Sendable () -> Void) {
        let queue = DispatchQueue(label: "segmenta.shutdown")
        let started = Mutex(false)
        sources = [SIGTERM, SIGINT].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                guard !started.withLock({ let was = $0; $0 = true; return was }) else { return }
                queue.asyncAfter(deadline: .now() + grace.timeInterval) {
                    logger.warning("shutdown: still busy after the grace period (\(grace)); stopping the SQL under way")
                    QueryDeadline.stopEverything()
                }
                queue.asyncAfter(deadline: .now() + grace.timeInterval + 5) {
                    logger.error("shutdown: work still running 5 s after the grace period; exiting now (every write is one transaction: nothing is half-written)")
                    overdue()
                }
            }
            source.resume()
            return source
        }
    }

    deinit { for source in sources { source.cancel() } }
}

extension Duration {
    /// The duration in seconds, as Dispatch takes it.
    var timeInterval: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
