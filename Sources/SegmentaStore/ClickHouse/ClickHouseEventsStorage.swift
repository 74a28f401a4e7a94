public import SegmentaCore
import Foundation
import Synchronization

/// A store whose events live in ClickHouse: profiles, identities, orders, segments, keys and
/// everything else stay in the primary store (SQLite or PostgreSQL); track, page and screen
/// messages go to ClickHouse, and every read of events — segment conditions, KPIs, cohorts,
/// experiments, profile pages, exports, erasure — goes there too. What `--events
/// clickhouse://…` (or `SEGMENTA_EVENTS`) gives every command.
///
/// Writing messages: the primary store applies them first, without their events (identities,
/// traits, groups, orders; one transaction), and returns the ids of every profile they touched;
/// those identity rows and then the events are inserted into ClickHouse (acknowledged once every
/// shard holds them); only then is the write reported done. A crash in between leaves messages
/// that were never acknowledged: the SDK sends them again, which the primary store applies as a
/// no-op and ClickHouse stores a second time — and every query counts a message once.
public struct ClickHouseEventsStorage: Storage {
    /// Everything but events.
    public let primary: any EventsElsewherePrimary
    /// The events.
    public let events: ClickHouseEventStore
    /// Messages stored lately (source and messageId), to answer "duplicate" to a retry without
    /// storing it again; queries stay exact without it.
    let recent: RecentMessages
    /// Identity rows this process wrote last, so that only changes are written again. Empty after
    /// a restart: the first write of each id then goes out again, which also repairs rows a
    /// crash may have kept from being written.
    let writtenIdentities: WrittenIdentities

    /// - Parameter window: how many recent messages to remember for duplicate answers.
    public init(primary: any EventsElsewherePrimary, events: ClickHouseEventStore, window: Int = 1_000_000) {
        self.primary = primary
        self.events = events
        recent = RecentMessages(capacity: window)
        writtenIdentities = WrittenIdentities(capacity: 4 * window)
    }

    /// Connects to ClickHouse and creates its tables where missing.
    public func migrate() async throws(SegmentaError) { try await events.migrate() }

    // MARK: writing messages

    /// ``ProfileStore/apply``, its events in ClickHouse.
    public func apply(_ messages: [Message], source: String, arrival: Timestamp) async throws(SegmentaError) -> MessageImportResult {
        try await apply([MessageBatch(messages: messages, source: source, arrival: arrival)]).first ?? MessageImportResult()
    }

    /// ``ProfileStore/apply``, its events in ClickHouse.
    public func apply(_ batches: [MessageBatch]) async throws(SegmentaError) -> [MessageImportResult] {
        // Retries of messages stored lately are answered as duplicates and go nowhere.
        var repeats = Array(repeating: 0, count: batches.count)
        var fresh = batches
        for (b, batch) in batches.enumerated() {
            let keep = batch.messages.indices.filter { i in
                let m = batch.messages[i]
                guard Message.eventKinds.contains(m.kind), let id = m.messageID, recent.contains(source: batch.source, messageID: id) else { return true }
                return false
            }
            repeats[b] = batch.messages.count - keep.count
            if repeats[b] > 0 { fresh[b] = batch.keeping(keep) }
        }
        // The event rows are written while the primary store applies the batches (on another core).
        let sending = fresh
        async let written = Self.rows(sending)
        let outcome = try await primary.applyWithoutEvents(sending)
        let version = ClickHouseEventStore.newVersion()
        var rows = await written
        if outcome.results.contains(where: { $0.erased > 0 }) { rows = Self.rows(outcome.applied) }
        // Identities and events go to ClickHouse side by side; the write is done when both are.
        let identities = writtenIdentities.changed(outcome.identities), events = self.events
        async let recorded: SegmentaError? = { () async -> SegmentaError? in
            do throws(SegmentaError) { try await events.record(identities, version: version); return nil } catch { return error }
        }()
        if !rows.isEmpty { try await events.insertRows(rows) }
        if let failed = await recorded { throw failed }
        writtenIdentities.remember(identities)
        for batch in outcome.applied {
            for m in batch.messages where Message.eventKinds.contains(m.kind) {
                if let id = m.messageID { recent.insert(source: batch.source, messageID: id) }
            }
        }
        var results = outcome.results
        for i in results.indices where i < repeats.count { results[i].duplicates += repeats[i] }
        return results
    }

    /// The `JSONEachRow` lines of the events among the batches' messages.
    static func rows(_ batches: [MessageBatch]) -> String {
        var rows = ""
        for batch in batches {
            for m in batch.messages { ClickHouseEventRow(m, source: batch.source, arrival: batch.arrival)?.writeJSONLine(to: &rows) }
        }
        return rows
    }

    /// A file import: the primary store applies every message in one transaction while the
    /// events are written to a temporary file; once it has committed, the file goes to
    /// ClickHouse in large inserts. If that step fails, running the same import again is safe:
    /// nothing is applied twice and no event counts twice.
    public func importMessages(_ produce: (_ emit: (MessageBatch) throws -> Void) throws -> Void) async throws(SegmentaError) -> MessageImportResult {
        let spool = try EventSpool()
        defer { spool.remove() }
        let outcome = try await primary.importMessagesWithoutEvents(produce) { batch in try spool.append(Self.rows([batch])) }
        try await events.record(outcome.identities, version: ClickHouseEventStore.newVersion())
        do {
            try await spool.send(to: events)
        } catch {
            throw SegmentaError(error.code, "sending the file's events to ClickHouse failed: \(error.message) — its profiles, identities and orders are stored; run the same import again to send the events (nothing will count twice)", underlying: error)
        }
        return outcome.results.first ?? MessageImportResult()
    }

    // MARK: reading events

    /// ``ProfileStore/counts``, its events in ClickHouse.
    public func counts() async throws(SegmentaError) -> StoreCounts {
        var c = try await primary.counts()
        c.events += try await events.storedEvents()
        return c
    }

    /// ``ProfileStore/overview``, its events in ClickHouse.
    public func overview() async throws(SegmentaError) -> StoreOverview {
        var o = try await primary.overview()
        o.events += try await events.storedEvents()
        return o
    }

    /// ``ProfileStore/dataVersion``: nil, since the events' side in ClickHouse keeps no such
    /// number — the overview is counted at each view.
    public func dataVersion() async throws(SegmentaError) -> Int64? { nil }

    /// The ids a profile's events may carry: its own and every linked one.
    /// ``ProfileStore/profileDetail``, its events in ClickHouse.
    public func profileDetail(_ id: String) async throws(SegmentaError) -> ProfileDetail? {
        guard var detail = try await primary.profileDetail(id) else { return nil }
        // The primary store counts the messages it keeps (identify, group, alias); ClickHouse the
        // events (events left in the primary by `store copy --events-to` are ClickHouse's to count).
        var counts = ProfileDetail.EventCounts()
        counts.byType = detail.eventCounts.byType.filter { Self.keptByPrimary($0.key) }
        counts.futureDatedByType = detail.eventCounts.futureDatedByType.filter { Self.keptByPrimary($0.key) }
        for c in try await events.eventCounts(ofIDs: detail.ids) {
            counts.add(type: c.type, name: c.name, count: c.count)
            if c.futureDated > 0 { counts.futureDatedByType[c.type, default: 0] &+= c.futureDated }
        }
        detail.eventCounts = counts
        return detail
    }

    /// Whether a stored message of this type is the primary store's to show (identify, group,
    /// alias); track, page and screen are ClickHouse's, even where a copy left them in the primary.
    static func keptByPrimary(_ type: String) -> Bool {
        Message.Kind(rawValue: type).map { !Message.eventKinds.contains($0) } ?? true
    }

    /// Newest first, the primary store's messages (identify, group, alias) and ClickHouse's
    /// events merged; the cursor holds a position in each (`PRIMARY~TIME_KEY`, either side `-`
    /// once it has run out).
    public func profileEvents(_ id: String, limit: Int, cursor: String?) async throws(SegmentaError) -> (events: [JSONValue], nextCursor: String?)? {
        guard let ids = try await primary.profileDetail(id)?.ids else { return nil }
        let position = try MergedCursor(cursor)
        let limit = max(1, limit)
        func kept(_ e: JSONValue) -> Bool { Self.keptByPrimary(e["type"]?.stringValue ?? "") }
        // The primary's next page holding a message of its own (pages of copied events skipped).
        var base = position.primary
        var page: [JSONValue] = []
        var more = false
        if !position.primaryDone {
            for _ in 0..<10_000 {
                guard let p = try await primary.profileEvents(id, limit: limit, cursor: base) else { break }
                page = p.events
                more = p.nextCursor != nil
                if page.contains(where: kept) || !more { break }
                base = p.nextCursor
            }
        }
        let mine = page.enumerated().filter { kept($0.element) }
        var theirs: [ClickHouseEventStore.StoredEvent] = []
        if !position.eventsDone {
            theirs = try await events.events(ofIDs: ids, after: position.events, limit: limit + 1)
        }
        // Merge by time, newest first; ties go to ClickHouse's events first.
        var out: [JSONValue] = []
        var a = 0, b = 0
        func time(_ e: JSONValue) -> Int64 { (e["timestamp"]?.stringValue).flatMap { try? Timestamp.parse($0) }?.milliseconds ?? 0 }
        while out.count < limit, a < mine.count || b < theirs.count {
            if b < theirs.count, a >= mine.count || theirs[b].timestamp >= time(mine[a].element) {
                out.append(theirs[b].json); b += 1
            } else {
                out.append(mine[a].element); a += 1
            }
        }
        var next = position
        if position.primaryDone {
        } else if a == mine.count && !more {
            next.primaryDone = true
        } else if a > 0 {
            // Where the primary's rows end after the last message shown.
            let shown = try await primary.profileEvents(id, limit: mine[a - 1].offset + 1, cursor: base)
            next.primary = shown?.nextCursor
            next.primaryDone = shown?.nextCursor == nil
        } else {
            next.primary = base
        }
        if !position.eventsDone {
            if b > 0 { next.events = (theirs[b - 1].timestamp, theirs[b - 1].key) }
            next.eventsDone = b == theirs.count && theirs.count <= limit
        }
        return (out, next.primaryDone && next.eventsDone ? nil : next.text)
    }

    /// ``ProfileStore/profileFacts``, its events in ClickHouse.
    public func profileFacts(_ id: String) async throws(SegmentaError) -> ProfileFacts? {
        guard var facts = try await primary.profileFacts(id), let ids = try await primary.profileDetail(facts.id)?.ids else { return nil }
        facts.events = try await events.events(ofIDs: ids, after: nil, limit: nil, trackOnly: true).reversed().map {
            ProfileFacts.Event(name: $0.name, timestamp: Timestamp(milliseconds: $0.timestamp), properties: $0.properties)
        }
        return facts
    }

    /// ``ActivityStore/activity``, its events in ClickHouse.
    public func activity(_ source: ActivitySource) async throws(SegmentaError) -> [CohortRetention.Activity] {
        switch source {
        case .orders: return try await primary.activity(source)
        case .events: return try await events.activity(event: nil)
        case .event(let name): return try await events.activity(event: name)
        }
    }

    /// ``ActivityStore/eventCounts(_:in:)``, its events in ClickHouse.
    public func eventCounts(_ name: String, in windows: [ClosedRange<Timestamp>]) async throws(SegmentaError) -> [String: [Double]] {
        try await events.eventCounts(name, in: windows)
    }

    /// ``ActivityStore/trackEvents``, its events in ClickHouse.
    public func trackEvents(named names: [String], from: Timestamp, to: Timestamp) async throws(SegmentaError) -> [ProfileEvent] {
        try await events.trackEvents(named: names, from: from, to: to)
    }

    /// ``ActivityStore/eventNames``, its events in ClickHouse.
    public func eventNames(limit: Int) async throws(SegmentaError) -> [(name: String, count: Int)] { try await events.eventNames(limit: limit) }

    /// ``ActivityStore/kpiValues``, its events in ClickHouse.
    public func kpiValues(_ kpi: KPI, asOf: Timestamp) async throws(SegmentaError) -> [String: Double] {
        func everyone(_ value: Double) async throws(SegmentaError) -> [String: Double] {
            var out: [String: Double] = [:]
            for id in try await primary.profileIDs() { out[id] = value }
            return out
        }
        switch kpi {
        case .revenue, .orders, .averageOrderValue, .churn, .nps:
            return try await primary.kpiValues(kpi, asOf: asOf)
        case .mrr:
            return try await events.latestNumber(event: "Invoice Paid", property: "mrr", from: asOf.adding(days: -31), to: asOf)
        case .active(let days):
            var out = try await everyone(0)
            for id in try await events.activeProfiles(event: nil, days: days, asOf: asOf) where out[id] != nil { out[id] = 1 }
            return out
        case .adoption(let event, let days):
            var out = try await everyone(0)
            for id in try await events.activeProfiles(event: event, days: days, asOf: asOf) where out[id] != nil { out[id] = 1 }
            return out
        case .csat:
            return try await events.meanNumber(event: "CSAT Submitted", property: "score", asOf: asOf)
        }
    }

    /// ``ExperimentStore/outcomeValues``, its events in ClickHouse.
    public func outcomeValues(_ outcome: Hypothesis.Outcome, signups: [String: Timestamp], asOf: Timestamp) async throws(SegmentaError) -> [String: Double] {
        guard case .retained(let days) = outcome else { return try await primary.outcomeValues(outcome, signups: signups, asOf: asOf) }
        let last = try await events.lastTrackTimes(asOf: asOf)
        var out: [String: Double] = [:]
        for (id, signup) in signups { out[id] = (last[id].map { $0 >= signup.adding(days: days).milliseconds } ?? false) ? 1 : 0 }
        return out
    }

    /// ``ExperimentStore/converted``, its events in ClickHouse.
    public func converted(event: String, exposures: [(profile: String, variant: String, at: Timestamp)], windowDays: Int, asOf: Timestamp) async throws(SegmentaError) -> Set<String> {
        let times = try await events.eventTimes(event, profiles: Set(exposures.map(\.profile)))
        var out = Set<String>()
        for x in exposures {
            let end = min(x.at.adding(days: windowDays).milliseconds, asOf.milliseconds)
            if times[x.profile]?.contains(where: { $0 >= x.at.milliseconds && $0 <= end }) == true { out.insert(x.profile) }
        }
        return out
    }

    // MARK: segments: event conditions run in ClickHouse

    /// ``SegmentStore/matchingProfiles``, its events in ClickHouse.
    public func matchingProfiles(_ condition: Condition, asOf: Timestamp) async throws(SegmentaError) -> [String] {
        let leaves = try await events.leaves(of: condition, definitions: primary.segmentDefinitions(), asOf: asOf)
        return try await primary.matchingProfiles(condition, asOf: asOf, eventLeaves: leaves)
    }

    /// ``SegmentStore/previewSize``, its events in ClickHouse.
    public func previewSize(_ condition: Condition, asOf: Timestamp) async throws(SegmentaError) -> Int {
        try await matchingProfiles(condition, asOf: asOf).count
    }

    /// ``SegmentStore/refresh``, its events in ClickHouse.
    /// Its event conditions are evaluated in ClickHouse first; the result says how many and how
    /// long that took, and its time includes them.
    public func refresh(_ name: String, asOf: Timestamp, webhookPageSize: Int) async throws(SegmentaError) -> RefreshResult {
        let start = ContinuousClock.now
        let leaves = try await events.leaves(forSegment: name, of: primary, asOf: asOf)
        let inEngine = (ContinuousClock.now - start).inSeconds
        var result = try await primary.refresh(name, asOf: asOf, webhookPageSize: webhookPageSize, eventLeaves: leaves)
        result.seconds += inEngine
        result.eventConditionsElsewhere = leaves.leaves.count
        result.eventConditionsSeconds = inEngine
        return result
    }

    // MARK: privacy: erasure and export reach the events

    /// ``PrivacyStore/deletePeople``, its events in ClickHouse.
    public func deletePeople(_ ids: [String], suppress: Bool, requestID: String) async throws(SegmentaError) -> PrivacyRequest {
        // Every id of every person named, gathered before the primary store forgets them.
        var all: [String] = []
        for id in ids {
            all.append(id.normalizedID)
            if let known = try await primary.profileDetail(id)?.ids { all += known }
        }
        // ClickHouse first: if the store's part then fails, the person is still known there and the
        // same request can run again; the other way round, a failure would leave events nobody
        // could find to erase.
        try await events.erase(ids: Array(Set(all)).sorted())
        return try await primary.deletePeople(ids, suppress: suppress, requestID: requestID)
    }

    /// ``PrivacyStore/exportPerson``, its events in ClickHouse.
    public func exportPerson(_ id: String) async throws(SegmentaError) -> JSONValue? {
        guard let found = try await primary.exportPerson(id), case .object(var person) = found, let profile = person["profile_id"]?.stringValue else { return nil }
        var ids = [profile]
        for i in person["identities"]?.arrayValues ?? [] { if let x = i["id"]?.stringValue, !ids.contains(x) { ids.append(x) } }
        var all = (person["events"]?.arrayValues ?? []).filter { Self.keptByPrimary($0["type"]?.stringValue ?? "") }
        for e in try await events.events(ofIDs: ids, after: nil, limit: nil).reversed() {
            guard case .object(var o) = e.json else { continue }
            o["messageId"] = o.removeValue(forKey: "message_id")
            o["receivedAt"] = o.removeValue(forKey: "received_at")
            all.append(.object(o))
        }
        all.sort { ($0["timestamp"]?.stringValue ?? "") < ($1["timestamp"]?.stringValue ?? "") }
        person["events"] = .array(all)
        return .object(person)
    }

    // MARK: health

    /// ``HealthStore/databaseKind``: the primary's.
    public var databaseKind: String { primary.databaseKind }

    /// ``HealthStore/health``, its events in ClickHouse.
    public func health() async throws(SegmentaError) -> [String: String] {
        var h = try await primary.health()
        h["events"] = "clickhouse://" + events.location
        let down = await events.hostsDown()
        h["events_status"] = down.isEmpty ? "ok" : "unavailable"
        if !down.isEmpty { h["events_hosts_down"] = down.joined(separator: ", ") }
        return h
    }

    /// ``HealthStore/exclusively``, its events in ClickHouse.
    public func exclusively<T: Sendable>(_ job: String, _ body: () async throws -> T) async throws -> T? {
        try await primary.exclusively(job, body)
    }

    // MARK: everything else is the primary store's

    // ProfileStore
    /// The primary store's ``ProfileStore/importProfiles``.
    public func importProfiles(_ rows: [ProfileFileReader.Row], at time: Timestamp) async throws(SegmentaError) -> ProfileImportResult { try await primary.importProfiles(rows, at: time) }
    /// The primary store's ``ProfileStore/searchProfiles``.
    public func searchProfiles(_ query: String, traits: [String], limit: Int) async throws(SegmentaError) -> [ProfileMatch] { try await primary.searchProfiles(query, traits: traits, limit: limit) }
    /// ``ProfileStore/profileIDs(withContact:limit:)``: profiles live in the primary.
    public func profileIDs(withContact key: ContactKey, limit: Int) async throws(SegmentaError) -> [String] { try await primary.profileIDs(withContact: key, limit: limit) }
    /// The primary store's ``ProfileStore/profileIDs``.
    public func profileIDs() async throws(SegmentaError) -> [String] { try await primary.profileIDs() }
    /// The primary store's ``ProfileStore/profileID``.
    public func profileID(forExternalID id: String) async throws(SegmentaError) -> String? { try await primary.profileID(forExternalID: id) }
    /// The primary store's ``ProfileStore/traitValues``.
    public func traitValues(_ path: String) async throws(SegmentaError) -> [String: String] { try await primary.traitValues(path) }
    /// The primary store's ``ProfileStore/signupTimes``.
    public func signupTimes() async throws(SegmentaError) -> [String: Timestamp] { try await primary.signupTimes() }
    /// The primary store's ``ProfileStore/accountMemberships``.
    public func accountMemberships() async throws(SegmentaError) -> [(account: String, profile: String)] { try await primary.accountMemberships() }
    /// The primary store's ``ProfileStore/identityMap``.
    public func identityMap() async throws(SegmentaError) -> [(id: String, profile: String)] { try await primary.identityMap() }
    /// The primary store's ``ProfileStore/sampleTraits``.
    public func sampleTraits(limit: Int) async throws(SegmentaError) -> [JSONValue] { try await primary.sampleTraits(limit: limit) }
    // ActivityStore
    /// The primary store's ``ActivityStore/importOrders``.
    public func importOrders(_ orders: [Order], source: String) async throws(SegmentaError) -> OrderImportResult { try await primary.importOrders(orders, source: source) }
    /// The primary store's ``ActivityStore/importOrders``.
    public func importOrders(source: String, _ produce: (_ emit: ([Order]) throws -> Void) throws -> Void) async throws(SegmentaError) -> OrderImportResult { try await primary.importOrders(source: source, produce) }
    /// The primary store's ``ActivityStore/orders``.
    public func orders(before cutoff: Timestamp?) async throws(SegmentaError) -> [Order] { try await primary.orders(before: cutoff) }
    /// The primary store's ``ActivityStore/customerTotals``.
    public func customerTotals(before cutoff: Timestamp?, refunds: RefundPolicy) async throws(SegmentaError) -> CustomerTotals { try await primary.customerTotals(before: cutoff, refunds: refunds) }
    /// The primary store's ``ActivityStore/purchaseTimes``.
    public func purchaseTimes(before cutoff: Timestamp) async throws(SegmentaError) -> [String: [Timestamp]] { try await primary.purchaseTimes(before: cutoff) }
    /// The primary store's ``ActivityStore/customerSummaries``.
    public func customerSummaries(throughDay endDay: Int, unit: TimeUnit) async throws(SegmentaError) -> [CustomerSummary] { try await primary.customerSummaries(throughDay: endDay, unit: unit) }
    /// The primary store's ``ActivityStore/latestOrderTime``.
    public func latestOrderTime() async throws(SegmentaError) -> Timestamp? { try await primary.latestOrderTime() }
    /// The primary store's ``ActivityStore/orderCurrencies``.
    public func orderCurrencies() async throws(SegmentaError) -> [(currency: String?, orders: Int)] { try await primary.orderCurrencies() }
    // SegmentStore
    /// The primary store's ``SegmentStore/createSegment``.
    public func createSegment(_ document: JSONValue, allowUnknownComputed: Bool) async throws(SegmentaError) -> SegmentInfo { try await primary.createSegment(document, allowUnknownComputed: allowUnknownComputed) }
    /// The primary store's ``SegmentStore/updateSegment``.
    public func updateSegment(_ document: JSONValue, allowUnknownComputed: Bool) async throws(SegmentaError) -> SegmentInfo { try await primary.updateSegment(document, allowUnknownComputed: allowUnknownComputed) }
    /// The primary store's ``SegmentStore/deleteSegment``.
    public func deleteSegment(_ name: String) async throws(SegmentaError) { try await primary.deleteSegment(name) }
    /// The primary store's ``SegmentStore/versions``.
    public func versions(of name: String) async throws(SegmentaError) -> [SegmentVersion] { try await primary.versions(of: name) }
    /// The primary store's ``SegmentStore/history``.
    public func history(of name: String) async throws(SegmentaError) -> [SegmentSnapshot] { try await primary.history(of: name) }
    /// The primary store's ``SegmentStore/exportableMembers``.
    public func exportableMembers(of segment: String, after: String?, limit: Int, traits: [String], includeNoConsent: Bool) async throws(SegmentaError) -> [(id: String, values: [JSONValue])] { try await primary.exportableMembers(of: segment, after: after, limit: limit, traits: traits, includeNoConsent: includeNoConsent) }
    /// The primary store's ``SegmentStore/memberPage``.
    public func memberPage(of segment: String, prefix: String, matching traits: [String], offset: Int, limit: Int) async throws(SegmentaError) -> (total: Int, rows: [(id: String, traits: JSONValue, computed: [String: JSONValue])]) { try await primary.memberPage(of: segment, prefix: prefix, matching: traits, offset: offset, limit: limit) }
    /// The primary store's ``SegmentStore/memberMix``.
    public func memberMix(of segment: String, computed name: String) async throws(SegmentaError) -> [(value: String, count: Int)] { try await primary.memberMix(of: segment, computed: name) }
    /// The primary store's ``SegmentStore/segments``.
    public func segments() async throws(SegmentaError) -> [SegmentInfo] { try await primary.segments() }
    /// The primary store's ``SegmentStore/segment``.
    public func segment(named name: String) async throws(SegmentaError) -> SegmentInfo? { try await primary.segment(named: name) }
    /// The primary store's ``SegmentStore/members``.
    public func members(of name: String, snapshot: Int64?) async throws(SegmentaError) -> [String] { try await primary.members(of: name, snapshot: snapshot) }
    /// The primary store's ``SegmentStore/importStatic``.
    public func importStatic(_ name: String, ids: [String], description: String) async throws(SegmentaError) -> RefreshResult { try await primary.importStatic(name, ids: ids, description: description) }
    /// The primary store's ``SegmentStore/recordAlerts``.
    public func recordAlerts(_ findings: [DriftDetector.Finding], segment: String, snapshot: SegmentSnapshot) async throws(SegmentaError) -> [SegmentAlert] { try await primary.recordAlerts(findings, segment: segment, snapshot: snapshot) }
    /// The primary store's ``SegmentStore/alerts``.
    public func alerts(segment: String?, limit: Int) async throws(SegmentaError) -> [SegmentAlert] { try await primary.alerts(segment: segment, limit: limit) }
    // AnalysisStore
    /// The primary store's ``AnalysisStore/replaceComputedTraits``.
    public func replaceComputedTraits(_ rows: ComputedTraitRows, computedAt: Timestamp) async throws(SegmentaError) { try await primary.replaceComputedTraits(rows, computedAt: computedAt) }
    /// The primary store's ``AnalysisStore/replaceComputedTraits``.
    public func replaceComputedTraits(names: [String], computedAt: Timestamp, rows: @escaping @Sendable () async throws(SegmentaError) -> ComputedTraitRows) async throws(SegmentaError) { try await primary.replaceComputedTraits(names: names, computedAt: computedAt, rows: rows) }
    /// The primary store's ``AnalysisStore/computedTraitValues``.
    public func computedTraitValues(_ name: String) async throws(SegmentaError) -> [String: String] { try await primary.computedTraitValues(name) }
    /// The primary store's ``SegmentStore/memberValues(of:trait:computed:)``.
    public func memberValues(of segment: String, trait name: String, computed: Bool) async throws(SegmentaError) -> [String: String] {
        try await primary.memberValues(of: segment, trait: name, computed: computed)
    }
    /// The primary store's ``AnalysisStore/recordAnalysis``.
    public func recordAnalysis(kind: String, asOf: Timestamp, parameters: JSONValue, summary: JSONValue, values: [(profile: String, value: String)], at time: Timestamp) async throws(SegmentaError) { try await primary.recordAnalysis(kind: kind, asOf: asOf, parameters: parameters, summary: summary, values: values, at: time) }
    /// The primary store's ``AnalysisStore/latestAnalysisRun``.
    public func latestAnalysisRun(kind: String, parameters: JSONValue?) async throws(SegmentaError) -> (run: AnalysisRun, createdAt: Timestamp)? { try await primary.latestAnalysisRun(kind: kind, parameters: parameters) }
    /// The primary store's ``AnalysisStore/analysisRuns``.
    public func analysisRuns(kind: String, parameter: String?) async throws(SegmentaError) -> [AnalysisRun] { try await primary.analysisRuns(kind: kind, parameter: parameter) }
    /// The primary store's ``AnalysisStore/pruneAnalysisRuns``.
    public func pruneAnalysisRuns(kind: String, subject: String, keep: Int) async throws(SegmentaError) -> Int { try await primary.pruneAnalysisRuns(kind: kind, subject: subject, keep: keep) }
    /// The primary store's ``AnalysisStore/transitions``.
    public func transitions(kind: String, from: Timestamp, to: Timestamp) async throws(SegmentaError) -> [(from: String, to: String, count: Int)] { try await primary.transitions(kind: kind, from: from, to: to) }
    /// The primary store's ``AnalysisStore/analysisHighWater(kinds:)``.
    public func analysisHighWater(kinds: [String]) async throws(SegmentaError) -> Int64 { try await primary.analysisHighWater(kinds: kinds) }
    /// The primary store's ``AnalysisStore/analysisDates``.
    public func analysisDates(kind: String) async throws(SegmentaError) -> [Timestamp] { try await primary.analysisDates(kind: kind) }
    /// The primary store's ``AnalysisStore/sortedAnalysisValues``.
    public func sortedAnalysisValues(kind: String, asOf: Timestamp) async throws(SegmentaError) -> [(profile: String, value: String)]? { try await primary.sortedAnalysisValues(kind: kind, asOf: asOf) }
    // ExperimentStore
    /// The primary store's ``ExperimentStore/createExperiment``.
    public func createExperiment(_ e: Experiment) async throws(SegmentaError) { try await primary.createExperiment(e) }
    /// The primary store's ``ExperimentStore/createHypothesis``.
    public func createHypothesis(_ h: Hypothesis) async throws(SegmentaError) { try await primary.createHypothesis(h) }
    /// The primary store's ``ExperimentStore/hypotheses``.
    public func hypotheses() async throws(SegmentaError) -> [Hypothesis] { try await primary.hypotheses() }
    /// The primary store's ``ExperimentStore/experiment``.
    public func experiment(named name: String) async throws(SegmentaError) -> Experiment? { try await primary.experiment(named: name) }
    /// The primary store's ``ExperimentStore/exposures``.
    public func exposures(of experiment: String) async throws(SegmentaError) -> [(profile: String, variant: String, at: Timestamp)] { try await primary.exposures(of: experiment) }
    /// The primary store's ``ExperimentStore/recordExposure``.
    public func recordExposure(experiment: String, profile: String, variant: String, at: Timestamp) async throws(SegmentaError) { try await primary.recordExposure(experiment: experiment, profile: profile, variant: variant, at: at) }
    // AccessStore
    /// The primary store's ``AccessStore/insertKey``.
    public func insertKey(_ key: APIKey, hash: String) async throws(SegmentaError) { try await primary.insertKey(key, hash: hash) }
    /// The primary store's ``AccessStore/keys``.
    public func keys() async throws(SegmentaError) -> [APIKey] { try await primary.keys() }
    /// The primary store's ``AccessStore/activeKey``.
    public func activeKey(hash: String) async throws(SegmentaError) -> APIKey? { try await primary.activeKey(hash: hash) }
    /// The primary store's ``AccessStore/key``.
    public func key(id: String) async throws(SegmentaError) -> APIKey? { try await primary.key(id: id) }
    /// The primary store's ``AccessStore/revokeKey``.
    public func revokeKey(id: String) async throws(SegmentaError) { try await primary.revokeKey(id: id) }
    /// The primary store's ``AccessStore/createSession``.
    public func createSession(_ session: DashboardSession, now: Timestamp) async throws(SegmentaError) { try await primary.createSession(session, now: now) }
    /// The primary store's ``AccessStore/session``.
    public func session(id: String, now: Timestamp) async throws(SegmentaError) -> DashboardSession? { try await primary.session(id: id, now: now) }
    /// The primary store's ``AccessStore/deleteSession``.
    public func deleteSession(id: String) async throws(SegmentaError) { try await primary.deleteSession(id: id) }
    // WebhookStore
    /// The primary store's ``WebhookStore/createWebhook``.
    public func createWebhook(segment: String, url: String, secret: String) async throws(SegmentaError) -> Webhook { try await primary.createWebhook(segment: segment, url: url, secret: secret) }
    /// The primary store's ``WebhookStore/webhooks``.
    public func webhooks(of segment: String) async throws(SegmentaError) -> [Webhook] { try await primary.webhooks(of: segment) }
    /// The primary store's ``WebhookStore/deleteWebhook``.
    public func deleteWebhook(id: Int64, segment: String) async throws(SegmentaError) { try await primary.deleteWebhook(id: id, segment: segment) }
    /// The primary store's ``WebhookStore/dueWebhookDeliveries``.
    public func dueWebhookDeliveries(now: Timestamp, limit: Int) async throws(SegmentaError) -> [WebhookDelivery] { try await primary.dueWebhookDeliveries(now: now, limit: limit) }
    /// The primary store's ``WebhookStore/recordDeliveryAttempt``.
    public func recordDeliveryAttempt(id: Int64, delivered: Bool, responseStatus: Int?, error: String?, retryAt: Timestamp?) async throws(SegmentaError) { try await primary.recordDeliveryAttempt(id: id, delivered: delivered, responseStatus: responseStatus, error: error, retryAt: retryAt) }
    /// The primary store's ``WebhookStore/webhookDeliveries``.
    public func webhookDeliveries(segment: String, limit: Int) async throws(SegmentaError) -> [WebhookDelivery] { try await primary.webhookDeliveries(segment: segment, limit: limit) }
    // PrivacyStore
    /// The primary store's ``PrivacyStore/privacyRequest``.
    public func privacyRequest(id: String) async throws(SegmentaError) -> PrivacyRequest? { try await primary.privacyRequest(id: id) }
    /// The primary store's ``PrivacyStore/suppressed``.
    public func suppressed(among ids: Set<String>) async throws(SegmentaError) -> Set<String> { try await primary.suppressed(among: ids) }
    /// The primary store's ``PrivacyStore/consentDenied``.
    public func consentDenied(among ids: [String]) async throws(SegmentaError) -> Set<String> { try await primary.consentDenied(among: ids) }
    // HealthStore
}

