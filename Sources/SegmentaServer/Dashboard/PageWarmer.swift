import Logging
import SegmentaStore
import ServiceLifecycle

/// At start, computes what the dashboard's overview and segment pages show (the store's counts,
/// each segment's member mixes), so the first person to open one after a restart does not wait
/// for a count or a join over every member. The recompute service warms the same caches after
/// each of its runs.
struct PageWarmer: Service {
    let store: any Storage
    let mixes: MixCache
    let overview: OverviewCache
    let eventNames: EventNameCache
    let logger: Logger

    func run() async throws {
        do {
            _ = try await overview.overview(store)
            let computed = try await mixes.warm(store)
            _ = try await eventNames.names(store)
            logger.info("dashboard pages warmed", metadata: ["mixes": .stringConvertible(computed)])
        } catch {
            logger.warning("warming the dashboard pages failed; they are computed at their first view: \(error)")
        }
        try? await gracefulShutdown()
    }
}
