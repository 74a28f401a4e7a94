import Dispatch
import Foundation

/// Splits `0..<count` into a few contiguous ranges, maps each on its own core, and joins the
/// results in order: for work that is independent per row (formatting, scoring).
public enum ParallelChunks {
    /// The results of `transform` over every chunk of `0..<count`, concatenated in order.
    /// - Parameter chunks: how many ranges (default: the active cores, at most `count`).
    public static func map<T: Sendable>(_ count: Int, chunks: Int? = nil, _ transform: @Sendable (Range<Int>) -> [T]) -> [T] {
        guard count > 0 else { return [] }
        let parts = max(1, min(count, chunks ?? ProcessInfo.processInfo.activeProcessorCount))
        let results = ChunkResults<[T]>(count: parts, empty: [])
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let lo = count / parts * part + min(part, count % parts)
            let hi = lo + count / parts + (part < count % parts ? 1 : 0)
            results.set(part, transform(lo..<hi))
        }
        var out: [T] = []
        out.reserveCapacity(count)
        for part in 0..<parts { out.append(contentsOf: results.get(part)) }
        return out
    }
}
