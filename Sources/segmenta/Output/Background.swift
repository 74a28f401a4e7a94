import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Work that may use a spare core but must not slow the job that matters: it runs on a thread
/// of its own at a lower scheduling priority (nice 10 on Linux), so that a database writer
/// keeps a whole core while results are formatted beside it.
enum Background {
    /// The value of `body`, computed on a low-priority thread.
    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                #if os(Linux)
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)   // 0: this thread (the nice value is per thread on Linux)
                #endif
                continuation.resume(returning: body())
            }
        }
    }
}
