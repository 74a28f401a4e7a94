/// What an order with a negative amount is.
///
/// By default it is a **refund**: it lowers the customer's monetary value, but it is not a
/// purchase, so it adds nothing to frequency and does not make the customer more recent. A customer
/// with only refunds has made no purchase and is left out. `asOrders` keeps the earlier rule (every
/// row is an order, as pandas would count rows), e.g. to compare with an old report.
public enum RefundPolicy: String, Sendable, Equatable, CaseIterable {
    case subtract
    case asOrders = "as-orders"
}
