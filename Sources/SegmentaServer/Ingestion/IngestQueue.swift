public import SegmentaCore
public import SegmentaStore
public import Logging
import NIOPosix
public import ServiceLifecycle
import Synchronization

/// Batches from concurrent requests wait here to be committed together (group commit): one
/// SQLite transaction for everything that arrived while the previous one was being written.
/// A request's `200` is sent only after its batch's transaction committed.
public actor IngestQueue {
    struct Job {
        let batch: MessageBatch
        let continuation: CheckedContinuation<MessageImportResult, any Error>
    }

    /// The queue is full: answer 503 with Retry-After, never drop.
    public struct Full: Error {}
    /// The server is shutting down and takes no new batches.
    public struct Closed: Error {}

    private var jobs: [Job] = []
    private var queued = 0
    /// When the oldest batch still waiting was queued.
    private var oldestQueued: ContinuousClock.Instant?
    /// When the commit under way started.
    private var committingSince: ContinuousClock.Instant?
    private let closed = Atomic<Bool>(false)
    private let capacity: Int
    private let signal: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    /// - Parameter capacity: messages waiting beyond which ``submit(_:)`` throws ``Full``.
    public init(capacity: Int) {
        self.capacity = capacity
        (signal, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues a batch and waits until it is committed; returns what storing it did.
    public func submit(_ batch: MessageBatch) async throws -> MessageImportResult {
        if closed.load(ordering: .acquiring) { throw Closed() }
        guard queued == 0 || queued + batch.messages.count <= capacity else { throw Full() }
        queued += batch.messages.count
        return try await withCheckedThrowingContinuation { c in
            if jobs.isEmpty { oldestQueued = .now }
            jobs.append(Job(batch: batch, continuation: c))
            wake.yield()
        }
    }

    /// Everything waiting, emptying the queue.
    func takeAll() -> [Job] {
        defer { jobs = []; queued = 0 }
        if !jobs.isEmpty { committingSince = oldestQueued ?? .now }
        oldestQueued = nil
        return jobs
    }

    /// The commit under way ended (stored or failed).
    func committed() { committingSince = nil }

    /// How long the oldest unacknowledged batch has waited (queued or being committed): zero when
    /// none waits. A group commit takes milliseconds; seconds mean the storage is not answering.
    public var waiting: Duration {
        guard let since = [committingSince, oldestQueued].compactMap({ $0 }).min() else { return .zero }
        return .now - since
    }

    /// Messages waiting now.
    public var depth: Int { queued }

    /// Takes no new batches from now on; the writer commits what is queued and stops.
    nonisolated func close() {
        closed.store(true, ordering: .releasing)
        wake.finish()
    }

    nonisolated var signals: AsyncStream<Void> { signal }
}

/// The single writer: takes everything queued, commits it in one transaction (the backend's group
/// commit; SQLite's runs on a thread outside the cooperative pool), resumes each waiting request.
/// On graceful shutdown it stops taking new batches, commits what is queued, and ends.
public struct IngestWriter: Service {
    let queue: IngestQueue
    /// Stores a group of batches in one transaction (the store's group commit).
    let commit: @Sendable ([MessageBatch]) async throws -> [MessageImportResult]
    let metrics: ServerMetrics
    let logger: Logger
    /// The longest a group commit is waited for. Past it, its requests are answered 503 (the SDKs
    /// send them again; a commit that lands later stores nothing twice, message ids are unique),
    /// the commit is cancelled and the writer goes on with what came meanwhile: a storage call
    /// that never answers cannot stop ingestion for good.
    let commitLimit: Duration

    /// The writer of `queue` into `store`.
    public init(queue: IngestQueue, store: any ProfileStore, metrics: ServerMetrics, logger: Logger, commitLimit: Duration = .seconds(30)) {
        self.init(queue: queue, commit: { try await store.apply($0) }, metrics: metrics, logger: logger, commitLimit: commitLimit)
    }

    /// The writer of `queue` through `commit` (tests give one that never answers).
    init(queue: IngestQueue, commit: @escaping @Sendable ([MessageBatch]) async throws -> [MessageImportResult], metrics: ServerMetrics,
         logger: Logger, commitLimit: Duration) {
        self.queue = queue
        self.commit = commit
        self.metrics = metrics
        self.logger = logger
        self.commitLimit = commitLimit
    }

    /// Commits groups until shutdown, then what is still queued.
    public func run() async throws {
        await withGracefulShutdownHandler {
            for await _ in queue.signals {
                // Group commit: give concurrent requests a moment to join a small commit. Each commit
                // rewrites every index page it touches, so fewer, larger commits store more per second.
                if await queue.depth < 1000 { try? await Task.sleep(for: .milliseconds(2)) }
                await commitWaiting()
            }
        } onGracefulShutdown: {
            queue.close()
        }
        queue.close()
        await commitWaiting()
    }

    func commitWaiting() async {
        let jobs = await queue.takeAll()
        guard !jobs.isEmpty else { return }
        let commit = self.commit
        let batches = jobs.map(\.batch)
        do {
            let results = try await bounded(commitLimit) { try await commit(batches) }
            metrics.commitSize.record(Double(batches.reduce(0) { $0 + $1.messages.count }))
            for (job, result) in zip(jobs, results) { job.continuation.resume(returning: result) }
        } catch let error as SegmentaError where error.code == .timeout {
            logger.error("group commit of \(jobs.count) batches got no answer from the storage within \(commitLimit); none acknowledged (the SDKs send them again)")
            for job in jobs { job.continuation.resume(throwing: SegmentaError(.storage, "the storage did not answer within \(commitLimit)")) }
        } catch {
            logger.error("group commit of \(jobs.count) batches failed, none acknowledged (the SDKs send them again): \(error)")
            for job in jobs { job.continuation.resume(throwing: error) }
        }
        await queue.committed()
    }
}
