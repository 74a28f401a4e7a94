public import Hummingbird
public import SegmentaCore
public import SegmentaStore
public import SegmentaJobs
public import Logging

/// `/api/v1/analyses/{rfm|lifecycle|cohorts|clv|clusters}`: the latest stored results (GET, read
/// key) and a recompute now (POST, admin key).
public struct AnalysesController: Sendable {
    let store: any Storage
    let options: Recompute.Options
    let logger: Logger
    /// Runs in the background after each recompute this controller starts (the server warms the
    /// dashboard's pages there, so the next view finds them computed).
    public var afterRecompute: @Sendable () async -> Void = {}

    /// The controller: analyses run with `options`.
    public init(store: any Storage, options: Recompute.Options, logger: Logger) {
        self.store = store
        self.options = options
        self.logger = logger
    }

    /// `GET /api/v1/analyses/…` for read keys, `POST` (recompute one analysis) for admin keys.
    public func addRoutes(read: RouterGroup<AppRequestContext>, admin: RouterGroup<AppRequestContext>) {
        let store = self.store
        read.get("analyses/:kind") { _, context in
            let analysis = try Self.analysis(context)
            guard let latest = try await store.latestAnalysisRun(kind: analysis.rawValue) else {
                throw APIError.notFound("\(analysis.rawValue) has not been computed yet; POST /api/v1/analyses/\(analysis.rawValue) computes it (or wait for the scheduled recompute)")
            }
            return Response.json(.object(["kind": .string(analysis.rawValue), "as_of": .string(latest.run.asOf.iso8601),
                                          "computed_at": .string(latest.createdAt.iso8601), "parameters": latest.run.parameters,
                                          "summary": latest.run.summary]))
        }
        let logger = self.logger, options = self.options, after = afterRecompute
        admin.post("analyses/:kind") { _, context in
            let result = try await Self.recompute(try Self.analysis(context), store: store, options: options, logger: logger)
            Task { await after() }
            return Response.json(result)
        }
    }

    /// Runs an analysis now and returns what it found: `{"kind", "seconds", "summary"}`.
    ///
    /// A recompute is a batch job an admin starts on purpose (RFM or cohorts on a million profiles
    /// take tens of seconds): it runs without the per-request SQL time limit, like the scheduled
    /// one — and so does the read of its result afterwards, which would otherwise start past the
    /// request's deadline and fail with a timeout although the analysis was stored.
    static func recompute(_ analysis: AnalysisKind, store: any Storage, options: Recompute.Options, logger: Logger) async throws -> JSONValue {
        try await QueryDeadline.$current.withValue(nil) {
            let job = Recompute(store: store, options: options, logger: logger)
            let clock = ContinuousClock.now
            try await offloaded(invalidStatus: .unprocessableContent) { try await job.analyse(analysis) }
            let d = ContinuousClock.now - clock
            let latest = try await store.latestAnalysisRun(kind: analysis.rawValue)
            return .object(["kind": .string(analysis.rawValue), "seconds": .number(d.inSeconds), "summary": latest?.run.summary ?? .null])
        }
    }

    static func analysis(_ context: AppRequestContext) throws -> AnalysisKind {
        let kind = try context.path("kind")
        guard let a = AnalysisKind(rawValue: kind) else {
            throw APIError.notFound("no analysis \"\(kind)\"; there are \(AnalysisKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return a
    }
}
