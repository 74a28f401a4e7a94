public import Hummingbird
public import Logging
public import SegmentaCore
public import SegmentaStore
public import SegmentaJobs
import SegmentaPages
import ServiceLifecycle

/// The parts of a running server that routes and services share.
public struct ServerParts: Sendable {
    /// The store, behind the storage protocols (SQLite or PostgreSQL): every route and service uses it.
    public let storage: any Storage
    /// How the server runs.
    public let configuration: ServerConfiguration
    /// The Prometheus metrics every part records into.
    public let metrics: ServerMetrics
    /// Batches waiting for the group commit.
    public let queue: IngestQueue
    /// The webhook sender.
    public let webhooks: WebhookQueue
    /// The scheduled recompute.
    public let recompute: RecomputeService
    /// Dashboard sign-in sessions.
    public let sessions: Sessions
    /// The server's logger.
    public let logger: Logger
    /// What the dashboard's segment pages show, computed when the data changes.
    let mixes = MixCache()
    /// The overview's counts, kept until the data changes.
    let overview = OverviewCache()
    /// Fills `mixes` and `overview` when the data changes: a service of its own, and called by
    /// the recompute and the analyses API as soon as they finish.
    let warmer: PageWarmer
    /// The builder's event names, read at most every few minutes.
    let eventNames: EventNameCache
    /// The dashboard's templates.
    let renderer: PageRenderer

    /// The parts of a server over `storage`; fails when the page templates cannot be read.
    public init(storage: any Storage, configuration: ServerConfiguration, logger: Logger) throws(SegmentaError) {
        renderer = try PageRenderer.bundled()
        self.storage = storage
        sessions = Sessions(store: storage, clock: configuration.clock)
        eventNames = EventNameCache(clock: configuration.clock)
        self.configuration = configuration
        self.logger = logger
        metrics = ServerMetrics()
        queue = IngestQueue(capacity: configuration.ingestQueueCapacity)
        webhooks = WebhookQueue(store: storage, metrics: metrics, attempts: configuration.webhookAttempts,
                                retryBase: configuration.webhookRetryBase, timeout: configuration.webhookTimeout,
                                policy: configuration.webhookNetworks, clock: configuration.clock,
                                pollInterval: configuration.webhookPollInterval ?? .milliseconds(500), logger: logger)
        var options = Recompute.Options()
        if !configuration.computeCLV { options.analyses.remove(.clv) }
        if let k = configuration.clusters { options.clusters = k } else { options.analyses.remove(.clusters) }
        if let days = configuration.churnHorizonDays { options.churn.model.horizonDays = days } else { options.analyses.remove(.churn) }
        options.churn.churnEvent = configuration.churnEvent
        options.drift.alpha = configuration.alertLevel
        options.drift.sizeSigma = configuration.alertSigma
        options.refreshAttempts = configuration.refreshAttempts
        options.webhookPageSize = configuration.webhookPageSize
        var recompute = RecomputeService(store: storage, interval: configuration.refreshInterval ?? .seconds(3600), options: options,
                                         metrics: metrics, logger: logger)
        let warmer = PageWarmer(store: storage, mixes: mixes, overview: overview, eventNames: eventNames, logger: logger)
        recompute.afterRecompute = { await warmer.warm(startup: false) }
        recompute.clock = configuration.clock
        self.warmer = warmer
        self.recompute = recompute
    }
}

/// Builds the server: the router and its long-running services (group-commit writer, webhook
/// sender, scheduled recompute), listening on `configuration.host:port`.
/// - Parameter onServerRunning: called with the bound port once the server listens (port 0 picks a free one).
public func buildApplication(_ parts: ServerParts, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
    var services: [any Service] = [IngestWriter(queue: parts.queue, store: parts.storage, metrics: parts.metrics, logger: parts.logger),
                                   parts.warmer]
    if parts.configuration.webhookPollInterval != nil { services.append(parts.webhooks) }
    if parts.configuration.refreshInterval != nil { services.append(parts.recompute) }
    return Application(
        router: buildRouter(parts),
        server: .http1(configuration: .init(idleTimeout: .nanoseconds(Int64(parts.configuration.idleTimeout.components.seconds) * 1_000_000_000))),
        configuration: .init(address: .hostname(parts.configuration.host, port: parts.configuration.port), serverName: "Segmenta"),
        services: services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? parts.configuration.port) },
        logger: parts.logger
    )
}

/// The routes: ingestion (write keys), `/api/v1` (read and admin keys), health, metrics, OpenAPI,
/// and the dashboard (sign-in sessions).
public func buildRouter(_ parts: ServerParts) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    // First, so that it also wraps unknown URLs: a browser gets a styled page with the right status.
    router.add(middleware: ErrorPageMiddleware(renderer: parts.renderer))
    // Also router-wide, so that it answers the browser SDKs' preflights (OPTIONS has no route):
    // it acts on the ingestion paths only.
    router.add(middleware: IngestCORSMiddleware())
    if let limit = parts.configuration.queryTimeLimit { router.add(middleware: QueryDeadlineMiddleware(limit: limit)) }
    // Innermost of the router's: the outer ones (CORS, error pages) see HTTP errors only.
    router.add(middleware: LibraryErrorMiddleware())
    IngestController(store: parts.storage, queue: parts.queue, metrics: parts.metrics, maxBodyBytes: parts.configuration.maxBodyBytes, logger: parts.logger)
        .addRoutes(to: router)
    SystemController(store: parts.storage, metrics: parts.metrics, queue: parts.queue).addRoutes(to: router)
    let read = router.group("api/v1").add(middleware: TokenMiddleware(store: parts.storage, needs: .read))
    let admin = router.group("api/v1").add(middleware: TokenMiddleware(store: parts.storage, needs: .admin))
    let metrics = parts.metrics
    let countAlerts: @Sendable ([SegmentAlert]) -> Void = { alerts in for a in alerts { metrics.alerts(a.kind).increment() } }
    var segments = SegmentsController(store: parts.storage, networks: parts.configuration.webhookNetworks, webhookPageSize: parts.configuration.webhookPageSize)
    segments.drift = parts.recompute.options.drift
    segments.schedule = parts.recompute.schedule
    segments.onAlerts = countAlerts
    segments.addRoutes(read: read, admin: admin)
    ProfilesController(store: parts.storage, searchTraits: parts.configuration.searchTraits).addRoutes(read: read)
    var analyses = AnalysesController(store: parts.storage, options: parts.recompute.options, logger: parts.logger)
    let warmer = parts.warmer
    analyses.afterRecompute = { await warmer.warm(startup: false) }
    analyses.addRoutes(read: read, admin: admin)
    PrivacyController(store: parts.storage).addRoutes(admin: admin)
    let apps = router.group("api/v1").add(middleware: TokenMiddleware(store: parts.storage, needs: .write))
    InsightController(store: parts.storage).addRoutes(read: read, admin: admin, apps: apps)
    let support = router.group("api/v1").add(middleware: TokenMiddleware(store: parts.storage, needs: .support))
    SupportController(store: parts.storage).addRoutes(support: support, read: read, admin: admin)
    SupportCardController(store: parts.storage, secret: parts.configuration.supportCardSecret, renderer: parts.renderer, clock: parts.configuration.clock)
        .addRoutes(to: router)
    var dashboard = DashboardController(store: parts.storage, sessions: parts.sessions, renderer: parts.renderer,
                                        webhookPageSize: parts.configuration.webhookPageSize, searchTraits: parts.configuration.searchTraits)
    dashboard.mixes = parts.mixes
    dashboard.overview = parts.overview
    dashboard.eventNames = parts.eventNames
    dashboard.drift = parts.recompute.options.drift
    dashboard.schedule = parts.recompute.schedule
    dashboard.onAlerts = countAlerts
    dashboard.addRoutes(to: router)
    return router
}
