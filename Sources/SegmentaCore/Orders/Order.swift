/// One order (a transaction with an amount) of one customer.
public struct Order: Sendable, Hashable {
    /// The order's id, when the source gives one.
    public var id: String?
    /// The customer (profile) id.
    public var customerID: String
    /// When the order was placed.
    public var timestamp: Timestamp
    /// The order's value (negative for a refund).
    public var amount: Double
    /// ISO 4217 currency code, when given.
    public var currency: String?

    /// Creates an order.
    public init(id: String? = nil, customerID: String, timestamp: Timestamp, amount: Double, currency: String? = nil) {
        self.id = id
        self.customerID = customerID
        self.timestamp = timestamp
        self.amount = amount
        self.currency = currency
    }
}
