/// Per-chunk results written by parallel workers, each to its own slot. Every slot starts as
/// `empty` (the result of a chunk with no work), so reading one is total.
final class ChunkResults<T>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<T>
    private let count: Int
    init(count: Int, empty: T) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: empty, count: count)
    }
    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }
    func set(_ i: Int, _ value: T) { slots[i] = value }
    func get(_ i: Int) -> T { slots[i] }
}

/// Wraps a value that is only read concurrently (a buffer that outlives the parallel work).
struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
