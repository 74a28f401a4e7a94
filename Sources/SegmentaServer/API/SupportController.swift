public import Hummingbird
public import SegmentaStore
import SegmentaJobs
import SegmentaCore

/// `/api/v1/support/lookup`: one person at ticket time, for a helpdesk — with a support key
/// (which can do nothing else), a read or an admin key; and `/api/v1/support/policy`: the support
/// policy (read and admin keys read it, admin keys save a new version).
public struct SupportController: Sendable {
    let store: any ProfileStore & SegmentStore & AnalysisStore & ActivityStore

    /// The controller over `store`.
    public init(store: any ProfileStore & SegmentStore & AnalysisStore & ActivityStore) { self.store = store }

    /// `GET /api/v1/support/lookup?email=…`, `?phone=…` or `?user_id=…`; `GET`, `PUT /api/v1/support/policy`
    /// and `GET /api/v1/support/policy/versions`.
    public func addRoutes(support: RouterGroup<AppRequestContext>, read: RouterGroup<AppRequestContext>, admin: RouterGroup<AppRequestContext>) {
        let store = self.store
        support.get("support/lookup") { request, _ in
            Response.json(try await SupportLookup.find(email: request.query("email"), phone: request.query("phone"), id: request.query("user_id"), in: store, now: .now).json)
        }
        read.get("support/policy") { _, _ in
            guard let version = try await SupportPolicyRun.current(store) else {
                throw APIError.notFound("no support policy yet; save one with PUT /api/v1/support/policy ({\"rules\": [{\"segment\": …, \"tier\": …}]}) or `segmenta support policy set FILE`")
            }
            return Response.json(try await Self.answer(version, store: store))
        }
        read.get("support/analytics") { request, _ in
            guard let segment = request.query("segment"), !segment.isEmpty else {
                throw APIError.badRequest("name a segment: /api/v1/support/analytics?segment=NAME (optional: days=90, cost=phone:45,chat:8, default_cost=5)")
            }
            var options = SupportAnalytics.Options()
            options.days = try request.intQuery("days", default: 90, range: 1...730)
            if let cost = request.query("cost") { options.costPerContact = try SupportAnalyticsRun.costs(cost) }
            if let text = request.query("default_cost") {
                guard let d = Double(text), d.isFinite, d >= 0, d <= 1_000_000 else { throw APIError.badRequest("default_cost is an amount from 0 to 1,000,000") }
                options.defaultCost = d
            }
            let asOf = Timestamp.now
            let figures = try await SupportAnalyticsRun.run(store, segment: segment, asOf: asOf, options: options)
            return Response.json(SupportAnalyticsRun.json(figures, segment: segment, asOf: asOf, options: options))
        }
        read.get("support/policy/versions") { _, _ in
            Response.json(.object(["versions": .array(try await SupportPolicyRun.versions(store).reversed().map(\.json))]))
        }
        admin.put("support/policy") { request, _ in
            let document = try await request.jsonBody()
            let saved = try await mapped(invalidStatus: .unprocessableContent) { try await SupportPolicyRun.save(document, to: store, now: .now) }
            return Response.json(try await Self.answer(saved.version, store: store))
        }
    }

    /// A version with the latest resolution's counts per rule.
    static func answer(_ version: SupportPolicyRun.Version, store: some AnalysisStore) async throws(SegmentaError) -> JSONValue {
        guard case .object(var o) = version.json else { return version.json }
        if let latest = try await store.latestAnalysisRun(kind: AnalysisKind.support.rawValue) {
            var resolution = latest.run.summary
            if case .object(var r) = resolution { r["as_of"] = .string(latest.run.asOf.iso8601); resolution = .object(r) }
            o["resolution"] = resolution
        } else {
            o["resolution"] = .null
        }
        return .object(o)
    }
}
