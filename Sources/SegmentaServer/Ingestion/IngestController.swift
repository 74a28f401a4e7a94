public import Hummingbird
public import SegmentaCore
public import SegmentaStore
import CompressNIO
import Foundation
public import Logging
import NIOCore

/// The SDK-facing routes of `shared/INGESTION.md`: Segment (`/v1/batch`, `/v1/b`, `/v1/track`, …)
/// and PostHog (`/batch/`, `/capture/`, `/i/v0/e/`). Authenticated by write keys only.
public struct IngestController: Sendable {
    let store: any Storage
    let queue: IngestQueue
    let metrics: ServerMetrics
    let maxBodyBytes: Int
    let logger: Logger

    /// The SDK endpoints, writing through `queue`, bodies up to `maxBodyBytes`.
    public init(store: any Storage, queue: IngestQueue, metrics: ServerMetrics, maxBodyBytes: Int, logger: Logger) {
        self.store = store
        self.queue = queue
        self.metrics = metrics
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
    }

    /// Adds the ingestion routes (the router matches them with or without a trailing slash).
    public func addRoutes(to router: Router<AppRequestContext>) {
        func route(_ path: String, _ format: WireBatch.Format) {
            router.post(RouterPath(path)) { request, context in try await self.ingest(request, context: context, format: format) }
        }
        route("/v1/batch", .segmentBatch)
        route("/v1/b", .segmentBatch)
        for kind in Message.Kind.allCases { route("/v1/\(kind.rawValue)", .segmentSingle(kind)) }
        route("/batch", .posthogBatch)
        route("/capture", .posthogCapture)
        route("/i/v0/e", .posthogCapture)
        route("/e", .posthogCapture)
    }

    func ingest(_ request: Request, context: AppRequestContext, format: WireBatch.Format) async throws -> Response {
        let arrival = Timestamp.now
        let clock = ContinuousClock.now
        do {
            let response = try await handle(request, format: format, arrival: arrival)
            metrics.batchLatency.record(ContinuousClock.now - clock)
            return response
        } catch let e as APIError {
            metrics.requestRejected(Int(e.status.code)).increment()
            if e.status.code >= 500 { logger.warning("ingestion answered \(e.status.code): \(e.message)") }
            throw e
        }
    }

    func handle(_ request: Request, format: WireBatch.Format, arrival: Timestamp) async throws -> Response {
        let posthog = format == .posthogBatch || format == .posthogCapture
        // Cheap rejection first: a key in the header is checked before a byte of the body is read.
        let known: APIKey? = if let headerKey = posthog ? nil : Self.basicKey(request) { try await writeKey(headerKey) } else { nil }
        var body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBodyBytes)
        } catch {
            throw APIError(.contentTooLarge, code: "payload_too_large", "the request body is over \(maxBodyBytes / 1024 / 1024) MiB; send smaller batches (Segment's SDKs cut at 500 KB)")
        }
        if let encoding = request.headers[.contentEncoding]?.lowercased(), encoding != "identity" {
            guard encoding == "gzip" || encoding == "x-gzip" else {
                throw APIError.badRequest("Content-Encoding \(encoding) is not supported; send gzip or an uncompressed body", code: "unsupported_encoding")
            }
            do {
                body = try body.decompress(with: .gzip(), maxSize: 4 * maxBodyBytes)
            } catch let e as CompressNIOError where e == .bufferOverflow {
                throw APIError(.contentTooLarge, code: "payload_too_large", "the gzip body expands to more than \(4 * maxBodyBytes / 1024 / 1024) MiB; send smaller batches")
            } catch {
                throw APIError.badRequest("the body says Content-Encoding: gzip but is not valid gzip data", code: "invalid_gzip")
            }
        }
        let json: JSONValue
        do {
            json = try body.parseJSON(limits: .request)
        } catch {
            throw APIError.invalidJSON(error)
        }
        let batch: WireBatch
        do { batch = try WireBatch.decode(json, format: format, bodyBytes: body.readableBytes) } catch {
            throw APIError.badRequest(error.reason, code: error.code)
        }
        let key: APIKey
        if let known { key = known } else {
            guard let token = batch.bodyKey else {
                throw APIError.unauthorized(posthog ? "no api_key in the body; set it to a Segmenta write key" : "no write key: send Authorization: Basic base64(\"WRITE_KEY:\") or \"writeKey\" in the body")
            }
            key = try await writeKey(token)
        }
        var messages: [Message] = []
        messages.reserveCapacity(batch.items.count)
        metrics.received.increment(by: Int64(batch.items.count))
        var refused: [String: (count: Int, example: String)] = [:]
        for item in batch.items {
            switch item {
            case .success(var m):
                if m.messageID == nil { m.messageID = "srv-" + UUID().uuidString.lowercased() }
                messages.append(m)
            case .failure(let invalid):
                refused[invalid.code, default: (0, invalid.reason)].count += 1
            }
        }
        // One log line per reason and request, not per message: a batch of 10,000 bad messages must not flood the log.
        for (code, r) in refused {
            metrics.rejected(code).increment(by: Int64(r.count))
            logger.warning("messages refused", metadata: ["reason": .string(code), "count": .stringConvertible(r.count), "example": .string(r.example)])
        }
        let ids = Set(messages.flatMap { [$0.userID, $0.anonymousID, $0.previousID].compactMap { $0 } })
        let store = self.store
        let suppressed = try await mapped { try await store.suppressed(among: ids) }
        if !suppressed.isEmpty {
            let before = messages.count
            messages.removeAll { m in [m.userID, m.anonymousID, m.previousID].contains { $0.map(suppressed.contains) ?? false } }
            metrics.rejected("suppressed").increment(by: Int64(before - messages.count))
        }
        if !messages.isEmpty {
            do {
                let result = try await queue.submit(MessageBatch(messages: messages, source: "http:" + key.id, arrival: arrival, encode: true))
                metrics.accepted.increment(by: Int64(result.accepted))
                metrics.duplicates.increment(by: Int64(result.duplicates))
                if result.mergesRefused > 0 { metrics.mergesRefused.increment(by: Int64(result.mergesRefused)) }
                if result.erased > 0 { metrics.erased.increment(by: Int64(result.erased)) }
            } catch is IngestQueue.Full {
                metrics.backpressure.increment()
                throw APIError(.serviceUnavailable, code: "busy", "the commit queue is full; retry after a second", headers: [.retryAfter: "1"])
            } catch is IngestQueue.Closed {
                throw APIError(.serviceUnavailable, code: "shutting_down", "the server is shutting down; retry shortly", headers: [.retryAfter: "5"])
            } catch {
                throw APIError(.serviceUnavailable, code: "storage_unavailable", "the batch could not be committed (nothing was stored); retry", headers: [.retryAfter: "2"])
            }
        }
        return Response.json(posthog ? .object(["status": .number(1)]) : .object(["success": .bool(true)]))
    }

    /// The active write key of a token, or a 401.
    func writeKey(_ token: String) async throws -> APIKey {
        let store = self.store
        guard let key = try await mapped({ try await APIKeys.authenticate(token, in: store) }), key.kind == .write else {
            throw APIError.unauthorized("unknown or revoked write key; `segmenta keys create --kind write` makes one")
        }
        return key
    }

    /// The key of `Authorization: Basic base64("KEY:")` (a key sent without the colon works too).
    static func basicKey(_ request: Request) -> String? {
        guard let value = request.headers[.authorization] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
              let data = Data(base64Encoded: String(parts[1]).trimmingWhitespace()),
              let text = String(data: data, encoding: .utf8) else { return nil }
        let key = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return key.isEmpty ? nil : key
    }
}
