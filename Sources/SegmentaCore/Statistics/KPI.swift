/// A key performance indicator measured per segment.
public enum KPI: Sendable, Hashable, CustomStringConvertible {
    /// Revenue per customer (sum of order amounts; 0 without orders).
    case revenue
    /// Orders per customer.
    case orders
    /// Average order value, among customers with orders.
    case averageOrderValue
    /// Monthly recurring revenue per paying customer: `mrr` of the latest "Invoice Paid" in the last 31 days.
    case mrr
    /// Share of customers churned: lifecycle `lost`, or a `churned` trait that is true.
    case churn
    /// Share active (any track event) in the last N days.
    case active(days: Int)
    /// Share who did an event in the last N days.
    case adoption(event: String, days: Int)
    /// Net Promoter Score from the `nps` trait (0–10): % promoters (9–10) − % detractors (0–6).
    case nps
    /// Mean CSAT score of "CSAT Submitted" events (property `score`), per customer then averaged.
    case csat

    /// The default set of `segmenta compare`.
    public static let defaults: [KPI] = [.revenue, .orders, .averageOrderValue, .churn, .active(days: 30), .nps, .csat]

    /// Whether the KPI is a share of customers (tested as proportions) rather than a mean.
    public var isProportion: Bool {
        switch self {
        case .churn, .active, .adoption: return true
        default: return false
        }
    }

    /// The KPI in words ("revenue per customer", "churn rate").
    public var description: String {
        switch self {
        case .revenue: return "revenue per customer"
        case .orders: return "orders per customer"
        case .averageOrderValue: return "average order value"
        case .mrr: return "MRR per paying customer"
        case .churn: return "churn rate"
        case .active(let d): return "active in the last \(d) days"
        case .adoption(let e, let d): return "did \"\(e)\" in the last \(d) days"
        case .nps: return "NPS"
        case .csat: return "mean CSAT"
        }
    }

    /// A short identifier for JSON and flags.
    public var key: String {
        switch self {
        case .revenue: return "revenue"
        case .orders: return "orders"
        case .averageOrderValue: return "aov"
        case .mrr: return "mrr"
        case .churn: return "churn"
        case .active(let d): return "active:\(d)"
        case .adoption(let e, let d): return "adoption:\(e):\(d)"
        case .nps: return "nps"
        case .csat: return "csat"
        }
    }

    /// Parses `revenue`, `orders`, `aov`, `mrr`, `churn`, `active:30`, `adoption:Event Name:30`, `nps`, `csat`.
    public init(parsing text: String) throws(SegmentaError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch parts[0] {
        case "revenue": self = .revenue
        case "orders": self = .orders
        case "aov": self = .averageOrderValue
        case "mrr": self = .mrr
        case "churn": self = .churn
        case "nps": self = .nps
        case "csat": self = .csat
        case "active":
            guard parts.count == 2, let d = Int(parts[1]), Bounds.days.contains(d) else {
                throw SegmentaError(.invalidInput, "write active:DAYS with DAYS from 1 to \(Bounds.maxDays), e.g. active:30")
            }
            self = .active(days: d)
        case "adoption":
            guard parts.count == 3, !parts[1].isEmpty, let d = Int(parts[2]), Bounds.days.contains(d) else {
                throw SegmentaError(.invalidInput, "write adoption:Event Name:DAYS with DAYS from 1 to \(Bounds.maxDays), e.g. adoption:Report Shared:30")
            }
            self = .adoption(event: parts[1], days: d)
        default:
            throw SegmentaError(.invalidInput, "unknown KPI \"\(text)\"; use revenue, orders, aov, mrr, churn, active:DAYS, adoption:EVENT:DAYS, nps or csat")
        }
    }
}
