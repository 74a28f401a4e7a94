import Logging
import SegmentaStore
import ServiceLifecycle

/// Computes what the dashboard's overview and segment pages show (the store's counts, each
/// segment's member mixes) when the data changes, so that the person who opens a page does not
/// wait for a count or a join over every member:
/// - at start;
/// - whenever the store's data version has moved since the last look (checked every `interval`),
///   which also catches a change made by another process — the CLI's `rfm`, `lifecycle` or
///   `segments refresh` on the same file;
/// - and, without waiting for the next look, after the scheduled recompute and after an analysis
///   recomputed through the API (their hooks warm the same caches).
///
/// Warming is incremental: a mix is computed again only when its segment's snapshot or the
/// analyses behind it changed, so under steady ingestion a look costs a recount of the overview.
/// A backend without a data version (events in ClickHouse) is warmed at start and by the hooks.
struct PageWarmer: Service {
    let store: any Storage
    let mixes: MixCache
    let overview: OverviewCache
    let eventNames: EventNameCache
    let logger: Logger
    /// How often the data version is looked at.
    var interval: Duration = .seconds(5)
    /// Each look and each warming, as they happen.
    let progress = WarmProgress()

    /// Runs until the server shuts down: a service that returns earlier stops the whole server.
    func run() async throws {
        await warm(startup: true)
        try? await cancelWhenGracefulShutdown { await watch() }
        try? await gracefulShutdown()
    }

    /// Warms again each time the data version has moved, until cancelled. A backend without a
    /// data version (nil) is looked at all the same and never warmed here; a failed first look is
    /// taken as unknown, so the first look that succeeds warms.
    func watch() async {
        var seen = try? await store.dataVersion()
        while !Task.isCancelledOrShuttingDown {
            do { try await Task.sleep(for: interval) } catch { return }
            defer { progress.advance() }
            guard let now = try? await store.dataVersion(), now != seen else { continue }
            // Read before warming: a change made while the caches fill is seen at the next look.
            seen = now
            await warm(startup: false)
        }
    }

    func warm(startup: Bool) async {
        defer { progress.advance() }
        do {
            _ = try await overview.overview(store)
            let computed = try await mixes.warm(store)
            if startup {
                _ = try await eventNames.names(store)
                logger.info("dashboard pages warmed", metadata: ["mixes": .stringConvertible(computed)])
            } else if computed > 0 {
                logger.info("dashboard pages warmed after a change", metadata: ["mixes": .stringConvertible(computed)])
            }
        } catch {
            logger.warning("warming the dashboard pages failed; they are computed at their first view: \(error)")
        }
    }
}
