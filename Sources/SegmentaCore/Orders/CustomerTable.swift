/// Per-customer running totals in an open-addressing hash table (linear probing), one 48-byte
/// entry per customer, so that adding an order touches one cache line; at most 70 % full.
///
/// Digit-only ids of up to 17 digits are keyed by their packed integer (``CustomerOrder/packedKey(_:)``),
/// with no string made; other ids go through a dictionary to an entry of their own.
struct CustomerTable {
    /// One customer's totals.
    struct Entry {
        var key: Int64          // packed id, or −(index into `texts` + 2) for text ids; `empty` when free
        var first: Int64
        var last: Int64
        var count: Int
        var sum: Double
        var compensation: Double
    }

    static let empty = Int64.min

    private(set) var slots: [Entry]
    private var mask: Int
    /// Whether negative amounts are refunds (monetary only) or orders.
    var refunds: RefundPolicy = .subtract
    private(set) var count = 0
    var texts: [String] = []
    private var textIndex: [String: Int] = [:]

    init(capacity: Int = 1 << 16) {
        var size = 1024
        while size * 7 < capacity * 10 { size <<= 1 }
        slots = Array(repeating: Entry(key: Self.empty, first: .max, last: .min, count: 0, sum: 0, compensation: 0), count: size)
        mask = size - 1
    }

    @inline(__always)
    static func hash(_ key: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15) >> 17)
    }

    /// Orders waiting to be added in one batch (see ``flush()``).
    private var pendingKeys: [Int64] = []
    private var pendingTimes: [Int64] = []
    private var pendingAmounts: [Double] = []
    private(set) var sink: Int64 = 0
    static let batch = 32

    /// Queues one order; orders are added in batches of 32 whose table slots are loaded first,
    /// all at once, so that their cache misses overlap instead of following one another.
    @inline(__always)
    mutating func enqueue(bytes: UnsafeBufferPointer<UInt8>, timestamp: Int64, amount: Double) {
        pendingKeys.append(key(of: bytes))
        pendingTimes.append(timestamp)
        pendingAmounts.append(amount)
        if pendingKeys.count == Self.batch { flush() }
    }

    /// Adds the queued orders.
    mutating func flush() {
        guard !pendingKeys.isEmpty else { return }
        if (count + pendingKeys.count) * 10 > slots.count * 7 { grow() }
        var touch: Int64 = 0
        slots.withUnsafeBufferPointer { s in
            for k in pendingKeys { touch ^= s[Self.hash(k) & mask].key }
        }
        sink ^= touch
        for j in pendingKeys.indices {
            addOrder(key: pendingKeys[j], timestamp: pendingTimes[j], amount: pendingAmounts[j])
        }
        pendingKeys.removeAll(keepingCapacity: true)
        pendingTimes.removeAll(keepingCapacity: true)
        pendingAmounts.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    mutating func key(of bytes: UnsafeBufferPointer<UInt8>) -> Int64 {
        if let k = CustomerOrder.packedKey(bytes) { return k }
        let s = String(decoding: bytes, as: UTF8.self)
        if let i = textIndex[s] { return -Int64(i) - 2 }
        textIndex[s] = texts.count
        texts.append(s)
        return -Int64(texts.count - 1) - 2
    }

    /// Adds one order of the customer whose id is `bytes`.
    @inline(__always)
    mutating func add(bytes: UnsafeBufferPointer<UInt8>, timestamp: Int64, amount: Double) {
        let key: Int64
        if let k = CustomerOrder.packedKey(bytes) {
            key = k
        } else {
            let s = String(decoding: bytes, as: UTF8.self)
            if let i = textIndex[s] { key = -Int64(i) - 2 } else {
                textIndex[s] = texts.count
                texts.append(s)
                key = -Int64(texts.count - 1) - 2
            }
        }
        addOrder(key: key, timestamp: timestamp, amount: amount)
    }

    /// One row: a purchase, or (negative amount, ``RefundPolicy/subtract``) a refund that only lowers the sum.
    @inline(__always)
    mutating func addOrder(key: Int64, timestamp: Int64, amount: Double) {
        if amount < 0 && refunds == .subtract {
            add(key: key, first: .max, last: .min, count: 0, sum: amount, compensation: 0)
        } else {
            add(key: key, first: timestamp, last: timestamp, count: 1, sum: amount, compensation: 0)
        }
    }

    /// Folds totals into the entry of `key`.
    @inline(__always)
    mutating func add(key: Int64, first: Int64, last: Int64, count n: Int, sum amount: Double, compensation c: Double) {
        if (count + 1) * 10 > slots.count * 7 { grow() }
        var i = Self.hash(key) & mask
        slots.withUnsafeMutableBufferPointer { s in
            while true {
                if s[i].key == key { break }
                if s[i].key == Self.empty {
                    s[i].key = key
                    count += 1
                    break
                }
                i = (i + 1) & mask
            }
            if first < s[i].first { s[i].first = first }
            if last > s[i].last { s[i].last = last }
            s[i].count += n
            // Neumaier summation: totals do not depend on row order.
            let total = s[i].sum, t = total + amount
            s[i].compensation += (abs(total) >= abs(amount) ? (total - t) + amount : (amount - t) + total) + c
            s[i].sum = t
        }
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Entry(key: Self.empty, first: .max, last: .min, count: 0, sum: 0, compensation: 0), count: old.count * 2)
        mask = slots.count - 1
        count = 0
        for e in old where e.key != Self.empty {
            var i = Self.hash(e.key) & mask
            while slots[i].key != Self.empty { i = (i + 1) & mask }
            slots[i] = e
            count += 1
        }
    }

    /// Folds another table in (text ids are re-keyed to this table's).
    mutating func merge(_ other: CustomerTable) {
        for e in other.slots where e.key != Self.empty {
            var key = e.key
            if key < 0 {
                let s = other.texts[Int(-key - 2)]
                if let i = textIndex[s] { key = -Int64(i) - 2 } else {
                    textIndex[s] = texts.count
                    texts.append(s)
                    key = -Int64(texts.count - 1) - 2
                }
            }
            add(key: key, first: e.first, last: e.last, count: e.count, sum: e.sum, compensation: e.compensation)
        }
    }

    /// The totals, in customer order.
    /// - Complexity: O(c) for c customers with packed ids (a radix sort), O(c log c) otherwise.
    func finish() -> CustomerTotals {
        // A customer with refunds only made no purchase: not a customer for RFM.
        var found: [Int] = [], keys: [UInt64] = []
        found.reserveCapacity(count)
        keys.reserveCapacity(count)
        slots.withUnsafeBufferPointer { s in
            for i in s.indices where s[i].key != Self.empty && s[i].count > 0 {
                found.append(i)
                keys.append(UInt64(bitPattern: s[i].key))
            }
        }
        // Packed ids are non-negative and order like the ids: a radix sort of the keys.
        let order = texts.isEmpty ? RadixOrder.positions(keys) : CustomerOrder.sortedIndices(found.map { id(of: slots[$0]) })
        let entries = order.map { slots[found[$0]] }
        var t = CustomerTotals()
        // Writing a million ids back as text is the costly part: on every core.
        t.ids = ParallelChunks.map(entries.count) { range in range.map { id(of: entries[$0]) } }
        t.first = entries.map { Timestamp(milliseconds: $0.first) }
        t.last = entries.map { Timestamp(milliseconds: $0.last) }
        t.count = entries.map(\.count)
        t.monetary = entries.map { $0.sum + $0.compensation }
        return t
    }

    func id(of e: Entry) -> String {
        e.key >= 0 ? CustomerOrder.unpack(e.key) : texts[Int(-e.key - 2)]
    }
}
