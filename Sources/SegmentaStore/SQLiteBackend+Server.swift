public import SegmentaCore

/// The protocols the server's own routes need, on SQLite (each call off the cooperative threads).
extension SQLiteBackend {
    // ProfileStore
    /// ``ProfileStore/profileDetail`` on SQLite, run on the backend's threads.
    public func profileDetail(_ id: String) async throws(SegmentaError) -> ProfileDetail? { try await run { s throws(SegmentaError) in try s.profileDetail(id) } }
    /// ``ProfileStore/profileEvents`` on SQLite, run on the backend's threads.
    public func profileEvents(_ id: String, limit: Int, cursor: String?) async throws(SegmentaError) -> (events: [JSONValue], nextCursor: String?)? {
        try await run { s throws(SegmentaError) in try s.profileEvents(id, limit: limit, cursor: cursor) }
    }
    /// ``ProfileStore/searchProfiles`` on SQLite, run on the backend's threads.
    public func searchProfiles(_ query: String, traits: [String], limit: Int) async throws(SegmentaError) -> [ProfileMatch] {
        try await run { s throws(SegmentaError) in try s.searchProfiles(query, traits: traits, limit: limit) }
    }
    /// ``ProfileStore/profileIDs(withContact:limit:)`` on SQLite, run on the backend's threads.
    public func profileIDs(withContact key: ContactKey, limit: Int) async throws(SegmentaError) -> [String] {
        try await run { s throws(SegmentaError) in try s.profileIDs(withContact: key, limit: limit) }
    }
    /// ``ProfileStore/overview`` on SQLite, run on the backend's threads.
    public func overview() async throws(SegmentaError) -> StoreOverview { try await run { s throws(SegmentaError) in try s.overview() } }
    /// ``ProfileStore/dataVersion`` on SQLite, run on the backend's threads.
    public func dataVersion() async throws(SegmentaError) -> Int64? { try await run { s throws(SegmentaError) in try s.dataVersion() } }

    // SegmentStore
    /// ``SegmentStore/updateSegment`` on SQLite, run on the backend's threads.
    public func updateSegment(_ document: JSONValue, allowUnknownComputed: Bool) async throws(SegmentaError) -> SegmentInfo {
        try await run { s throws(SegmentaError) in try s.updateSegment(document, allowUnknownComputed: allowUnknownComputed) }
    }
    /// ``SegmentStore/deleteSegment`` on SQLite, run on the backend's threads.
    public func deleteSegment(_ name: String) async throws(SegmentaError) { try await run { s throws(SegmentaError) in try s.deleteSegment(name) } }
    /// ``SegmentStore/history`` on SQLite, run on the backend's threads.
    public func history(of name: String) async throws(SegmentaError) -> [SegmentSnapshot] { try await run { s throws(SegmentaError) in try s.history(of: name) } }
    /// ``SegmentStore/exportableMembers`` on SQLite, run on the backend's threads.
    public func exportableMembers(of segment: String, after: String?, limit: Int, traits: [String], includeNoConsent: Bool) async throws(SegmentaError) -> [(id: String, values: [JSONValue])] {
        try await run { s throws(SegmentaError) in try s.exportableMembers(of: segment, after: after, limit: limit, traits: traits, includeNoConsent: includeNoConsent) }
    }
    /// ``SegmentStore/previewSize`` on SQLite, run on the backend's threads.
    public func previewSize(_ condition: Condition, asOf: Timestamp) async throws(SegmentaError) -> Int {
        try await run { s throws(SegmentaError) in try s.previewSize(condition, asOf: asOf) }
    }
    /// ``SegmentStore/memberPage`` on SQLite, run on the backend's threads.
    public func memberPage(of segment: String, prefix: String, matching traits: [String], offset: Int, limit: Int) async throws(SegmentaError) -> (total: Int, rows: [(id: String, traits: JSONValue, computed: [String: JSONValue])]) {
        try await run { s throws(SegmentaError) in try s.memberPage(of: segment, prefix: prefix, matching: traits, offset: offset, limit: limit) }
    }
    /// ``SegmentStore/memberMix`` on SQLite, run on the backend's threads.
    public func memberMix(of segment: String, computed name: String) async throws(SegmentaError) -> [(value: String, count: Int)] {
        try await run { s throws(SegmentaError) in try s.memberMix(of: segment, computed: name) }
    }

    // AnalysisStore
    /// ``AnalysisStore/latestAnalysisRun`` on SQLite, run on the backend's threads.
    public func latestAnalysisRun(kind: String, parameters: JSONValue?) async throws(SegmentaError) -> (run: AnalysisRun, createdAt: Timestamp)? {
        try await run { s throws(SegmentaError) in try s.latestAnalysisRun(kind: kind, parameters: parameters) }
    }
    /// ``AnalysisStore/transitions`` on SQLite, run on the backend's threads.
    public func transitions(kind: String, from: Timestamp, to: Timestamp) async throws(SegmentaError) -> [(from: String, to: String, count: Int)] {
        try await run { s throws(SegmentaError) in try s.transitions(kind: kind, from: from, to: to) }
    }

    // ExperimentStore: experiments and hypotheses as definitions are written once (ExperimentStore+SQL).

    // AccessStore: written once above the SQL backends (AccessStore+SQL).

    // WebhookStore: written once above the SQL backends (WebhookStore+SQL).

    // HealthStore
    /// ``HealthStore/databaseKind``.
    public var databaseKind: String { "sqlite" }

    /// ``HealthStore/health`` on SQLite, run on the backend's threads.
    public func health() async throws(SegmentaError) -> [String: String] {
        ["database": databaseKind, "journal_mode": try await run { s throws(SegmentaError) in try s.journalMode() }]
    }

    /// One process writes a SQLite store, so a job runs at most once at a time within it.
    public func exclusively<T: Sendable>(_ job: String, _ body: () async throws -> T) async throws -> T? {
        guard SQLiteBackend.running.withLock({ $0.insert(job).inserted }) else { return nil }
        defer { _ = SQLiteBackend.running.withLock { $0.remove(job) } }
        return try await body()
    }

    // PrivacyStore
    /// ``PrivacyStore/deletePeople`` on SQLite, run on the backend's threads.
    public func deletePeople(_ ids: [String], suppress: Bool, requestID: String) async throws(SegmentaError) -> PrivacyRequest {
        try await run { s throws(SegmentaError) in try s.deletePeople(ids, suppress: suppress, requestID: requestID) }
    }
    /// ``PrivacyStore/exportPerson`` on SQLite, run on the backend's threads.
    public func exportPerson(_ id: String) async throws(SegmentaError) -> JSONValue? { try await run { s throws(SegmentaError) in try s.exportPerson(id) } }
    /// ``PrivacyStore/suppressed`` on SQLite, run on the backend's threads.
    public func suppressed(among ids: Set<String>) async throws(SegmentaError) -> Set<String> { try await run { s throws(SegmentaError) in try s.suppressed(among: ids) } }
    /// ``PrivacyStore/consentDenied`` on SQLite, run on the backend's threads.
    public func consentDenied(among ids: [String]) async throws(SegmentaError) -> Set<String> { try await run { s throws(SegmentaError) in try s.consentDenied(among: ids) } }
}
