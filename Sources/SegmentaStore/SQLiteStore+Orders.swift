public import SegmentaCore
import GRDB
import GRDBSQLite

extension SQLiteStore {
    /// Adds orders in one transaction.
    ///
    /// Orders without an id get a stable one, `auto:` + a 128-bit digest of customer, time,
    /// amount and the number of identical rows before it in the same import (``DerivedID``), so importing the same file twice
    /// adds nothing the second time. Existing order ids are left untouched and counted as
    /// duplicates. Profiles are created for new customers; first/last seen are widened.
    /// - Complexity: O(n) statements, prepared once.
    public func importOrders(_ orders: [Order], source: String) throws(SegmentaError) -> OrderImportResult {
        try importOrders(source: source) { emit in try emit(orders) }
    }

    /// Adds orders produced in batches, all in one transaction: a failure anywhere — in a batch
    /// or in `produce` itself — leaves the store as it was. The batches are gathered in compact
    /// columns (about 40 bytes an order) and written in key order by ``OrderLoad``.
    public func importOrders(source: String, _ produce: (_ emit: ([Order]) throws -> Void) throws -> Void) throws(SegmentaError) -> OrderImportResult {
        let now = clock.now.milliseconds
        return try writeParentsFirst { db in
            var load = OrderLoad()
            try produce { orders in try load.add(orders) }
            if try Self.holdsLegacyIDs(db, .orders) { try load.adoptLegacyIDs(db) }
            return try load.write(db, source: source, now: now)
        }
    }

    /// ``ActivityStore/orders`` on SQLite.
    public func orders(before cutoff: Timestamp?) throws(SegmentaError) -> [Order] {
        try read { db in
            var out: [Order] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT order_id, profile_id, timestamp, amount, currency FROM orders WHERE timestamp < ?",
                                           arguments: [cutoff?.milliseconds ?? Int64.max])
            while let row = try rows.next() {
                out.append(Order(id: row[0], customerID: row[1], timestamp: Timestamp(milliseconds: row[2]), amount: row[3], currency: row[4]))
            }
            return out
        }
    }

    /// Per customer, the times of its purchases (amount ≥ 0) before `cutoff`, gathered by the
    /// database into one row per customer (the covering index is read in order; no order rows
    /// come back). Customers without purchases are absent.
    public func purchaseTimes(before cutoff: Timestamp) throws(SegmentaError) -> [String: [Timestamp]] {
        try read { db in
            var out: [String: [Timestamp]] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT profile_id, group_concat(timestamp) FROM orders WHERE amount >= 0 AND timestamp < ? GROUP BY profile_id",
                                           arguments: [cutoff.milliseconds])
            while let row = try rows.next() {
                let list: String = row[1]
                out[row[0]] = list.utf8.split(separator: UInt8(ascii: ",")).compactMap { Int64(Substring($0)).map(Timestamp.init(milliseconds:)) }
            }
            return out
        }
    }

    /// BG/NBD and Gamma-Gamma inputs per customer, computed by the database from purchases
    /// (amount ≥ 0) on UTC days up to `endDay`: same-day orders are one purchase worth their sum;
    /// frequency = purchase days − 1, recency = last − first day, T = end − first day (in `unit`s),
    /// monetary = mean of the repeat days' sums (0 without repeats), summed in day order. One row
    /// per customer comes back, in customer order.
    public func customerSummaries(throughDay endDay: Int, unit: TimeUnit) throws(SegmentaError) -> [CustomerSummary] {
        let day = Int64(86_400_000)
        let rows: [CustomerSummary] = try read { db in
            var out: [CustomerSummary] = []
            // `day` is a floor division (exact for times before 1970 too), like Timestamp.epochDay.
            let cursor = try Row.fetchCursor(db, sql: """
                WITH d AS (
                  SELECT profile_id, (timestamp - ((timestamp % ?1) + ?1) % ?1) / ?1 AS day, total(amount) AS spend
                  FROM orders WHERE amount >= 0 AND timestamp < (?2 + 1) * ?1 GROUP BY profile_id, day
                ), k AS (
                  SELECT profile_id, day, spend, row_number() OVER (PARTITION BY profile_id ORDER BY day) AS n FROM d
                )
                SELECT profile_id, min(day), max(day), count(*), total(spend) FILTER (WHERE n > 1) FROM k GROUP BY profile_id
                """, arguments: [day, endDay])
            while let row = try cursor.next() {
                let first: Int = row[1], last: Int = row[2], days: Int = row[3], repeatSpend: Double = row[4]
                let repeats = days - 1
                out.append(CustomerSummary(customerID: row[0], frequency: Double(repeats), recency: Double(last - first) / unit.days,
                                           T: Double(endDay - first) / unit.days, monetary: repeats == 0 ? 0 : repeatSpend / Double(repeats)))
            }
            return out
        }
        return CustomerOrder.sortedIndices(rows.map(\.customerID)).map { rows[$0] }
    }

    /// The time of the latest order (refunds included), nil without orders.
    public func latestOrderTime() throws(SegmentaError) -> Timestamp? {
        try read { db in try Int64.fetchOne(db, sql: "SELECT max(timestamp) FROM orders").map(Timestamp.init(milliseconds:)) }
    }

    /// Totals aggregated by the database (one row per customer), then put in customer order.
    /// Negative amounts are refunds (``RefundPolicy``): in the sum, not in the count or the dates.
    public func customerTotals(before cutoff: Timestamp?, refunds: RefundPolicy = .subtract) throws(SegmentaError) -> CustomerTotals {
        // One pass over the covering index (profile, time, amount), summed here: SQLite's own
        // `GROUP BY` with `FILTER` aggregates took three times as long as the scan itself. Amounts
        // are added in (time, amount) order per customer, the order PostgreSQL sums them in.
        let rows = try read { db in try Self.scanTotals(db, before: cutoff?.milliseconds ?? Int64.max, refunds: refunds) }
        return CustomerTotals(unordered: rows)
    }

    /// Per customer (in id byte order): first and last order time, orders and spend, by the
    /// refund rule (`subtract`: refunds lower the spend but are not orders; a customer with
    /// refunds only is left out).
    static func scanTotals(_ db: Database, before cutoff: Int64, refunds: RefundPolicy)
        throws -> [(id: String, first: Int64, last: Int64, count: Int, monetary: Double)] {
        let statement = try db.makeStatement(sql: """
            SELECT profile_id, timestamp, amount FROM orders INDEXED BY orders_profile_time_amount
            WHERE timestamp < ? ORDER BY profile_id, timestamp, amount
            """)
        let handle = statement.sqliteStatement
        sqlite3_bind_int64(handle, 1, cutoff)
        defer { sqlite3_reset(handle) }
        var out: [(id: String, first: Int64, last: Int64, count: Int, monetary: Double)] = []
        var current: [UInt8] = []
        var id = "", first = Int64.max, last = Int64.min, count = 0, monetary = 0.0, started = false
        func flush() {
            if started && count > 0 { out.append((id, first, last, count, monetary)) }
        }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
            }
            let length = Int(sqlite3_column_bytes(handle, 0))
            let bytes = UnsafeRawBufferPointer(start: sqlite3_column_text(handle, 0), count: length)
            if !started || !current.elementsEqual(bytes) {
                flush()
                current = Array(bytes)
                id = String(decoding: current, as: UTF8.self)
                first = Int64.max; last = Int64.min; count = 0; monetary = 0; started = true
            }
            let time = sqlite3_column_int64(handle, 1)
            let amount = sqlite3_column_double(handle, 2)
            monetary += amount
            if refunds == .asOrders || amount >= 0 {
                first = min(first, time)
                last = max(last, time)
                count += 1
            }
        }
        flush()
        return out
    }

}
