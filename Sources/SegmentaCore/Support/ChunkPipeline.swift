import Foundation

/// Work split into consecutive chunks, produced one after another on a background thread while
/// the caller consumes them in order: the second core formats the next rows while the first
/// writes the previous ones (saving computed traits: texts built while SQLite inserts).
/// ``next()`` blocks until the next chunk is ready, so call it from a thread that may block
/// (a database writer's queue), not from a Swift concurrency task.
public final class ChunkPipeline<T: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var ready: [T?]
    private var taken = 0
    /// The ranges of `0..<count`, in order.
    public let ranges: [Range<Int>]

    /// Starts producing `produce(range)` for each range of at most `chunkSize` items of `0..<count`.
    public init(count: Int, chunkSize: Int, produce: @escaping @Sendable (Range<Int>) -> T) {
        let size = max(1, chunkSize)
        ranges = stride(from: 0, to: max(0, count), by: size).map { $0..<min($0 + size, count) }
        ready = [T?](repeating: nil, count: ranges.count)
        let ranges = ranges
        Thread.detachNewThread { [self] in
            for (i, range) in ranges.enumerated() {
                let value = produce(range)
                condition.lock()
                ready[i] = value
                condition.signal()
                condition.unlock()
            }
        }
    }

    /// The next chunk in order with its range, waiting for it if needed; nil after the last.
    public func next() -> (range: Range<Int>, value: T)? {
        condition.lock()
        defer { condition.unlock() }
        guard taken < ranges.count else { return nil }
        while ready[taken] == nil { condition.wait() }
        guard let value = ready[taken] else { return nil }
        ready[taken] = nil   // the consumer holds it now; memory is released as chunks are written
        taken += 1
        return (ranges[taken - 1], value)
    }
}
