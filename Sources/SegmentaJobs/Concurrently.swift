public import SegmentaCore
import Foundation

/// Independent store reads run at once: each backend answers them on its own threads or
/// connections (SQLite's readers, PostgreSQL's pool, ClickHouse over HTTP), so a job that needs
/// several waits for the slowest, not for their sum.
enum Concurrently {
    /// The results of `jobs`, in their order; the first error (in their order) if any failed.
    /// At most `width` run at a time (default: the cores): more would only share the cores and
    /// hold more rows in memory at once.
    static func all<T: Sendable>(_ jobs: [@Sendable () async throws -> T], width: Int = ProcessInfo.processInfo.activeProcessorCount) async throws(SegmentaError) -> [T] {
        let results = await withTaskGroup(of: (Int, Result<T, SegmentaError>).self) { group in
            var out = [Result<T, SegmentaError>?](repeating: nil, count: jobs.count)
            var next = 0
            func start() {
                guard next < jobs.count else { return }
                let (i, job) = (next, jobs[next])
                group.addTask { (i, await result(job)) }
                next += 1
            }
            for _ in 0..<max(1, width) { start() }
            for await (i, r) in group {
                out[i] = r
                start()
            }
            return out
        }
        var values: [T] = []
        values.reserveCapacity(jobs.count)
        for r in results {
            guard let r else { throw SegmentaError(.cancelled, "a read was cancelled before it finished") }
            values.append(try r.get())
        }
        return values
    }

    /// `body`'s value or its error (the jobs' closures throw untyped: the store's reads throw
    /// ``SegmentaError`` only, anything else is said as a storage error).
    static func result<T>(_ body: () async throws -> T) async -> Result<T, SegmentaError> {
        do { return .success(try await body()) } catch {
            return .failure(error as? SegmentaError ?? SegmentaError(.storage, "a read failed: \(error)"))
        }
    }
}
