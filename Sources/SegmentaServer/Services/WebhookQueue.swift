public import SegmentaCore
public import SegmentaStore
public import Logging
public import ServiceLifecycle
import AsyncHTTPClient
import Crypto
import NIOCore
import NIOPosix
import Foundation

/// Webhook deliveries: refreshes put pages of who entered and left into a durable outbox (the
/// `webhook_deliveries` table), and this service POSTs them, signed with HMAC-SHA256 of the body
/// (`X-Segmenta-Signature: sha256=<hex>`), retrying failures with exponential backoff. The
/// outbox is the delivery log the API shows.
public final class WebhookQueue: Service, Sendable {
    let store: SQLiteStore
    let metrics: ServerMetrics
    let pageSize: Int
    let attempts: Int
    let retryBase: Duration
    let timeout: Duration
    let logger: Logger

    public init(store: SQLiteStore, metrics: ServerMetrics, pageSize: Int, attempts: Int, retryBase: Duration, timeout: Duration, logger: Logger) {
        self.store = store
        self.metrics = metrics
        self.pageSize = pageSize
        self.attempts = attempts
        self.retryBase = retryBase
        self.timeout = timeout
        self.logger = logger
    }

    /// Queues a refresh's changes for every webhook of its segment (sent within half a second).
    public func enqueue(_ refresh: RefreshResult) async {
        let store = self.store, pageSize = self.pageSize
        do {
            try await NIOThreadPool.singleton.runIfActive { try store.enqueueWebhookDeliveries(refresh, pageSize: pageSize) }
        } catch {
            logger.error("could not queue webhook deliveries", metadata: ["segment": .string(refresh.segment), "error": .string("\(error)")])
        }
    }

    public func run() async throws {
        // The outbox is polled: a due delivery (new, or a retry whose time came) goes out within half a second.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelledOrShuttingDown {
                await self.deliverDue()
                do { try await Task.sleep(for: .milliseconds(500)) } catch { return }
            }
        }
    }

    /// Sends every delivery that is due.
    func deliverDue() async {
        let store = self.store
        guard let due = try? await NIOThreadPool.singleton.runIfActive({ try store.dueWebhookDeliveries(now: .now) }) else { return }
        for d in due { await deliver(d) }
    }

    func deliver(_ d: WebhookDelivery) async {
        var request = HTTPClientRequest(url: d.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Segmenta-Webhooks/1")
        request.headers.add(name: "X-Segmenta-Signature", value: "sha256=" + Self.signature(body: d.body, secret: d.secret))
        request.headers.add(name: "X-Segmenta-Delivery", value: String(d.id))
        request.body = .bytes(ByteBuffer(string: d.body))
        var status: Int?
        var failure: String?
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .init(timeout))
            status = Int(response.status.code)
            if !(200..<300).contains(status!) { failure = "the endpoint answered \(status!)" }
        } catch {
            failure = "\(error)"
        }
        let attempt = d.attempts + 1
        let retryAt: Timestamp? = failure == nil || attempt >= attempts ? nil
            : Timestamp(milliseconds: Timestamp.now.milliseconds + Int64(retryBase.inSeconds * 1000 * pow(2, Double(attempt - 1))))
        metrics.webhookDeliveries(failure == nil ? "delivered" : retryAt == nil ? "failed" : "retry").increment()
        if let failure { logger.warning("webhook delivery failed", metadata: ["delivery": .stringConvertible(d.id), "url": .string(d.url), "error": .string(failure)]) }
        let store = self.store, error = failure, code = status
        _ = try? await NIOThreadPool.singleton.runIfActive {
            try store.recordDeliveryAttempt(id: d.id, delivered: error == nil, responseStatus: code, error: error, retryAt: retryAt)
        }
    }

    /// Hex HMAC-SHA256 of `body` with `secret`: what receivers compare with `X-Segmenta-Signature`.
    public static func signature(body: String, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(body.utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return mac.map { String(format2: $0) }.joined()
    }
}
