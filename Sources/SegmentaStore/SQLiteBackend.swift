public import SegmentaCore
import Dispatch
import Synchronization

/// The SQLite store behind the storage protocols (``Storage``). SQLite calls block, so each call
/// runs on a thread outside Swift's cooperative pool and the caller's task waits without holding
/// a thread; the request's SQL time limit (``QueryDeadline``) follows the call onto that thread.
public struct SQLiteBackend: EventsElsewherePrimary {
    /// The store, for what is not behind a protocol yet (server and CLI reads of their own).
    public let store: SQLiteStore

    /// The backend over `store`.
    public init(_ store: SQLiteStore) { self.store = store }

    /// Jobs running now (``exclusively(_:_:)``).
    static let running = Mutex<Set<String>>([])

    private static let queue = DispatchQueue(label: "segmenta.sqlite", qos: .userInitiated, attributes: .concurrent)

    /// Runs `body` on the backend's threads.
    func run<T: Sendable>(_ body: @escaping @Sendable (SQLiteStore) throws(SegmentaError) -> T) async throws(SegmentaError) -> T {
        let deadline = QueryDeadline.current
        let store = self.store
        let result: Result<T, SegmentaError> = await withCheckedContinuation { continuation in
            Self.queue.async {
                continuation.resume(returning: QueryDeadline.$current.withValue(deadline) {
                    Result { () throws(SegmentaError) in try body(store) }
                })
            }
        }
        return try result.get()
    }

    // ProfileStore
    /// ``ProfileStore/apply`` on SQLite, run on the backend's threads.
    public func apply(_ messages: [Message], source: String, arrival: Timestamp) async throws(SegmentaError) -> MessageImportResult {
        try await run { s throws(SegmentaError) in try s.apply(messages, source: source, arrival: arrival) }
    }
    /// Runs on the caller's thread: the producer reads a file there, inside the write transaction.
    public func importMessages(_ produce: (_ emit: (MessageBatch) throws -> Void) throws -> Void) async throws(SegmentaError) -> MessageImportResult {
        try store.importMessages(produce)
    }
    /// ``ProfileStore/apply`` on SQLite, run on the backend's threads.
    public func apply(_ batches: [MessageBatch]) async throws(SegmentaError) -> [MessageImportResult] {
        try await run { s throws(SegmentaError) in try s.apply(batches) }
    }
    /// ``EventsElsewherePrimary/applyWithoutEvents`` on SQLite, run on the backend's threads.
    public func applyWithoutEvents(_ batches: [MessageBatch]) async throws(SegmentaError) -> AppliedMessages {
        try await run { s throws(SegmentaError) in try s.applyWithoutEvents(batches) }
    }
    /// Runs on the caller's thread, as ``importMessages(_:)`` does.
    public func importMessagesWithoutEvents(_ produce: (_ emit: (MessageBatch) throws -> Void) throws -> Void,
                                            applied: (MessageBatch) throws -> Void) async throws(SegmentaError) -> AppliedMessages {
        try store.importMessagesWithoutEvents(produce, applied: applied)
    }
    /// ``ProfileStore/counts`` on SQLite, run on the backend's threads.
    public func counts() async throws(SegmentaError) -> StoreCounts { try await run { s throws(SegmentaError) in try s.counts() } }
    /// ``ProfileStore/importProfiles`` on SQLite, run on the backend's threads.
    public func importProfiles(_ rows: [ProfileFileReader.Row], at time: Timestamp) async throws(SegmentaError) -> ProfileImportResult {
        try await run { s throws(SegmentaError) in try s.importProfiles(rows, at: time) }
    }
    /// ``ProfileStore/profileIDs`` on SQLite, run on the backend's threads.
    public func profileIDs() async throws(SegmentaError) -> [String] { try await run { s throws(SegmentaError) in try s.profileIDs() } }
    /// ``ProfileStore/profileID`` on SQLite, run on the backend's threads.
    public func profileID(forExternalID id: String) async throws(SegmentaError) -> String? {
        try await run { s throws(SegmentaError) in try s.profileID(forExternalID: id) }
    }
    /// ``ProfileStore/traitValues`` on SQLite, run on the backend's threads.
    public func traitValues(_ path: String) async throws(SegmentaError) -> [String: String] { try await run { s throws(SegmentaError) in try s.traitValues(path) } }
    /// ``ProfileStore/signupTimes`` on SQLite, run on the backend's threads.
    public func signupTimes() async throws(SegmentaError) -> [String: Timestamp] { try await run { s throws(SegmentaError) in try s.signupTimes() } }
    /// ``ProfileStore/profileFacts`` on SQLite, run on the backend's threads.
    public func profileFacts(_ id: String) async throws(SegmentaError) -> ProfileFacts? { try await run { s throws(SegmentaError) in try s.profileFacts(id) } }
    /// ``ProfileStore/identityMap`` on SQLite, run on the backend's threads.
    public func identityMap() async throws(SegmentaError) -> [(id: String, profile: String)] { try await run { s throws(SegmentaError) in try s.identityMap() } }
    /// ``ProfileStore/accountMemberships`` on SQLite, run on the backend's threads.
    public func accountMemberships() async throws(SegmentaError) -> [(account: String, profile: String)] { try await run { s throws(SegmentaError) in try s.accountMemberships() } }
    /// ``ProfileStore/sampleTraits`` on SQLite, run on the backend's threads.
    public func sampleTraits(limit: Int) async throws(SegmentaError) -> [JSONValue] { try await run { s throws(SegmentaError) in try s.sampleTraits(limit: limit) } }

    // ActivityStore
    /// ``ActivityStore/importOrders`` on SQLite, run on the backend's threads.
    public func importOrders(_ orders: [Order], source: String) async throws(SegmentaError) -> OrderImportResult {
        try await run { s throws(SegmentaError) in try s.importOrders(orders, source: source) }
    }
    /// Runs on the caller's thread: the producer reads a file there, inside the write transaction.
    public func importOrders(source: String, _ produce: (_ emit: ([Order]) throws -> Void) throws -> Void) async throws(SegmentaError) -> OrderImportResult {
        try store.importOrders(source: source, produce)
    }
    /// ``ActivityStore/orders`` on SQLite, run on the backend's threads.
    public func orders(before cutoff: Timestamp?) async throws(SegmentaError) -> [Order] {
        try await run { s throws(SegmentaError) in try s.orders(before: cutoff) }
    }
    /// ``ActivityStore/customerTotals`` on SQLite, run on the backend's threads.
    public func customerTotals(before cutoff: Timestamp?, refunds: RefundPolicy) async throws(SegmentaError) -> CustomerTotals {
        try await run { s throws(SegmentaError) in try s.customerTotals(before: cutoff, refunds: refunds) }
    }
    /// ``ActivityStore/purchaseTimes`` on SQLite, run on the backend's threads.
    public func purchaseTimes(before cutoff: Timestamp) async throws(SegmentaError) -> [String: [Timestamp]] {
        try await run { s throws(SegmentaError) in try s.purchaseTimes(before: cutoff) }
    }
    /// ``ActivityStore/customerSummaries`` on SQLite, run on the backend's threads.
    public func customerSummaries(throughDay endDay: Int, unit: TimeUnit) async throws(SegmentaError) -> [CustomerSummary] {
        try await run { s throws(SegmentaError) in try s.customerSummaries(throughDay: endDay, unit: unit) }
    }
    /// ``ActivityStore/latestOrderTime`` on SQLite, run on the backend's threads.
    public func latestOrderTime() async throws(SegmentaError) -> Timestamp? { try await run { s throws(SegmentaError) in try s.latestOrderTime() } }
    /// ``ActivityStore/activity`` on SQLite, run on the backend's threads.
    public func activity(_ source: ActivitySource) async throws(SegmentaError) -> [CohortRetention.Activity] {
        try await run { s throws(SegmentaError) in try s.activity(source) }
    }
    /// ``ActivityStore/eventCounts(_:in:)`` on SQLite, run on the backend's threads.
    public func eventCounts(_ name: String, in windows: [ClosedRange<Timestamp>]) async throws(SegmentaError) -> [String: [Double]] {
        try await run { s throws(SegmentaError) in try s.eventCounts(name, in: windows) }
    }
    /// ``ActivityStore/orderCurrencies`` on SQLite, run on the backend's threads.
    public func orderCurrencies() async throws(SegmentaError) -> [(currency: String?, orders: Int)] {
        try await run { s throws(SegmentaError) in try s.orderCurrencies() }
    }
    /// ``ActivityStore/eventNames`` on SQLite, run on the backend's threads.
    public func eventNames(limit: Int) async throws(SegmentaError) -> [(name: String, count: Int)] {
        try await run { s throws(SegmentaError) in try s.eventNames(limit: limit) }
    }
    /// ``ActivityStore/trackEvents`` on SQLite, run on the backend's threads.
    public func trackEvents(named names: [String], from: Timestamp, to: Timestamp) async throws(SegmentaError) -> [ProfileEvent] {
        try await run { s throws(SegmentaError) in try s.trackEvents(named: names, from: from, to: to) }
    }
    /// ``ActivityStore/kpiValues`` on SQLite, run on the backend's threads.
    public func kpiValues(_ kpi: KPI, asOf: Timestamp) async throws(SegmentaError) -> [String: Double] {
        try await run { s throws(SegmentaError) in try s.kpiValues(kpi, asOf: asOf) }
    }

    // SegmentStore
    /// ``SegmentStore/createSegment`` on SQLite, run on the backend's threads.
    public func createSegment(_ document: JSONValue, allowUnknownComputed: Bool) async throws(SegmentaError) -> SegmentInfo {
        try await run { s throws(SegmentaError) in try s.createSegment(document, allowUnknownComputed: allowUnknownComputed) }
    }
    /// ``SegmentStore/segments`` on SQLite, run on the backend's threads.
    public func segments() async throws(SegmentaError) -> [SegmentInfo] { try await run { s throws(SegmentaError) in try s.segments() } }
    /// ``SegmentStore/segment`` on SQLite, run on the backend's threads.
    public func segment(named name: String) async throws(SegmentaError) -> SegmentInfo? { try await run { s throws(SegmentaError) in try s.segment(named: name) } }
    /// ``SegmentStore/members`` on SQLite, run on the backend's threads.
    public func members(of name: String, snapshot: Int64?) async throws(SegmentaError) -> [String] {
        try await run { s throws(SegmentaError) in try s.members(of: name, snapshot: snapshot) }
    }
    /// ``EventsElsewherePrimary/matchingProfiles`` on SQLite, run on the backend's threads.
    public func matchingProfiles(_ condition: Condition, asOf: Timestamp, eventLeaves: EventLeaves?) async throws(SegmentaError) -> [String] {
        try await run { s throws(SegmentaError) in try s.matchingProfiles(condition, asOf: asOf, eventLeaves: eventLeaves) }
    }
    /// ``SegmentStore/importStatic`` on SQLite, run on the backend's threads.
    public func importStatic(_ name: String, ids: [String], description: String) async throws(SegmentaError) -> RefreshResult {
        try await run { s throws(SegmentaError) in try s.importStatic(name, ids: ids, description: description) }
    }
    /// ``EventsElsewherePrimary/refresh`` on SQLite, run on the backend's threads.
    public func refresh(_ name: String, asOf: Timestamp, webhookPageSize: Int, eventLeaves: EventLeaves?) async throws(SegmentaError) -> RefreshResult {
        try await run { s throws(SegmentaError) in try s.refresh(name, asOf: asOf, webhookPageSize: webhookPageSize, eventLeaves: eventLeaves) }
    }
    /// ``SegmentStore/recordAlerts`` on SQLite, run on the backend's threads.
    public func recordAlerts(_ findings: [DriftDetector.Finding], segment: String, snapshot: SegmentSnapshot) async throws(SegmentaError) -> [SegmentAlert] {
        try await run { s throws(SegmentaError) in try s.recordAlerts(findings, segment: segment, snapshot: snapshot) }
    }

    // AnalysisStore
    /// ``AnalysisStore/replaceComputedTraits`` on SQLite, run on the backend's threads.
    public func replaceComputedTraits(_ rows: ComputedTraitRows, computedAt: Timestamp) async throws(SegmentaError) {
        try await run { s throws(SegmentaError) in try s.replaceComputedTraits(rows, computedAt: computedAt) }
    }
    /// The writer clears the old values while a task computes the new ones (reading through the
    /// reader connections), then inserts them: the delete costs no time of its own. A store with
    /// one connection (in memory) computes the rows first.
    public func replaceComputedTraits(names: [String], computedAt: Timestamp,
                                      rows: @escaping @Sendable () async throws(SegmentaError) -> ComputedTraitRows) async throws(SegmentaError) {
        guard store.readsBesideWrites else {
            let rows = try await rows()
            return try await run { s throws(SegmentaError) in try s.replaceComputedTraits(names: names, computedAt: computedAt) { rows } }
        }
        let handoff = Handoff<Result<ComputedTraitRows, SegmentaError>>()
        Task {
            do throws(SegmentaError) { handoff.put(.success(try await rows())) } catch { handoff.put(.failure(error)) }
        }
        try await run { s throws(SegmentaError) in
            try s.replaceComputedTraits(names: names, computedAt: computedAt) { () throws(SegmentaError) in try handoff.take().get() }
        }
    }
    /// ``AnalysisStore/computedTraitValues`` on SQLite, run on the backend's threads.
    public func memberValues(of segment: String, trait name: String, computed: Bool) async throws(SegmentaError) -> [String: String] {
        try await run { s throws(SegmentaError) in computed ? try s.computedTraitValues(name, members: segment) : try s.traitValues(name, members: segment) }
    }
    /// ``AnalysisStore/computedTraitValues`` on SQLite, run on the backend's threads.
    public func computedTraitValues(_ name: String) async throws(SegmentaError) -> [String: String] {
        try await run { s throws(SegmentaError) in try s.computedTraitValues(name) }
    }
    /// ``AnalysisStore/recordAnalysis`` on SQLite, run on the backend's threads.
    public func recordAnalysis(kind: String, asOf: Timestamp, parameters: JSONValue, summary: JSONValue, values: [(profile: String, value: String)],
                               at time: Timestamp) async throws(SegmentaError) {
        try await run { s throws(SegmentaError) in
            try s.recordAnalysis(kind: kind, asOf: asOf, parameters: parameters, summary: summary, values: values, at: time)
        }
    }
    /// ``AnalysisStore/sortedAnalysisValues`` on SQLite, run on the backend's threads.
    public func sortedAnalysisValues(kind: String, asOf: Timestamp) async throws(SegmentaError) -> [(profile: String, value: String)]? {
        try await run { s throws(SegmentaError) in try s.sortedAnalysisValues(kind: kind, asOf: asOf) }
    }

    // ExperimentStore
    /// ``ExperimentStore/exposures`` on SQLite, run on the backend's threads.
    public func exposures(of experiment: String) async throws(SegmentaError) -> [(profile: String, variant: String, at: Timestamp)] {
        try await run { s throws(SegmentaError) in try s.exposures(of: experiment) }
    }
    /// ``ExperimentStore/outcomeValues`` on SQLite, run on the backend's threads.
    public func outcomeValues(_ outcome: Hypothesis.Outcome, signups: [String: Timestamp], asOf: Timestamp) async throws(SegmentaError) -> [String: Double] {
        try await run { s throws(SegmentaError) in try s.outcomeValues(outcome, signups: signups, asOf: asOf) }
    }
    /// ``ExperimentStore/converted`` on SQLite, run on the backend's threads.
    public func converted(event: String, exposures: [(profile: String, variant: String, at: Timestamp)], windowDays: Int, asOf: Timestamp) async throws(SegmentaError) -> Set<String> {
        try await run { s throws(SegmentaError) in try s.converted(event: event, exposures: exposures, windowDays: windowDays, asOf: asOf) }
    }
}

extension SQLiteStore {
    /// This store behind the storage protocols.
    public var backend: SQLiteBackend { SQLiteBackend(self) }
}
