/// Which columns of an orders file hold what; names are matched without regard to case.
public struct OrderColumns: Sendable, Equatable {
    /// The customer id column; default `customer_id`.
    public var customer: String?
    /// The date or timestamp column; default `date`, then `timestamp`.
    public var date: String?
    /// The amount column; default `amount`.
    public var amount: String?
    /// The order id column (optional); default `order_id` when present.
    public var orderID: String?
    /// The currency column (optional); default `currency` when present.
    public var currency: String?
    /// How dates are written (`--date-format`); ISO-8601 by default.
    public var dateFormat: DateFormat = .iso
    /// Read the date format off the file (`--date-format auto`): never a guess, an ambiguous file is refused.
    public var detectDateFormat = false
    /// The amounts' decimal separator (`--decimal`).
    public var decimal: DecimalMark = .point
    /// False for the analyses that count orders without their value (cohorts, BG/NBD): a file
    /// without an amount column reads as amounts of 0.
    public var requireAmount = true

    /// Creates a mapping; nil means the default name.
    public init(customer: String? = nil, date: String? = nil, amount: String? = nil, orderID: String? = nil, currency: String? = nil) {
        self.customer = customer
        self.date = date
        self.amount = amount
        self.orderID = orderID
        self.currency = currency
    }

    /// Resolves the mapping against the file's column names.
    /// - Throws: ``SegmentaError`` naming the missing column, the columns found and the flag to use.
    public func resolve(in names: [String]) throws(SegmentaError) -> OrderLayout {
        let lowered = names.map { $0.lowercased() }
        func find(_ wanted: String?, defaults: [String], flag: String) throws(SegmentaError) -> Int? {
            if let wanted {
                if let i = lowered.firstIndex(of: wanted.lowercased()) { return i }
                throw SegmentaError(.invalidInput, "no column named \"\(wanted)\" (given by \(flag)); the file has: \(names.joined(separator: ", "))")
            }
            return defaults.lazy.compactMap { lowered.firstIndex(of: $0) }.first
        }
        func require(_ wanted: String?, defaults: [String], flag: String) throws(SegmentaError) -> Int {
            guard let i = try find(wanted, defaults: defaults, flag: flag) else {
                throw SegmentaError(.invalidInput, "no \(defaults.joined(separator: " or ")) column; the file has: \(names.joined(separator: ", ")). Name the right one with \(flag) NAME")
            }
            return i
        }
        if names.count == 1, let other = [(";", "';'"), ("\t", "tab"), ("|", "'|'")].first(where: { names[0].contains($0.0) }) {
            throw SegmentaError(.invalidInput, "the header \"\(names[0])\" is one column: the file is separated by \(other.1 == "tab" ? "tabs" : other.1); read it with --delimiter \(other.1)")
        }
        let c = try require(customer, defaults: ["customer_id"], flag: "--customer-column")
        let d = try require(date, defaults: ["date", "timestamp"], flag: "--date-column")
        let a = requireAmount ? try require(amount, defaults: ["amount"], flag: "--amount-column") : try find(amount, defaults: ["amount"], flag: "--amount-column")
        let o = try find(orderID, defaults: ["order_id"], flag: "--order-id-column")
        let cur = try find(currency, defaults: ["currency"], flag: "--currency-column")
        return OrderLayout(names: names, customer: c, date: d, amount: a, orderID: o, currency: cur, dateFormat: dateFormat, decimal: decimal)
    }
}

/// Resolved positions of the order fields in a file.
public struct OrderLayout: Sendable, Equatable {
    /// All column names.
    public var names: [String]
    /// Field indexes (no amount column: amounts of 0).
    public var customer: Int, date: Int, amount: Int?, orderID: Int?, currency: Int?
    /// How the dates and amounts are written.
    public var dateFormat: DateFormat = .iso, decimal: DecimalMark = .point

    /// The number of fields a row needs.
    public var requiredFieldCount: Int { max(customer, date, amount ?? 0, orderID ?? 0, currency ?? 0) + 1 }
}
