/// Per-customer order totals: first and last order, count, sum. One entry per customer, in
/// ``CustomerOrder`` (numeric ids numerically).
public struct CustomerTotals: Sendable, Equatable {
    /// Customer ids, in customer order.
    public var ids: [String] = []
    /// Time of each customer's first order.
    public var first: [Timestamp] = []
    /// Time of each customer's last order.
    public var last: [Timestamp] = []
    /// Number of orders.
    public var count: [Int] = []
    /// Sum of amounts.
    public var monetary: [Double] = []

    /// Creates empty totals.
    public init() {}

    /// Number of customers.
    public var customerCount: Int { ids.count }

    /// Time of the latest order of all, if any.
    public var latestOrder: Timestamp? { last.max() }

    /// Totals computed from a list of orders (orders after `cutoff`, when given, are left out).
    /// - Complexity: O(n + c log c) for n orders and c customers.
    public static func from(_ orders: [Order], before cutoff: Timestamp? = nil) -> CustomerTotals {
        var builder = TotalsBuilder()
        for o in orders where cutoff.map({ o.timestamp < $0 }) ?? true {
            builder.add(id: o.customerID, timestamp: o.timestamp, amount: o.amount)
        }
        return builder.finish()
    }
}

/// Accumulates per-customer totals; ids are hashed as packed integers when they are digits.
///
/// Sums use Neumaier's compensated summation so that totals do not depend on row order.
struct TotalsBuilder {
    var packedIndex: [Int64: Int32] = [:]
    var stringIndex: [String: Int32] = [:]
    var packedKey: [Int64] = []       // -1 for text ids
    var textKey: [String] = []        // "" for packed ids
    var first: [Int64] = []
    var last: [Int64] = []
    var count: [Int] = []
    var sum: [Double] = []
    var compensation: [Double] = []

    init(capacity: Int = 0) {
        packedIndex.reserveCapacity(capacity)
    }

    @inline(__always)
    mutating func slot(bytes: UnsafeBufferPointer<UInt8>) -> Int {
        if let k = CustomerOrder.packedKey(bytes) {
            if let i = packedIndex[k] { return Int(i) }
            let i = newSlot(packed: k, text: "")
            packedIndex[k] = Int32(i)
            return i
        }
        let s = String(decoding: bytes, as: UTF8.self)
        if let i = stringIndex[s] { return Int(i) }
        let i = newSlot(packed: -1, text: s)
        stringIndex[s] = Int32(i)
        return i
    }

    mutating func slot(id: String) -> Int {
        var copy = id
        return copy.withUTF8 { slot(bytes: $0) }
    }

    mutating func newSlot(packed: Int64, text: String) -> Int {
        packedKey.append(packed)
        textKey.append(text)
        first.append(.max)
        last.append(.min)
        count.append(0)
        sum.append(0)
        compensation.append(0)
        return packedKey.count - 1
    }

    @inline(__always)
    mutating func add(slot i: Int, timestamp: Int64, amount: Double, orders: Int = 1, compensationIn: Double = 0) {
        if timestamp < first[i] { first[i] = timestamp }
        if timestamp > last[i] { last[i] = timestamp }
        count[i] += orders
        // Neumaier summation.
        let s = sum[i]
        let t = s + amount
        if abs(s) >= abs(amount) { compensation[i] += (s - t) + amount } else { compensation[i] += (amount - t) + s }
        sum[i] = t
        compensation[i] += compensationIn
    }

    mutating func add(id: String, timestamp: Timestamp, amount: Double) {
        add(slot: slot(id: id), timestamp: timestamp.milliseconds, amount: amount)
    }

    /// Folds another builder's customers into this one.
    mutating func merge(_ other: TotalsBuilder) {
        for j in 0..<other.packedKey.count {
            let i: Int
            if other.packedKey[j] >= 0 {
                let k = other.packedKey[j]
                if let x = packedIndex[k] { i = Int(x) } else { i = newSlot(packed: k, text: ""); packedIndex[k] = Int32(i) }
            } else {
                let s = other.textKey[j]
                if let x = stringIndex[s] { i = Int(x) } else { i = newSlot(packed: -1, text: s); stringIndex[s] = Int32(i) }
            }
            first[i] = min(first[i], other.first[j])
            add(slot: i, timestamp: other.last[j], amount: other.sum[j], orders: other.count[j], compensationIn: other.compensation[j])
        }
    }

    func finish() -> CustomerTotals {
        let n = packedKey.count
        var order = Array(0..<n)
        if stringIndex.isEmpty {
            order.sort { packedKey[$0] < packedKey[$1] }
        } else {
            let ids = (0..<n).map { packedKey[$0] >= 0 ? CustomerOrder.unpack(packedKey[$0]) : textKey[$0] }
            order = CustomerOrder.sortedIndices(ids)
        }
        var t = CustomerTotals()
        t.ids.reserveCapacity(n)
        for i in order {
            t.ids.append(packedKey[i] >= 0 ? CustomerOrder.unpack(packedKey[i]) : textKey[i])
            t.first.append(Timestamp(milliseconds: first[i]))
            t.last.append(Timestamp(milliseconds: last[i]))
            t.count.append(count[i])
            t.monetary.append(sum[i] + compensation[i])
        }
        return t
    }
}
