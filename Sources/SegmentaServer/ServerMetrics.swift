public import Prometheus

/// The server's Prometheus metrics, in their own registry (no global bootstrap, so several
/// servers can run in one test process). Served as text at `GET /metrics`.
public final class ServerMetrics: Sendable {
    /// Where every metric is registered (what `/metrics` exports).
    public let registry = PrometheusCollectorRegistry()
    let received: Counter
    let accepted: Counter
    let duplicates: Counter
    let mergesRefused: Counter
    let futureDated: Counter
    let ingestWaiting: Gauge
    let erased: Counter
    let batchLatency: DurationHistogram
    let commitSize: ValueHistogram
    let backpressure: Counter
    let refreshDuration: DurationHistogram

    /// Registers every metric.
    public init() {
        received = registry.makeCounter(name: "segmenta_ingest_messages_received_total", help: "Messages received on the ingestion routes.")
        accepted = registry.makeCounter(name: "segmenta_ingest_messages_accepted_total", help: "Messages stored (new).")
        duplicates = registry.makeCounter(name: "segmenta_ingest_messages_duplicate_total", help: "Messages already stored (same source and messageId).")
        mergesRefused = registry.makeCounter(name: "segmenta_identity_merges_refused_total", help: "identify messages that would have merged two identified profiles and did not.")
        ingestWaiting = registry.makeGauge(name: "segmenta_ingest_waiting_seconds", help: "How long the oldest unacknowledged batch has waited for its commit (0 when none waits); /health answers 503 past 30 s.")
        futureDated = registry.makeCounter(name: "segmenta_ingest_messages_future_dated_total", help: "Messages dated more than a day after their arrival (after the sentAt correction): stored at their arrival, their own time kept as original_timestamp.")
        erased = registry.makeCounter(name: "segmenta_ingest_messages_erased_total", help: "Queued messages dropped at commit because their person was deleted after they arrived.")
        batchLatency = registry.makeDurationHistogram(name: "segmenta_ingest_request_duration_seconds",
                                                      buckets: [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                                                .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5)],
                                                      help: "Time from a batch's arrival to its commit.")
        commitSize = registry.makeValueHistogram(name: "segmenta_ingest_group_commit_messages", buckets: [1, 10, 100, 500, 1000, 5000, 20000],
                                                 help: "Messages per group commit.")
        backpressure = registry.makeCounter(name: "segmenta_ingest_backpressure_total", help: "Requests answered 503 because the commit queue was full.")
        refreshDuration = registry.makeDurationHistogram(name: "segmenta_segment_refresh_duration_seconds",
                                                         buckets: [.milliseconds(10), .milliseconds(100), .seconds(1), .seconds(5), .seconds(30), .seconds(120)],
                                                         help: "Time to refresh one segment.")
        for reason in ["suppressed"] { _ = rejected(reason) }
    }

    /// Messages refused inside accepted batches, by reason (`missing_user_id`, `message_too_large`, `suppressed`, …).
    func rejected(_ reason: String) -> Counter {
        registry.makeCounter(name: "segmenta_ingest_messages_rejected_total", labels: [("reason", reason)], help: "Messages refused, by reason.")
    }

    /// Requests refused as a whole, by status.
    func requestRejected(_ status: Int) -> Counter {
        registry.makeCounter(name: "segmenta_ingest_requests_rejected_total", labels: [("status", String(status))], help: "Ingestion requests refused, by HTTP status.")
    }

    /// Refreshes by outcome (`ok`, `retried`, `failed`).
    func refreshes(_ outcome: String) -> Counter {
        registry.makeCounter(name: "segmenta_segment_refreshes_total", labels: [("outcome", outcome)], help: "Segment refreshes by outcome.")
    }

    /// Recompute steps by step and outcome.
    func alerts(_ kind: String) -> Counter {
        registry.makeCounter(name: "segmenta_segment_alerts_total", labels: [("kind", kind)], help: "Drift alerts raised at refreshes, by kind (size, mix).")
    }

    func recomputes(_ step: String, _ outcome: String) -> Counter {
        registry.makeCounter(name: "segmenta_recompute_steps_total", labels: [("step", step), ("outcome", outcome)], help: "Scheduled recompute steps by outcome.")
    }

    /// Webhook deliveries by outcome (`delivered`, `retry`, `failed`).
    func webhookDeliveries(_ outcome: String) -> Counter {
        registry.makeCounter(name: "segmenta_webhook_deliveries_total", labels: [("outcome", outcome)], help: "Webhook delivery attempts by outcome.")
    }
}
