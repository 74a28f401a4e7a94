/// The named RFM segments, from the (R, FM) grid of 1–5 scores.
///
/// The grid is the one used by practitioners (and PRODUCT.md): FM = ⌈(F+M)/2⌉.
public enum RFMSegment: String, CaseIterable, Sendable, Codable {
    case champions = "Champions"
    case loyalCustomers = "Loyal Customers"
    case potentialLoyalist = "Potential Loyalist"
    case newCustomers = "New Customers"
    case promising = "Promising"
    case needAttention = "Need Attention"
    case aboutToSleep = "About To Sleep"
    case atRisk = "At Risk"
    case cannotLoseThem = "Cannot Lose Them"
    case hibernating = "Hibernating"
    case lost = "Lost"

    /// The segment of a recency score and an FM score, both 1…5.
    /// - Returns: nil when a score is outside 1…5.
    public static func named(r: Int, fm: Int) -> RFMSegment? {
        switch (r, fm) {
        case (5, 5), (5, 4), (4, 5): return .champions
        case (5, 3), (4, 4), (3, 5), (3, 4): return .loyalCustomers
        case (5, 2), (4, 2), (4, 3), (3, 3): return .potentialLoyalist
        case (5, 1): return .newCustomers
        case (4, 1), (3, 1): return .promising
        case (3, 2), (2, 3), (2, 2): return .needAttention
        case (2, 1): return .aboutToSleep
        case (2, 5), (2, 4), (1, 3): return .atRisk
        case (1, 5), (1, 4): return .cannotLoseThem
        case (1, 2): return .hibernating
        case (1, 1): return .lost
        default: return nil
        }
    }

    /// What the segment means and what to do, for reports.
    public var advice: String {
        switch self {
        case .champions: return "Bought recently, buy often and spend the most. Reward them; ask for reviews and referrals."
        case .loyalCustomers: return "Buy regularly and spend well. Upsell higher-value products; invite to loyalty programmes."
        case .potentialLoyalist: return "Recent customers with average frequency. Offer membership or recommendations."
        case .newCustomers: return "Bought most recently, but not often. Onboard them well and build the relationship."
        case .promising: return "Recent shoppers who have not spent much. Create brand awareness; offer free trials."
        case .needAttention: return "Above-average recency, frequency and spend, but slipping. Limited-time offers."
        case .aboutToSleep: return "Below average recency and frequency. Share popular products; reconnect."
        case .atRisk: return "Spent big and often, but long ago. Personalised win-back messages."
        case .cannotLoseThem: return "Made the biggest purchases, often, but have not returned. Win them back; talk to them."
        case .hibernating: return "Last purchase long ago, low spend and few orders. Offer relevant products and discounts."
        case .lost: return "Lowest recency, frequency and spend. Revive interest with outreach, or let go."
        }
    }
}
