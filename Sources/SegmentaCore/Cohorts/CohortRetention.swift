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
    /// - Complexity: O(n) in the activity, plus a hash lookup per activity.
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
        // Each activity's customer, looked up once (−1: not a customer of any cohort).
        var customerOf: [Int]
        if let cohortStarts {
            for (id, start) in cohortStarts { cohortOf[slot(id)] = period.index(of: start) }
            customerOf = activity.map { index[$0.customerID] ?? -1 }
        } else {
            customerOf = activity.map { slot($0.customerID) }
            for (a, i) in zip(activity, customerOf) { cohortOf[i] = min(cohortOf[i], period.index(of: a.timestamp)) }
        }
        // Each customer's cohort (with its group) as a small number: the table's rows.
        struct Key: Hashable { var group: String?; var cohort: Int }
        var rowOf = [Int](repeating: -1, count: ids.count)
        var rows: [Key] = [], rowIndex: [Key: Int] = [:], sizes: [Int] = []
        for i in ids.indices where cohortOf[i] != .max && cohortOf[i] <= lastPeriod {
            let key = Key(group: groups.map { $0[ids[i]] ?? "(none)" }, cohort: cohortOf[i])
            if let row = rowIndex[key] { rowOf[i] = row } else {
                rowOf[i] = rows.count
                rowIndex[key] = rows.count
                rows.append(key)
                sizes.append(0)
            }
            sizes[rowOf[i]] += 1
        }
        // Distinct (customer, period) pairs: sorted (radix) and counted once each.
        var pairs: [UInt64] = []
        pairs.reserveCapacity(activity.count)
        for (a, i) in zip(activity, customerOf) where i >= 0 && a.timestamp <= last {
            let p = period.index(of: a.timestamp)
            guard p >= cohortOf[i] else { continue }
            pairs.append(UInt64(i) << 32 | UInt64(p - cohortOf[i]))
        }
        var active = rows.map { [Int](repeating: 0, count: lastPeriod - $0.cohort + 1) }
        var previous: UInt64?
        for position in RadixOrder.positions(pairs) where pairs[position] != previous {
            let pair = pairs[position]
            previous = pair
            active[rowOf[Int(pair >> 32)]][Int(pair & 0xFFFF_FFFF)] += 1
        }
        var cells: [Cell] = []
        for row in rows.indices.sorted(by: { (rows[$0].group ?? "", rows[$0].cohort) < (rows[$1].group ?? "", rows[$1].cohort) }) {
            let key = rows[row], size = sizes[row]
            for k in 0...(lastPeriod - key.cohort) {
                let a = active[row][k]
                cells.append(Cell(group: key.group, cohort: period.label(of: key.cohort), period: k, size: size,
                                  active: a, retention: Double(a) / Double(size)))
            }
        }
        return cells
    }
}
