public import Hummingbird
public import SegmentaCore
public import SegmentaStore
import NIOCore

/// `/health`, `/metrics` (Prometheus text) and `/openapi.json`. No key needed: they reveal no customer data.
public struct SystemController: Sendable {
    let store: any HealthStore
    let metrics: ServerMetrics
    let queue: IngestQueue
    let stalledAfter: Duration

    /// The controller over the store, the metrics and the ingestion queue.
    /// - Parameter stalledAfter: how long a batch may wait for its commit before `/health` says the
    ///   ingestion is stalled (a group commit takes milliseconds).
    public init(store: any HealthStore, metrics: ServerMetrics, queue: IngestQueue, stalledAfter: Duration = .seconds(30)) {
        self.store = store
        self.metrics = metrics
        self.queue = queue
        self.stalledAfter = stalledAfter
    }

    /// `/health`, `/metrics` and `/openapi.json`, without a key.
    public func addRoutes(to router: Router<AppRequestContext>) {
        let store = self.store, metrics = self.metrics, queue = self.queue, stalledAfter = self.stalledAfter
        router.get("health") { _, _ in
            let waiting = await queue.waiting, depth = await queue.depth
            // A commit that waits this long is a writer the storage stopped answering: no 200 will come.
            let stalled = waiting > stalledAfter
            var facts: [String: JSONValue] = ["ingest": .string(stalled ? "stalled" : "ok"), "ingest_queue": .number(Double(depth)),
                                              "ingest_waiting_seconds": .number((waiting.inSeconds * 10).rounded() / 10)]
            do {
                // Bounded: a database that does not answer is unavailable, not a health check that hangs.
                let answer = try await bounded(.seconds(3)) { try await store.health() }
                facts.merge(answer.mapValues(JSONValue.string)) { _, new in new }
                facts["database_status"] = .string("ok")
            } catch {
                // No key is needed here: say that the database is unavailable, not why (the log has it).
                facts["database"] = .string(store.databaseKind)
                facts["database_status"] = .string("unavailable")
                facts["status"] = .string("unavailable")
                return Response.json(.object(facts), status: .serviceUnavailable)
            }
            // A ClickHouse shard that does not answer (events can be neither stored nor read), or a stuck writer.
            let degraded = facts["events_status"] == .string("unavailable") || stalled
            facts["status"] = .string(degraded ? "degraded" : "ok")
            return Response.json(.object(facts), status: degraded ? .serviceUnavailable : .ok)
        }
        router.get("metrics") { _, _ in
            metrics.ingestWaiting.set(await queue.waiting.inSeconds)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer())))
        }
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
    }
}
