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
    let store: any ProfileStore & AccessStore & PrivacyStore
    let queue: IngestQueue
    let metrics: ServerMetrics
    let maxBodyBytes: Int
    let logger: Logger

    /// The SDK endpoints, writing through `queue`, bodies up to `maxBodyBytes`.
    public init(store: any ProfileStore & AccessStore & PrivacyStore, queue: IngestQueue, metrics: ServerMetrics, maxBodyBytes: Int, logger: Logger) {
        self.store = store
        self.queue = queue
        self.metrics = metrics
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
    }

    /// Each ingestion path and the body it takes: Segment's and RudderStack's, analytics.js's
    /// one-letter paths (`/v1/t` for track: the first letter of the type), PostHog's.
    static let routes: [(path: String, format: WireBatch.Format)] = {
        var out: [(String, WireBatch.Format)] = [("/v1/batch", .segmentBatch), ("/v1/b", .segmentBatch)]
        for kind in Message.Kind.allCases {
            out.append(("/v1/\(kind.rawValue)", .segmentSingle(kind)))
            out.append(("/v1/\(kind.rawValue.prefix(1))", .segmentSingle(kind)))
        }
        out += [("/batch", .posthogBatch), ("/capture", .posthogCapture), ("/i/v0/e", .posthogCapture), ("/e", .posthogCapture)]
        return out
    }()

    /// The paths of ``routes`` and PostHog's flag paths: the only ones CORS opens to other origins.
    static let corsPaths: Set<String> = Set(routes.map(\.path) + PostHogFlags.paths)

    /// Adds the ingestion routes (the router matches them with or without a trailing slash).
    public func addRoutes(to router: Router<AppRequestContext>) {
        for (path, format) in Self.routes {
            router.post(RouterPath(path)) { request, context in try await self.ingest(request, context: context, format: format) }
        }
        PostHogFlags().addRoutes(to: router)
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
        let declared = request.headers[.contentEncoding]?.lowercased()
        if let encoding = declared, encoding != "identity" {
            guard encoding == "gzip" || encoding == "x-gzip" else {
                throw APIError.badRequest("Content-Encoding \(encoding) is not supported; send gzip or an uncompressed body", code: "unsupported_encoding")
            }
        }
        // posthog-js's compression=gzip-js posts gzip as text/plain with no Content-Encoding: its
        // magic bytes say what it is (a JSON body never starts with 0x1f).
        if declared == "gzip" || declared == "x-gzip" || body.getBytes(at: body.readerIndex, length: 2) == [0x1f, 0x8b] {
            do {
                body = try body.decompress(with: .gzip(), maxSize: 4 * maxBodyBytes)
            } catch let e as CompressNIOError where e == .bufferOverflow {
                throw APIError(.contentTooLarge, code: "payload_too_large", "the gzip body expands to more than \(4 * maxBodyBytes / 1024 / 1024) MiB; send smaller batches")
            } catch {
                throw APIError.badRequest("the body says Content-Encoding: gzip but is not valid gzip data", code: "invalid_gzip")
            }
        }
        if posthog, PostHogFormBody.isForm(body.readableBytesView) {
            do {
                body = ByteBuffer(bytes: try PostHogFormBody.json(from: body.readableBytesView, compression: request.query("compression"), maxBytes: 4 * maxBodyBytes))
            } catch {
                throw APIError.badRequest(error.reason, code: error.code)
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
        if let allowed = key.origins, let origin = request.headers[.origin], !allowed.contains(origin.lowercased()) {
            throw APIError(.forbidden, code: "origin_not_allowed",
                           "this write key takes pages of \(allowed.joined(separator: ", ")) only, not \(origin); create a key with --origin \(origin) for that site")
        }
        var messages: [Message] = []
        messages.reserveCapacity(batch.items.count)
        metrics.received.increment(by: Int64(batch.items.count))
        var refused: [String: (count: Int, example: String)] = [:]
        var refusals: [(index: Int, invalid: Message.Invalid)] = []
        var futureDated = 0
        for (index, item) in batch.items.enumerated() {
            switch item {
            case .success(var m):
                if m.messageID == nil { m.messageID = "srv-" + UUID().uuidString.lowercased() }
                if m.isFutureDated(arrival: arrival) { futureDated += 1 }
                messages.append(m)
            case .failure(let invalid):
                refused[invalid.code, default: (0, invalid.reason)].count += 1
                refusals.append((index, invalid))
            }
        }
        if futureDated > 0 {
            metrics.futureDated.increment(by: Int64(futureDated))
            logger.info("messages dated more than a day ahead were stored at their arrival", metadata: ["count": .stringConvertible(futureDated), "write_key": .string(key.id)])
        }
        // One log line per reason and request, not per message: a batch of 10,000 bad messages must not flood the log.
        for (code, r) in refused {
            metrics.rejected(code).increment(by: Int64(r.count))
            logger.warning("messages refused", metadata: ["reason": .string(code), "count": .stringConvertible(r.count), "example": .string(r.example)])
        }
        let ids = Set(messages.flatMap { [$0.userID, $0.anonymousID, $0.previousID].compactMap { $0 } })
        let store = self.store
        let suppressed = try await Self.fromStorage { try await store.suppressed(among: ids) }
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
        if !refusals.isEmpty { throw Self.refusal(refusals, of: batch.items.count) }
        return Response.json(posthog ? .object(["status": .number(1)]) : .object(["success": .bool(true)]))
    }

    /// The answer to a request with refused messages, once the others are stored: never a `200`
    /// for a message that was not stored. 413 when every refusal is a message over 32 KiB, else
    /// 400 — both tell the SDKs not to resend (what was stored stays stored once: messageIds).
    static func refusal(_ refusals: [(index: Int, invalid: Message.Invalid)], of total: Int) -> RefusedMessages {
        let stored = total - refusals.count
        let first = refusals[0].invalid
        let summary = total == 1
            ? "the message was refused: \(first.reason)"
            : "\(refusals.count) of \(total) messages were refused (the first, at index \(refusals[0].index): \(first.reason)); the other \(stored) were stored. Fix the refused messages and send only them again"
        let tooLarge = refusals.allSatisfy { $0.invalid.code == "message_too_large" }
        return RefusedMessages(status: tooLarge ? .contentTooLarge : .badRequest, message: summary, stored: stored,
                               refused: refusals.prefix(RefusedMessages.listed).map { ($0.index, $0.invalid.code, $0.invalid.reason) },
                               refusedCount: refusals.count)
    }

    /// The active write key of a token, or a 401.
    func writeKey(_ token: String) async throws -> APIKey {
        let store = self.store
        guard let key = try await Self.fromStorage({ try await APIKeys.authenticate(token, in: store) }), key.kind == .write else {
            throw APIError.unauthorized("unknown or revoked write key; `segmenta keys create --kind write` makes one")
        }
        return key
    }

    /// A lookup in the store during ingestion: a storage that fails, or does not answer within 5 s,
    /// is a `503` with `Retry-After` (the SDKs send again), never a `500` (they would give up) nor a
    /// request left waiting for a database that is gone.
    static func fromStorage<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            return try await bounded(.seconds(5), body)
        } catch let e as SegmentaError where e.code == .invalidInput {
            throw APIError(e)
        } catch {
            throw APIError(.serviceUnavailable, code: "storage_unavailable", "the store did not answer (nothing was stored); retry", headers: [.retryAfter: "2"])
        }
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
