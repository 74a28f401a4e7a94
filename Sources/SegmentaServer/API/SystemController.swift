public import Hummingbird
public import SegmentaCore
public import SegmentaStore
import NIOCore

/// `/health`, `/metrics` (Prometheus text) and `/openapi.json`. No key needed: they reveal no customer data.
public struct SystemController: Sendable {
    let store: any Storage
    let metrics: ServerMetrics
    let queue: IngestQueue

    /// The controller over the store, the metrics and the ingestion queue.
    public init(store: any Storage, metrics: ServerMetrics, queue: IngestQueue) {
        self.store = store
        self.metrics = metrics
        self.queue = queue
    }

    /// `/health`, `/metrics` and `/openapi.json`, without a key.
    public func addRoutes(to router: Router<AppRequestContext>) {
        let store = self.store, metrics = self.metrics, queue = self.queue
        router.get("health") { _, _ in
            do {
                var facts: [String: JSONValue] = (try await mapped { try await store.health() }).mapValues(JSONValue.string)
                facts["status"] = .string("ok")
                facts["ingest_queue"] = .number(Double(await queue.depth))
                return Response.json(.object(facts))
            } catch {
                // No key is needed here: say that the database is unavailable, not why (the log has it).
                return Response.json(.object(["status": .string("unavailable"), "database": .string("sqlite")]), status: .serviceUnavailable)
            }
        }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer())))
        }
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
    }
}
