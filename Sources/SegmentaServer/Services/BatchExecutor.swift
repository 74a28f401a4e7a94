import Dispatch

/// Where the server runs batch jobs (recomputes, comparisons, validations): a task executor on
/// its own dispatch queue, so that seconds of CPU work (RFM scoring, k-means, CLV fits) never
/// occupy the cooperative threads that serve requests and ingestion.
final class BatchExecutor: TaskExecutor, @unchecked Sendable {
    /// The one instance.
    static let shared = BatchExecutor()

    private let queue = DispatchQueue(label: "segmenta.batch", qos: .utility, attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { unowned.runSynchronously(on: executor) }
    }
}
