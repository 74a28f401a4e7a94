/// One customer's RFM metrics and scores.
public struct RFMScore: Sendable, Equatable, Codable {
    /// The customer id.
    public var customerID: String
    /// Whole days from the last order to the snapshot.
    public var recency: Int
    /// Number of orders.
    public var frequency: Int
    /// Sum of order amounts.
    public var monetary: Double
    /// Scores, 1…bins (5 = best: most recent, most frequent, highest spend).
    public var r: Int, f: Int, m: Int
    /// ⌈(F+M)/2⌉.
    public var fm: Int
    /// The named segment, when scores are on the 1–5 scale.
    public var segment: RFMSegment?

    enum CodingKeys: String, CodingKey {
        case customerID = "customer_id", recency, frequency, monetary, r, f, m, fm, segment
    }
}

/// Counts and means of one named RFM segment.
public struct RFMSegmentSummary: Sendable, Equatable, Codable {
    /// The segment.
    public var segment: RFMSegment
    /// Customers in it.
    public var customers: Int
    /// Share of all customers, 0…1.
    public var share: Double
    /// Mean recency (days), frequency and monetary of its customers.
    public var meanRecency: Double, meanFrequency: Double, meanMonetary: Double
    /// Share of all revenue, 0…1.
    public var revenueShare: Double

    enum CodingKeys: String, CodingKey {
        case segment, customers, share
        case meanRecency = "mean_recency", meanFrequency = "mean_frequency", meanMonetary = "mean_monetary"
        case revenueShare = "revenue_share"
    }
}

/// The result of RFM scoring: every customer's scores, the segment summary and the R×FM grid.
public struct RFMResult: Sendable, Equatable {
    /// The snapshot the recency is measured to.
    public var asOf: Timestamp
    /// Number of score bins.
    public var bins: Int
    /// Scores, in customer order.
    public var customers: [RFMScore]
    /// Per named segment (only those with customers), in the grid's order.
    public var summary: [RFMSegmentSummary]
    /// `grid[r-1][fm-1]` = customers with those scores.
    public var grid: [[Int]]
}
