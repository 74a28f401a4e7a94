public import SegmentaCore

/// Orders and events, read as aggregates the database computes: one row per customer (or per
/// cell), never every order or event.
public protocol ActivityStore: Sendable {
    /// Adds orders (profiles are created for unknown customers); an order id already stored is a duplicate. All or nothing.
    func importOrders(_ orders: [Order], source: String) async throws(SegmentaError) -> OrderImportResult
    /// Adds orders produced in batches by `produce`, all in one transaction: a failure anywhere —
    /// in a batch or in `produce` itself — leaves the store as it was. `produce` runs on the
    /// caller's thread (it reads a file); SQLite stores each batch as it comes (memory stays
    /// bounded by one batch), PostgreSQL sends them after the last one.
    func importOrders(source: String, _ produce: (_ emit: ([Order]) throws -> Void) throws -> Void) async throws(SegmentaError) -> OrderImportResult
    /// Every order before `cutoff` (for the report and holdout checks that need them one by one;
    /// analyses read the per-customer aggregates below).
    func orders(before cutoff: Timestamp?) async throws(SegmentaError) -> [Order]
    /// Per-customer order totals before `cutoff` (RFM inputs), in customer order.
    func customerTotals(before cutoff: Timestamp?, refunds: RefundPolicy) async throws(SegmentaError) -> CustomerTotals
    /// Per customer, the times of its purchases (amount ≥ 0) before `cutoff` (lifecycle inputs).
    func purchaseTimes(before cutoff: Timestamp) async throws(SegmentaError) -> [String: [Timestamp]]
    /// BG/NBD and Gamma-Gamma inputs per customer, from purchases on UTC days up to `endDay`.
    func customerSummaries(throughDay endDay: Int, unit: TimeUnit) async throws(SegmentaError) -> [CustomerSummary]
    /// The time of the latest order (refunds included), nil without orders.
    func latestOrderTime() async throws(SegmentaError) -> Timestamp?
    /// Activity for cohorts: orders, all events, or one event name.
    func activity(_ source: ActivitySource) async throws(SegmentaError) -> [CohortRetention.Activity]
    /// Per profile, its track events named `name` in each of `windows` (both ends included), in
    /// the windows' order, read in one pass over the events from the earliest start to the latest
    /// end: only profiles with some in a window. (With events in ClickHouse, an id the primary no
    /// longer knows may appear: callers read the counts by their own ids.)
    func eventCounts(_ name: String, in windows: [ClosedRange<Timestamp>]) async throws(SegmentaError) -> [String: [Double]]
    /// Orders per currency (nil: orders without one), most orders first (ties by currency).
    func orderCurrencies() async throws(SegmentaError) -> [(currency: String?, orders: Int)]
    /// The most frequent track-event names with how many events each has, most frequent first
    /// (ties by name). Counted from the index on names alone (a full scan of the table reads every
    /// event: 24 s at 16M events, against 1 s): a name counts as a track event's when the first of
    /// its events the index finds is one, and a page or screen sharing that name adds to its count.
    func eventNames(limit: Int) async throws(SegmentaError) -> [(name: String, count: Int)]
    /// Track events named one of `names` from `from` to `to` (both included), each message once,
    /// with the profile it belongs to now, oldest first (ties in no set order).
    func trackEvents(named names: [String], from: Timestamp, to: Timestamp) async throws(SegmentaError) -> [ProfileEvent]
    /// Per profile, the value of a KPI as of a time.
    func kpiValues(_ kpi: KPI, asOf: Timestamp) async throws(SegmentaError) -> [String: Double]
}
