public import SegmentaStore
public import SegmentaCore

/// How `segmenta serve` runs: where it listens, how often it recomputes, its limits.
public struct ServerConfiguration: Sendable {
    /// Interface to listen on (loopback by default).
    public var host = "127.0.0.1"
    /// TCP port.
    public var port = 8080
    /// Time between scheduled recomputes (computed traits, then every dynamic segment); nil: never.
    public var refreshInterval: Duration? = .seconds(15 * 60)
    /// Also fit BG/NBD + Gamma-Gamma (CLV, P(alive)) at each recompute.
    public var computeCLV = true
    /// Traits that people are searched by (with ids), on the Profiles page, in segment members and in `GET /api/v1/profiles?q=`.
    public var searchTraits = ["email", "name"]
    /// Also cluster customers into this many personas at each recompute (nil: no clustering).
    public var clusters: Int? = 4
    /// Also train the churn model at each recompute, with this horizon in days (nil: no churn model).
    public var churnHorizonDays: Int? = 90
    /// The track event that means a customer left, for the churn model.
    public var churnEvent = "Subscription Cancelled"
    /// Drift alerts: the family-wise level of the mix tests, and the control limits on size in
    /// standard deviations.
    public var alertLevel = 0.01
    /// Drift alerts: how many standard deviations a segment's size may move.
    public var alertSigma = 3.0
    /// The secret a helpdesk signs its requests for the support card with (`POST /support/card`);
    /// nil: the card is off.
    public var supportCardSecret: String?
    /// Largest request body accepted, compressed or not (Segment's batch limit is ~500 KB; PostHog's ~6 MB).
    public var maxBodyBytes = 8 * 1024 * 1024
    /// Messages waiting to be committed beyond which ingestion answers 503 with Retry-After.
    public var ingestQueueCapacity = 200_000
    /// Attempts for a failed segment refresh within one recompute before it is reported failed.
    public var refreshAttempts = 3
    /// Webhook: ids per list per page, and attempts before a delivery is given up.
    public var webhookPageSize = 1000
    /// Attempts before a webhook delivery is marked failed.
    public var webhookAttempts = 8
    /// First retry delay of a failed webhook delivery; it doubles at each attempt.
    public var webhookRetryBase: Duration = .seconds(30)
    /// Time a webhook endpoint has to answer one delivery.
    public var webhookTimeout: Duration = .seconds(10)
    /// Longest a request's SQL may run before it is interrupted (503 `timeout`); nil: no limit.
    public var queryTimeLimit: Duration? = .seconds(30)
    /// A keep-alive connection with no request for this long is closed (slow or idle clients hold no socket for ever).
    public var idleTimeout: Duration = .seconds(60)
    /// After SIGTERM or SIGINT, how long requests and analyses under way may run before they are
    /// cancelled (their transactions rolled back); the process exits at most 5 s after that.
    public var shutdownGrace: Duration = .seconds(10)
    /// Which addresses webhooks may be delivered to (public ones only by default).
    public var webhookNetworks = WebhookNetworkPolicy()
    /// How often the webhook sender looks for due deliveries; nil: no sender runs (tests drive it
    /// with ``WebhookQueue/deliverDue()``).
    public var webhookPollInterval: Duration? = .milliseconds(500)
    /// The time of day for sessions, webhooks and their retries (a ``ManualClock`` in tests).
    public var clock: any WallClock = SystemClock()

    /// The defaults of `segmenta serve`.
    public init() {}
}
