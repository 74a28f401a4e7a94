/// Which currency amounts are in. Orders keep their currency, but totals (spend, CLV) add amounts
/// as they are: they are in one currency only when every order that names one names the same.
public struct CurrencyMix: Sendable, Equatable {
    /// The currency of every order that names one; nil when orders name several (or none).
    public var single: String?
    /// Each named currency's share of the orders, largest first.
    public var shares: [(currency: String, share: Double)]

    /// The same single currency and the same shares, in order.
    public static func == (a: CurrencyMix, b: CurrencyMix) -> Bool {
        a.single == b.single && a.shares.map(\.currency) == b.shares.map(\.currency) && a.shares.map(\.share) == b.shares.map(\.share)
    }

    /// From orders per currency (nil: orders without one).
    public init(_ breakdown: [(currency: String?, orders: Int)]) {
        let named = breakdown.compactMap { b in b.currency.map { (currency: $0, orders: b.orders) } }.filter { $0.orders > 0 }
        let total = breakdown.reduce(0) { $0 + max(0, $1.orders) }
        shares = named.sorted { $0.orders != $1.orders ? $0.orders > $1.orders : $0.currency < $1.currency }
            .map { (currency: $0.currency, share: total > 0 ? Double($0.orders) / Double(total) : 0) }
        single = named.count == 1 ? named.first?.currency : nil
    }

    /// An amount as people read it: "1,234.50 EUR" in a single currency, else the number alone;
    /// without `cents`, rounded to a whole amount ("344,235 EUR").
    public func amount(_ v: Double, cents: Bool = true) -> String {
        let text = cents || !(abs(v) < 9e15) ? NumberText.amount(v) : NumberText.thousands(Int(v.rounded()))
        guard let single, v.isFinite else { return text }
        return text + " " + single
    }

    /// Why amounts are plain numbers, when orders name several currencies: "orders are in EUR (61%),
    /// USD (25%), GBP (9%) and 2 more, added as they are"; nil otherwise.
    public var warning: String? {
        guard single == nil, shares.count > 1 else { return nil }
        let listed = shares.prefix(3).map { "\($0.currency) (\(NumberText.percent($0.share, 0)))" }
        let more = shares.count > 3 ? " and \(shares.count - 3) more" : ""
        return "orders are in " + listed.joined(separator: ", ") + more + ", added as they are: convert them to one currency before importing for totals in one currency"
    }
}
