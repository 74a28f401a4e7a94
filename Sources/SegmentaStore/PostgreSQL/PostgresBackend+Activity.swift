public import SegmentaCore
import PostgresNIO

/// Orders and events on PostgreSQL, read as per-customer aggregates computed by the server.
extension PostgresBackend {
    /// Rows bound per multi-row statement (arrays through `unnest`).
    static let chunk = 20_000

    /// ``ActivityStore/importOrders`` on PostgreSQL.
    public func importOrders(_ orders: [Order], source: String) async throws(SegmentaError) -> OrderImportResult {
        let now = clock.now.milliseconds
        var occurrences: [DerivedID: Int] = [:]
        let generated = OrderLoad.ids(orders, occurrences: &occurrences)
        return try await write { pg in
            var ids = generated.ids
            if try await Self.holdsLegacyIDs(pg, .orders) {
                try await Self.adoptLegacyOrderIDs(pg, orders, occurrences: generated.occurrences, ids: &ids)
            }
            var result = OrderImportResult()
            var span: [String: (Int64, Int64)] = [:]
            for o in orders {
                let t = o.timestamp.milliseconds
                if let s = span[o.customerID] { span[o.customerID] = (min(s.0, t), max(s.1, t)) } else { span[o.customerID] = (t, t) }
            }
            let customers = span.keys.sorted()
            for start in stride(from: 0, to: customers.count, by: Self.chunk) {
                let part = Array(customers[start..<min(start + Self.chunk, customers.count)])
                let first = part.map { span[$0]?.0 ?? 0 }, last = part.map { span[$0]?.1 ?? 0 }
                result.profilesCreated += try await pg.value("""
                    WITH ins AS (
                      INSERT INTO profiles (id, first_seen, last_seen, created_at)
                      SELECT u.id, u.f, u.l, \(now) FROM unnest(\(part)::text[], \(first)::bigint[], \(last)::bigint[]) AS u(id, f, l)
                      ON CONFLICT (id) DO UPDATE SET first_seen = LEAST(COALESCE(profiles.first_seen, excluded.first_seen), excluded.first_seen),
                                                     last_seen = GREATEST(COALESCE(profiles.last_seen, excluded.last_seen), excluded.last_seen)
                      RETURNING (xmax = 0) AS created
                    ) SELECT count(*) FILTER (WHERE created) FROM ins
                    """, as: Int.self) ?? 0
            }
            for start in stride(from: 0, to: orders.count, by: Self.chunk) {
                let range = start..<min(start + Self.chunk, orders.count)
                let part = orders[range]
                let inserted = try await pg.value("""
                    WITH ins AS (
                      INSERT INTO orders (order_id, profile_id, timestamp, amount, currency, source)
                      SELECT u.id, u.customer, u.t, u.amount, NULLIF(u.currency, ''), \(source)
                      FROM unnest(\(Array(ids[range]))::text[], \(part.map(\.customerID))::text[], \(part.map(\.timestamp.milliseconds))::bigint[],
                                  \(part.map(\.amount))::double precision[], \(part.map { $0.currency ?? "" })::text[]) AS u(id, customer, t, amount, currency)
                      ON CONFLICT (order_id) DO NOTHING RETURNING 1
                    ) SELECT count(*) FROM ins
                    """, as: Int.self) ?? 0
                result.inserted += inserted
                result.duplicates += part.count - inserted
            }
            return result
        }
    }

    /// ``ActivityStore/orders`` on PostgreSQL.
    public func orders(before cutoff: Timestamp?) async throws(SegmentaError) -> [Order] {
        try await read { pg in
            try await pg.rows("SELECT order_id, profile_id, timestamp, amount, currency FROM orders WHERE timestamp < \(cutoff?.milliseconds ?? Int64.max)").map { r in
                let (id, customer, t, amount, currency) = try r.decode((String, String, Int64, Double, String?).self)
                return Order(id: id, customerID: customer, timestamp: Timestamp(milliseconds: t), amount: amount, currency: currency)
            }
        }
    }

    /// The batches are gathered first, then stored in one transaction (memory holds the whole
    /// import; SQLite's streams it).
    public func importOrders(source: String, _ produce: (_ emit: ([Order]) throws -> Void) throws -> Void) async throws(SegmentaError) -> OrderImportResult {
        var all: [Order] = []
        do { try produce { all.append(contentsOf: $0) } } catch let e as SegmentaError { throw e } catch {
            throw SegmentaError(.invalidInput, "\(error)", underlying: error)
        }
        return try await importOrders(all, source: source)
    }

    /// Sums add amounts in the order SQLite does (its covering index: customer, time, amount), so
    /// that both backends give the same totals to the last bit.
    public func customerTotals(before cutoff: Timestamp?, refunds: RefundPolicy) async throws(SegmentaError) -> CustomerTotals {
        let before = cutoff?.milliseconds ?? Int64.max
        let rows: [(id: String, first: Int64, last: Int64, count: Int, monetary: Double)] = try await read { pg in
            let query: PostgresQuery = refunds == .asOrders ? """
                SELECT profile_id, min(timestamp), max(timestamp), count(*), COALESCE(sum(amount ORDER BY timestamp, amount), 0)
                FROM orders WHERE timestamp < \(before) GROUP BY profile_id
                """ : """
                SELECT profile_id, min(timestamp) FILTER (WHERE amount >= 0), max(timestamp) FILTER (WHERE amount >= 0),
                       count(*) FILTER (WHERE amount >= 0), COALESCE(sum(amount ORDER BY timestamp, amount), 0)
                FROM orders WHERE timestamp < \(before) GROUP BY profile_id HAVING count(*) FILTER (WHERE amount >= 0) > 0
                """
            return try await pg.rows(query).map { row in
                let c = try row.decode((String, Int64, Int64, Int, Double).self)
                return (id: c.0, first: c.1, last: c.2, count: c.3, monetary: c.4)
            }
        }
        return CustomerTotals(unordered: rows)
    }

    /// ``ActivityStore/purchaseTimes`` on PostgreSQL.
    public func purchaseTimes(before cutoff: Timestamp) async throws(SegmentaError) -> [String: [Timestamp]] {
        try await read { pg in
            var out: [String: [Timestamp]] = [:]
            for row in try await pg.rows("SELECT profile_id, array_agg(timestamp) FROM orders WHERE amount >= 0 AND timestamp < \(cutoff.milliseconds) GROUP BY profile_id") {
                let (id, times) = try row.decode((String, [Int64]).self)
                out[id] = times.map(Timestamp.init(milliseconds:))
            }
            return out
        }
    }

    /// ``ActivityStore/customerSummaries`` on PostgreSQL.
    public func customerSummaries(throughDay endDay: Int, unit: TimeUnit) async throws(SegmentaError) -> [CustomerSummary] {
        let day = Int64(86_400_000), end = Int64(endDay)
        let rows: [CustomerSummary] = try await read { pg in
            // The same SQL as on SQLite: `day` a floor division, one row per customer.
            try await pg.rows("""
                WITH d AS (
                  SELECT profile_id, (timestamp - ((timestamp % \(day)) + \(day)) % \(day)) / \(day) AS day, sum(amount ORDER BY timestamp, amount) AS spend
                  FROM orders WHERE amount >= 0 AND timestamp < (\(end) + 1) * \(day) GROUP BY profile_id, 2
                ), k AS (
                  SELECT profile_id, day, spend, row_number() OVER (PARTITION BY profile_id ORDER BY day) AS n FROM d
                )
                SELECT profile_id, min(day), max(day), count(*), COALESCE(sum(spend ORDER BY day) FILTER (WHERE n > 1), 0) FROM k GROUP BY profile_id
                """).map { row in
                let (id, first, last, days, repeatSpend) = try row.decode((String, Int64, Int64, Int, Double).self)
                let repeats = days - 1
                return CustomerSummary(customerID: id, frequency: Double(repeats), recency: Double(last - first) / unit.days,
                                       T: Double(end - first) / unit.days, monetary: repeats == 0 ? 0 : repeatSpend / Double(repeats))
            }
        }
        return CustomerOrder.sortedIndices(rows.map(\.customerID)).map { rows[$0] }
    }

    /// ``ActivityStore/latestOrderTime`` on PostgreSQL.
    public func latestOrderTime() async throws(SegmentaError) -> Timestamp? {
        try await read { pg in try await pg.value("SELECT max(timestamp) FROM orders", as: Int64.self).map(Timestamp.init(milliseconds:)) }
    }

    /// ``ActivityStore/activity`` on PostgreSQL.
    public func activity(_ source: ActivitySource) async throws(SegmentaError) -> [CohortRetention.Activity] {
        let query: PostgresQuery
        switch source {
        case .orders: query = "SELECT profile_id, timestamp FROM orders WHERE amount >= 0"
        case .events: query = "SELECT profile_id, timestamp FROM events WHERE type IN ('track', 'page', 'screen')"
        case .event(let name): query = "SELECT profile_id, timestamp FROM events WHERE type = 'track' AND name = \(name)"
        }
        return try await read { pg in
            try await pg.rows(query).map { row in
                let (id, t) = try row.decode((String, Int64).self)
                return CohortRetention.Activity(customerID: id, timestamp: Timestamp(milliseconds: t))
            }
        }
    }

    /// ``ActivityStore/orderCurrencies`` on PostgreSQL.
    public func orderCurrencies() async throws(SegmentaError) -> [(currency: String?, orders: Int)] {
        try await read { pg in
            try await pg.rows("SELECT currency, count(*)::bigint FROM orders GROUP BY currency ORDER BY 2 DESC, currency COLLATE \"C\" NULLS FIRST").map { row in
                let (currency, n) = try row.decode((String?, Int).self)
                return (currency: currency, orders: n)
            }
        }
    }

    /// ``ActivityStore/eventNames`` on PostgreSQL.
    public func eventNames(limit: Int) async throws(SegmentaError) -> [(name: String, count: Int)] {
        try await read { pg in
            var out: [(name: String, count: Int)] = []
            for row in try await pg.rows("""
                SELECT name, count(*)::bigint FROM events WHERE name IS NOT NULL
                GROUP BY name ORDER BY 2 DESC, name COLLATE "C" LIMIT \(max(0, limit) + 50)
                """) where out.count < limit {
                let (name, n) = try row.decode((String, Int).self)
                if try await pg.column("SELECT type FROM events WHERE name = \(name) LIMIT 1", as: String.self).first == "track" { out.append((name, n)) }
            }
            return out
        }
    }

    /// ``ActivityStore/trackEvents`` on PostgreSQL.
    public func trackEvents(named names: [String], from: Timestamp, to: Timestamp) async throws(SegmentaError) -> [ProfileEvent] {
        guard !names.isEmpty else { return [] }
        return try await read { pg in
            var out: [ProfileEvent] = []
            for row in try await pg.rows("""
                SELECT profile_id, name, timestamp, properties::text FROM events
                WHERE type = 'track' AND name = ANY(\(names)::text[]) AND timestamp >= \(from.milliseconds) AND timestamp <= \(to.milliseconds) ORDER BY timestamp
                """) {
                let (profile, name, t, properties) = try row.decode((String, String, Int64, String).self)
                out.append(ProfileEvent(profile: profile, name: name, timestamp: Timestamp(milliseconds: t), properties: try JSONTextParser.parseObject(properties)))
            }
            return out
        }
    }

    /// ``ActivityStore/eventCounts(_:in:)`` on PostgreSQL: one `GROUP BY profile_id`, a filtered
    /// count per window.
    public func eventCounts(_ name: String, in windows: [ClosedRange<Timestamp>]) async throws(SegmentaError) -> [String: [Double]] {
        guard let span = EventWindows(windows) else { return [:] }
        var b = PostgresBindings()
        b.append(name)
        b.append(span.from.milliseconds)
        b.append(span.to.milliseconds)
        for w in windows {
            b.append(w.lowerBound.milliseconds)
            b.append(w.upperBound.milliseconds)
        }
        let counts = windows.indices.map { "count(*) FILTER (WHERE timestamp >= $\($0 * 2 + 4) AND timestamp <= $\($0 * 2 + 5))" }.joined(separator: ", ")
        let query = PostgresQuery(unsafeSQL: """
            SELECT profile_id, \(counts) FROM events WHERE type = 'track' AND name = $1 AND timestamp >= $2 AND timestamp <= $3 GROUP BY profile_id
            """, binds: b)
        return try await read { pg in
            var out: [String: [Double]] = [:]
            for row in try await pg.rows(query) {
                let cells = row.makeRandomAccess()
                let id = try cells[0].decode(String.self)
                let n = try windows.indices.map { Double(try cells[$0 + 1].decode(Int.self)) }
                if n.contains(where: { $0 > 0 }) { out[id] = n }
            }
            return out
        }
    }

    /// ``ActivityStore/kpiValues`` on PostgreSQL.
    public func kpiValues(_ kpi: KPI, asOf: Timestamp) async throws(SegmentaError) -> [String: Double] {
        let at = asOf.milliseconds
        return try await read { pg in
            func all(_ value: Double) async throws -> [String: Double] {
                var out: [String: Double] = [:]
                for id in try await pg.column("SELECT id FROM profiles", as: String.self) { out[id] = value }
                return out
            }
            func fill(_ base: inout [String: Double], _ query: PostgresQuery) async throws {
                for row in try await pg.rows(query) {
                    let (id, v) = try row.decode((String, Double?).self)
                    if let v { base[id] = v }
                }
            }
            let number = { (doc: String, key: String) in
                "(CASE WHEN jsonb_typeof(\(doc) -> '\(key)') = 'number' THEN (\(doc) ->> '\(key)')::double precision END)"
            }
            var out: [String: Double]
            switch kpi {
            case .revenue:
                out = try await all(0)
                try await fill(&out, "SELECT profile_id, sum(amount ORDER BY timestamp, amount) FROM orders WHERE timestamp <= \(at) GROUP BY profile_id")
            case .orders:
                out = try await all(0)
                try await fill(&out, "SELECT profile_id, count(*)::double precision FROM orders WHERE timestamp <= \(at) GROUP BY profile_id")
            case .averageOrderValue:
                out = [:]
                try await fill(&out, "SELECT profile_id, avg(amount ORDER BY timestamp, amount) FROM orders WHERE timestamp <= \(at) GROUP BY profile_id")
            case .mrr:
                out = [:]
                let since = asOf.adding(days: -31).milliseconds
                try await fill(&out, """
                    SELECT e.profile_id, \(unescaped: number("e.properties", "mrr")) FROM events e
                    WHERE e.type = 'track' AND e.name = 'Invoice Paid' AND e.timestamp <= \(at) AND e.timestamp >= \(since)
                      AND jsonb_typeof(e.properties -> 'mrr') = 'number'
                      AND e.timestamp = (SELECT max(x.timestamp) FROM events x WHERE x.profile_id = e.profile_id AND x.type = 'track'
                                         AND x.name = 'Invoice Paid' AND x.timestamp <= \(at) AND x.timestamp >= \(since))
                    """)
            case .churn:
                out = try await all(0)
                try await fill(&out, """
                    SELECT p.id, 1.0::double precision FROM profiles p WHERE p.traits -> 'churned' = 'true'::jsonb
                       OR EXISTS (SELECT 1 FROM computed_values c WHERE c.grp = 'lifecycle' AND c.profile_id = p.id AND c.traits ->> 'lifecycle' = 'lost')
                    """)
            case .active(let days):
                out = try await all(0)
                try await fill(&out, "SELECT DISTINCT profile_id, 1.0::double precision FROM events WHERE type = 'track' AND timestamp <= \(at) AND timestamp >= \(asOf.adding(days: -days).milliseconds)")
            case .adoption(let event, let days):
                out = try await all(0)
                try await fill(&out, """
                    SELECT DISTINCT profile_id, 1.0::double precision FROM events
                    WHERE type = 'track' AND name = \(event) AND timestamp <= \(at) AND timestamp >= \(asOf.adding(days: -days).milliseconds)
                    """)
            case .nps:
                out = [:]
                try await fill(&out, "SELECT id, \(unescaped: number("traits", "nps")) FROM profiles WHERE jsonb_typeof(traits -> 'nps') = 'number'")
            case .csat:
                out = [:]
                try await fill(&out, """
                    SELECT profile_id, avg(\(unescaped: number("properties", "score"))) FROM events
                    WHERE type = 'track' AND name = 'CSAT Submitted' AND timestamp <= \(at) AND jsonb_typeof(properties -> 'score') = 'number'
                    GROUP BY profile_id
                    """)
            }
            return out
        }
    }
}
