public import SegmentaCore
public import SegmentaStore
public import Logging
public import ServiceLifecycle
import AsyncHTTPClient
import Crypto
import NIOCore
import NIOPosix
import Foundation
import Synchronization

/// Webhook deliveries: every refresh (CLI, API, dashboard, scheduler) puts pages of who entered
/// and left into a durable outbox (the `webhook_deliveries` table) in its own transaction, and this
/// service POSTs them, retrying failures with exponential
/// backoff. The outbox is the delivery log the API shows.
///
/// Each delivery is signed over its time and id as well as its body, so that a captured request
/// cannot be replayed: `X-Segmenta-Signature: sha256=HMAC(secret, "TIMESTAMP.DELIVERY.BODY")` with
/// `X-Segmenta-Timestamp` (Unix seconds) and `X-Segmenta-Delivery`. Before connecting, the URL's
/// host is resolved and every address checked against ``WebhookNetworkPolicy`` (no loopback,
/// link-local or metadata addresses; private ones only when allowed); plain-HTTP deliveries then
/// connect to the address that was checked. Redirects are never followed. Deliveries to one URL
/// go one at a time, in order; different URLs are served side by side, so a slow endpoint holds up
/// only its own deliveries.
public final class WebhookQueue: Service, Sendable {
    let store: any WebhookStore
    let metrics: ServerMetrics
    let attempts: Int
    let retryBase: Duration
    let timeout: Duration
    let policy: WebhookNetworkPolicy
    let clock: any WallClock
    let pollInterval: Duration
    let logger: Logger
    /// URLs with a delivery under way.
    let busy = Mutex<Set<String>>([])
    /// Endpoints served at the same time.
    static let parallelEndpoints = 16

    /// A sender over `store`'s outbox: retries with exponential backoff from `retryBase`, `policy` on addresses, `clock` for due times.
    public init(store: any WebhookStore, metrics: ServerMetrics, attempts: Int, retryBase: Duration, timeout: Duration,
                policy: WebhookNetworkPolicy = WebhookNetworkPolicy(), clock: any WallClock = SystemClock(),
                pollInterval: Duration = .milliseconds(500), logger: Logger) {
        self.store = store
        self.metrics = metrics
        self.attempts = attempts
        self.retryBase = retryBase
        self.timeout = timeout
        self.policy = policy
        self.clock = clock
        self.pollInterval = pollInterval
        self.logger = logger
    }

    /// The client deliveries go out with: no redirects followed, the configured time limits.
    func makeClient() -> HTTPClient {
        HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                   configuration: HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .init(timeout), read: .init(timeout))))
    }

    /// One pass over the outbox: every delivery due now is attempted (URLs side by side, each
    /// URL's in order), and the call returns when all have been. What the running service does
    /// every poll; tests call it to deliver without waiting.
    public func deliverDue() async {
        let client = makeClient()
        await withDiscardingTaskGroup { group in
            for (url, deliveries) in await self.dueBatches() {
                group.addTask {
                    for d in deliveries { await self.deliver(d, client: client) }
                    self.busy.withLock { _ = $0.remove(url) }
                }
            }
        }
        try? await client.shutdown()
    }

    /// Sends due deliveries every `pollInterval` until shutdown.
    public func run() async throws {
        let client = makeClient()
        // The outbox is polled: a due delivery (new, or a retry whose time came) goes out within one poll interval.
        await withDiscardingTaskGroup { group in
            while !Task.isCancelledOrShuttingDown {
                for (url, deliveries) in await self.dueBatches() {
                    group.addTask {
                        for d in deliveries { await self.deliver(d, client: client) }
                        self.busy.withLock { _ = $0.remove(url) }
                    }
                }
                do { try await Task.sleep(for: pollInterval) } catch { break }
            }
        }
        try? await client.shutdown()
    }

    /// Due deliveries grouped by URL, leaving out URLs already being served; marks the chosen URLs busy.
    func dueBatches() async -> [(url: String, deliveries: [WebhookDelivery])] {
        let store = self.store
        guard let due = try? await store.dueWebhookDeliveries(now: clock.now) else { return [] }
        let byURL = Dictionary(grouping: due, by: \.url)
        let order = due.map(\.url).withoutRepeats()   // oldest due first
        return busy.withLock { busy in
            var out: [(url: String, deliveries: [WebhookDelivery])] = []
            for url in order where !busy.contains(url) && busy.count < Self.parallelEndpoints {
                busy.insert(url)
                out.append((url, byURL[url] ?? []))
            }
            return out
        }
    }

    func deliver(_ d: WebhookDelivery, client: HTTPClient) async {
        let policy = self.policy
        let target = (try? await NIOThreadPool.singleton.runIfActive { WebhookTarget.check(d.url, policy: policy) })
            ?? .failure(WebhookRefusal("the server is shutting down"))
        var status: Int?
        var failure: String?
        var permanent = false
        switch target {
        case .failure(let refusal):
            failure = refusal.reason
            permanent = true
        case .success(let (parsed, address)):
            // Plain HTTP connects to the checked address (no second lookup an attacker's DNS could answer
            // differently); HTTPS keeps the name for certificate checks.
            let url = parsed.scheme == "http" ? "http://\(address.urlHost):\(parsed.port)\(parsed.target)" : d.url
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            let timestamp = String(clock.now.milliseconds / 1000)
            request.headers.add(name: "Host", value: parsed.port == (parsed.scheme == "https" ? 443 : 80) ? parsed.host : "\(parsed.host):\(parsed.port)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "Segmenta-Webhooks/2")
            request.headers.add(name: "X-Segmenta-Timestamp", value: timestamp)
            request.headers.add(name: "X-Segmenta-Delivery", value: String(d.id))
            request.headers.add(name: "X-Segmenta-Signature", value: "sha256=" + Self.signature(timestamp: timestamp, delivery: d.id, body: d.body, secret: d.secret))
            request.body = .bytes(ByteBuffer(string: d.body))
            do {
                let response = try await client.execute(request, timeout: .init(timeout))
                let code = Int(response.status.code)
                status = code
                if !(200..<300).contains(code) {
                    failure = (300..<400).contains(code) ? "the endpoint answered \(code) (a redirect; webhooks do not follow redirects: use the final URL)" : "the endpoint answered \(code)"
                }
            } catch {
                failure = "\(error)"
            }
        }
        let attempt = d.attempts + 1
        let retryAt: Timestamp? = failure == nil || permanent || attempt >= attempts ? nil
            : Timestamp(milliseconds: clock.now.milliseconds &+ Int64(retryBase.inSeconds * 1000 * pow(2, Double(min(attempt - 1, 30)))))
        metrics.webhookDeliveries(failure == nil ? "delivered" : retryAt == nil ? "failed" : "retry").increment()
        if let failure { logger.warning("webhook delivery failed", metadata: ["delivery": .stringConvertible(d.id), "url": .string(WebhookTarget.masked(d.url)), "error": .string(failure)]) }
        let store = self.store, error = failure, code = status
        try? await store.recordDeliveryAttempt(id: d.id, delivered: error == nil, responseStatus: code, error: error, retryAt: retryAt)
    }

    /// What is signed: `"TIMESTAMP.DELIVERY.BODY"`, so a receiver that checks the timestamp is recent
    /// and the delivery id is new refuses a replayed request.
    public static func signature(timestamp: String, delivery: Int64, body: String, secret: String) -> String {
        signature(body: "\(timestamp).\(delivery).\(body)", secret: secret)
    }

    /// Hex HMAC-SHA256 of `body` with `secret`.
    public static func signature(body: String, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(body.utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return mac.map { String(format2: $0) }.joined()
    }
}
