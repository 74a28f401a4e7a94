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
    public static func from(_ orders: [Order], before cutoff: Timestamp? = nil, refunds: RefundPolicy = .subtract) -> CustomerTotals {
        var table = CustomerTable()
        table.refunds = refunds
        for o in orders where cutoff.map({ o.timestamp < $0 }) ?? true {
            var id = o.customerID
            id.withUTF8 { table.add(bytes: $0, timestamp: o.timestamp.milliseconds, amount: o.amount) }
        }
        return table.finish()
    }

    /// Totals from one row per customer in any order (what a database returns), put in customer order.
    /// - Parameter rows: (id, first order, last order, orders, spend), times in milliseconds.
    public init(unordered rows: [(id: String, first: Int64, last: Int64, count: Int, monetary: Double)]) {
        for i in CustomerOrder.sortedIndices(rows.map(\.id)) {
            let r = rows[i]
            ids.append(r.id)
            first.append(Timestamp(milliseconds: r.first))
            last.append(Timestamp(milliseconds: r.last))
            count.append(r.count)
            monetary.append(r.monetary)
        }
    }
}
