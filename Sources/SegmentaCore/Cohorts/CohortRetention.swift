/// Cohort retention exactly as PRODUCT.md defines it.
///
/// Cohort = the period of a customer's first activity (or of a given start such as a signup
/// date); k = periods since the cohort's period; retention(k) = distinct customers of the cohort
/// active in period k ÷ cohort size. Cells after the last period of the data are censored:
/// left out, not zero.
public enum CohortRetention {
    /// One cell of the retention table.
    public struct Cell: Sendable, Equatable, Codable {
        /// The group (`--by` value), if grouped.
        public var group: String?
        /// The cohort's label (`2026-03` or a week's Monday).
        public var cohort: String
        /// Periods since the cohort's period.
        public var period: Int
        /// Customers in the cohort.
        public var size: Int
        /// Of those, customers active in this period.
        public var active: Int
        /// active ÷ size.
        public var retention: Double
    }

    /// One unit of activity: a customer did something at a time.
    public struct Activity: Sendable, Equatable {
        /// Whose activity.
        public var customerID: String
        /// When.
        public var timestamp: Timestamp
        /// One activity of one customer.
        public init(customerID: String, timestamp: Timestamp) {
            self.customerID = customerID
            self.timestamp = timestamp
        }
    }

    /// Computes the retention table.
    /// - Parameters:
    ///   - activity: what customers did and when.
    ///   - period: month or week.
    ///   - groups: customer → group value (`--by`); customers missing from it go to "(none)".
    ///     nil for no grouping.
    ///   - cohortStarts: customer → cohort start (e.g. a signup trait), overriding first activity;
    ///     activity before a customer's start is ignored.
    ///   - end: the last instant of data; default the latest activity.
    /// - Returns: cells ordered by group, cohort, period.
    /// - Complexity: O(n log n) in the activity.
    public static func compute(
        activity: [Activity],
        period: CohortPeriod,
        groups: [String: String]? = nil,
        cohortStarts: [String: Timestamp]? = nil,
        end: Timestamp? = nil
    ) -> [Cell] {
        guard let last = end ?? activity.map(\.timestamp).max() else { return [] }
        let lastPeriod = period.index(of: last)
        var index: [String: Int] = [:]
        var ids: [String] = []
        var cohortOf: [Int] = []
        func slot(_ id: String) -> Int {
            if let i = index[id] { return i }
            index[id] = ids.count
            ids.append(id)
            cohortOf.append(.max)
            return ids.count - 1
        }
        if let cohortStarts {
            for (id, start) in cohortStarts { cohortOf[slot(id)] = period.index(of: start) }
        } else {
            for a in activity { let i = slot(a.customerID); cohortOf[i] = min(cohortOf[i], period.index(of: a.timestamp)) }
        }
        // Distinct (customer, period) pairs.
        var pairs = Set<Int64>()
        pairs.reserveCapacity(activity.count)
        for a in activity {
            guard let i = index[a.customerID], a.timestamp <= last else { continue }
            let p = period.index(of: a.timestamp)
            guard p >= cohortOf[i] else { continue }
            pairs.insert(Int64(i) << 32 | Int64(p - cohortOf[i]))
        }
        struct Key: Hashable { var group: String?; var cohort: Int }
        var sizes: [Key: Int] = [:]
        func key(_ i: Int) -> Key {
            Key(group: groups.map { $0[ids[i]] ?? "(none)" }, cohort: cohortOf[i])
        }
        for i in ids.indices where cohortOf[i] != .max && cohortOf[i] <= lastPeriod { sizes[key(i), default: 0] += 1 }
        var active: [Key: [Int: Int]] = [:]
        for pair in pairs {
            let i = Int(pair >> 32), k = Int(pair & 0xFFFF_FFFF)
            active[key(i), default: [:]][k, default: 0] += 1
        }
        var cells: [Cell] = []
        for (key, size) in sizes.sorted(by: { ($0.key.group ?? "", $0.key.cohort) < ($1.key.group ?? "", $1.key.cohort) }) {
            for k in 0...(lastPeriod - key.cohort) {
                let a = active[key]?[k] ?? 0
                cells.append(Cell(group: key.group, cohort: period.label(of: key.cohort), period: k, size: size,
                                  active: a, retention: Double(a) / Double(size)))
            }
        }
        return cells
    }
}
