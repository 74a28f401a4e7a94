/// A generated sample dataset: Segment-spec messages (identify, group, page, track — orders as
/// `Order Completed`), ready to apply to a store.
public struct DemoDataset: Sendable {
    /// The messages, in time order.
    public var messages: [Message]
    /// Number of customers (identified profiles).
    public var customers: Int
    /// First and last instant of the data.
    public var start: Timestamp, end: Timestamp
}
