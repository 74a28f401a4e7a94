public import SegmentaCore
import GRDB
import GRDBSQLite

/// The orders of one import, gathered in compact columns and then written in key order.
///
/// Writing a large import row by row into the `orders` B-tree (clustered on `order_id`) and its
/// covering index touches pages all over both trees. Gathered first, the orders are sorted here by
/// id and appended to the table, and — when the import is large against what is stored — the
/// covering index is dropped and rebuilt once by SQLite's sorter. Everything happens inside the
/// caller's transaction, so a failure anywhere leaves the store as it was.
struct OrderLoad {
    /// One order: an id (a generated digest, or an index into `givenIDs`), customer and currency as
    /// indices into their tables, time and amount, and for a generated id how many identical rows
    /// came before it in this import.
    struct Row {
        var hash: DerivedID
        var given: Int32
        var occurrence: Int32
        var customer: Int32
        var currency: Int32
        var time: Int64
        var amount: Double
    }

    private(set) var rows: [Row] = []
    private(set) var givenIDs: [String] = []
    private(set) var customers: [String] = []
    private var customerIndex: [String: Int32] = [:]
    /// First and last order time of each customer in this import.
    private(set) var spans: [(first: Int64, last: Int64)] = []
    private var currencies: [String] = []
    private var currencyIndex: [String: Int32] = [:]
    /// How many generated-id orders with the same (customer, time, amount) came before.
    private var occurrences: [DerivedID: Int] = [:]

    /// Adds a batch in file order.
    mutating func add(_ orders: [Order]) throws(SegmentaError) {
        guard rows.count + orders.count < Int(Int32.max) else {
            throw SegmentaError(.invalidInput, "More than \(Int32.max) orders in one import; split the file and import the parts one after the other.")
        }
        rows.reserveCapacity(rows.count + orders.count)
        let bases = ParallelChunks.map(orders.count) { range in
            var scratch: [UInt8] = []
            scratch.reserveCapacity(64)
            return range.map { orders[$0].id == nil ? DerivedID.orderBase(orders[$0], scratch: &scratch) : DerivedID.zero }
        }
        for (o, base) in zip(orders, bases) {
            let t = o.timestamp.milliseconds
            let customer: Int32
            if let c = customerIndex[o.customerID] {
                customer = c
                let s = spans[Int(c)]
                spans[Int(c)] = (min(s.first, t), max(s.last, t))
            } else {
                customer = Int32(customers.count)
                customerIndex[o.customerID] = customer
                customers.append(o.customerID)
                spans.append((t, t))
            }
            var currency: Int32 = -1
            if let code = o.currency {
                if let c = currencyIndex[code] { currency = c } else {
                    currency = Int32(currencies.count)
                    currencyIndex[code] = currency
                    currencies.append(code)
                }
            }
            if let id = o.id {
                rows.append(Row(hash: .zero, given: Int32(givenIDs.count), occurrence: 0, customer: customer, currency: currency, time: t, amount: o.amount))
                givenIDs.append(id)
            } else {
                let n = Self.occurrence(of: base, in: &occurrences)
                rows.append(Row(hash: DerivedID.order(base: base, occurrence: n), given: -1, occurrence: Int32(clamping: n),
                                customer: customer, currency: currency, time: t, amount: o.amount))
            }
        }
    }

    /// How many rows with the same base came before this one in the import (sequential, in file order).
    static func occurrence(of base: DerivedID, in occurrences: inout [DerivedID: Int]) -> Int {
        let n = occurrences[base, default: 0]
        occurrences[base] = n + 1
        return n
    }

    /// Each order's id — the given one, or the generated one (`auto:` + 32 hex digits), so that
    /// importing the same file twice adds nothing the second time — and its occurrence among the
    /// identical generated-id orders before it (0 for given ids; a pre-v12 id hashes it too).
    static func ids(_ orders: [Order], occurrences: inout [DerivedID: Int]) -> (ids: [String], occurrences: [Int]) {
        var ids: [String] = [], each: [Int] = []
        ids.reserveCapacity(orders.count)
        each.reserveCapacity(orders.count)
        for o in orders {
            if let id = o.id {
                ids.append(id)
                each.append(0)
            } else {
                let base = DerivedID.orderBase(o)
                let n = occurrence(of: base, in: &occurrences)
                ids.append(String(decoding: autoID(DerivedID.order(base: base, occurrence: n)), as: UTF8.self))
                each.append(n)
            }
        }
        return (ids, each)
    }

    /// The id a generated-id order is stored under: `auto:` and the digest as 32 hex digits.
    static func autoID(_ hash: DerivedID) -> [UInt8] {
        var out = Array("auto:0123456789abcdef0123456789abcdef".utf8)
        hash.write(into: &out)
        return out
    }

    /// In a store that holds orders imported before schema v12, a generated-id order whose
    /// pre-v12 id is stored takes that id, so that importing the same file again after the
    /// upgrade counts it as a duplicate instead of adding it twice.
    mutating func adoptLegacyIDs(_ db: Database) throws {
        let stored = try db.cachedStatement(sql: "SELECT 1 FROM orders WHERE order_id = ?")
        for i in rows.indices where rows[i].given < 0 {
            let r = rows[i]
            let legacy = LegacyDerivedID.order(customer: customers[Int(r.customer)], milliseconds: r.time, amount: r.amount, occurrence: Int(r.occurrence))
            guard try Int.fetchOne(stored, arguments: [legacy]) != nil else { continue }
            rows[i].given = Int32(givenIDs.count)
            givenIDs.append(legacy)
        }
    }

    /// Row positions in the byte order of their ids, equal ids in file order. Generated ids sort
    /// by their digest (32 fixed-width hex digits order like the number); given ids by their bytes;
    /// the two lists are then merged on the ids' bytes.
    func keyOrder() -> [Int] {
        var auto: [Int] = [], given: [Int] = []
        auto.reserveCapacity(rows.count - givenIDs.count)
        given.reserveCapacity(givenIDs.count)
        for i in rows.indices { if rows[i].given < 0 { auto.append(i) } else { given.append(i) } }
        auto.sort { (rows[$0].hash, $0) < (rows[$1].hash, $1) }
        given.sort { a, b in
            let x = givenIDs[Int(rows[a].given)].utf8, y = givenIDs[Int(rows[b].given)].utf8
            if x.elementsEqual(y) { return a < b }
            return x.lexicographicallyPrecedes(y)
        }
        guard !given.isEmpty else { return auto }
        guard !auto.isEmpty else { return given }
        var out: [Int] = []
        out.reserveCapacity(rows.count)
        var i = 0, j = 0
        var autoBytes = Self.autoID(rows[auto[0]].hash)
        while i < auto.count || j < given.count {
            let takeAuto: Bool
            if i == auto.count { takeAuto = false } else if j == given.count { takeAuto = true } else {
                takeAuto = !givenIDs[Int(rows[given[j]].given)].utf8.lexicographicallyPrecedes(autoBytes)
                    && !(givenIDs[Int(rows[given[j]].given)].utf8.elementsEqual(autoBytes) && given[j] < auto[i])
            }
            if takeAuto {
                out.append(auto[i])
                i += 1
                if i < auto.count { autoBytes = Self.autoID(rows[auto[i]].hash) }
            } else {
                out.append(given[j])
                j += 1
            }
        }
        return out
    }

    /// Writes the gathered orders and their customers inside the caller's transaction.
    func write(_ db: Database, source: String, now: Int64) throws -> OrderImportResult {
        var result = OrderImportResult()
        guard !rows.isEmpty else { return result }
        // Customers first (their profiles are the orders' parents), in id order; an existing
        // profile keeps its row and only has its first/last seen widened.
        let newProfile = try BulkInsert(db, sql: "INSERT INTO profiles (id, first_seen, last_seen, created_at) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO NOTHING")
        let widen = try BulkInsert(db, sql: "UPDATE profiles SET first_seen = min(coalesce(first_seen, ?1), ?1), last_seen = max(coalesce(last_seen, ?2), ?2) WHERE id = ?3")
        // (String order is byte order for ASCII ids; any other order is only slower.)
        for c in customers.indices.sorted(by: { customers[$0] < customers[$1] }) {
            let span = spans[c]
            newProfile.bind(1, customers[c]); newProfile.bind(2, span.first); newProfile.bind(3, span.last); newProfile.bind(4, now)
            if try newProfile.step(db) > 0 {
                result.profilesCreated += 1
            } else {
                widen.bind(1, span.first); widen.bind(2, span.last); widen.bind(3, customers[c])
                try widen.step(db)
            }
        }
        // A covering index rebuilt once by SQLite's sorter costs less than keeping it up to date
        // row by row, as soon as the import is about as large as what is stored.
        // (Counted only up to the import's size: a small import into a large table stops early.)
        let stored = try Int.fetchOne(db, sql: "SELECT count(*) FROM (SELECT 1 FROM orders LIMIT ?)", arguments: [rows.count + 1]) ?? 0
        let rebuild = stored <= rows.count
        if rebuild {
            try db.execute(sql: "DROP INDEX IF EXISTS orders_profile_time_amount")
            // Counted once at the end instead of a trigger per row (rolled back with the rest on failure).
            try db.execute(sql: RowCounts.dropTriggers("orders"))
        }
        let insert = try BulkInsert(db, sql: "INSERT INTO orders (order_id, profile_id, timestamp, amount, currency, source) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(order_id) DO NOTHING")
        insert.bind(6, source)
        let order = keyOrder()
        var autoID = Self.autoID(.zero)
        for i in order {
            let row = rows[i]
            if row.given >= 0 {
                insert.bind(1, givenIDs[Int(row.given)])
            } else {
                row.hash.write(into: &autoID)
                autoID.withUnsafeBufferPointer { insert.bind(1, utf8: $0) }
            }
            insert.bind(2, customers[Int(row.customer)])
            insert.bind(3, row.time)
            insert.bind(4, row.amount)
            if row.currency >= 0 { insert.bind(5, currencies[Int(row.currency)]) } else { insert.bindNull(5) }
            if try insert.step(db) > 0 { result.inserted += 1 } else { result.duplicates += 1 }
        }
        if rebuild {
            try db.execute(sql: "CREATE INDEX orders_profile_time_amount ON orders(profile_id, timestamp, amount)")
            try db.execute(sql: RowCounts.createTriggers("orders"))
            try db.execute(sql: RowCounts.recount("orders"))
        }
        return result
    }
}
