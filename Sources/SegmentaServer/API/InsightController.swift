public import Hummingbird
public import SegmentaCore
public import SegmentaStore
import SegmentaJobs

/// Insight over the API: compare segments, validate them, hypotheses, and experiments — with the
/// assignment route apps call (`GET /api/v1/experiments/{name}/assignment?userId=`, write or admin key).
public struct InsightController: Sendable {
    let store: any Storage

    /// The controller over `store`.
    public init(store: any Storage) { self.store = store }

    /// Comparisons, validations, hypotheses and experiments: reads for read keys, runs and writes for admin keys, assignments for apps (write keys).
    public func addRoutes(read: RouterGroup<AppRequestContext>, admin: RouterGroup<AppRequestContext>, apps: RouterGroup<AppRequestContext>) {
        let store = self.store
        read.get("compare") { request, _ in
            let a = request.query("a"), b = request.query("b"), by = request.query("by")
            guard (a == nil) != (by == nil) else { throw APIError.badRequest("pass ?a=SEGMENT[&b=SEGMENT] or ?by=TRAIT") }
            var kpis = KPI.defaults
            if let list = request.query("kpis") {
                do throws(SegmentaError) { kpis = try list.split(separator: ",").map { k throws(SegmentaError) in try KPI(parsing: String(k).trimmingWhitespace()) } } catch {
                    throw APIError.badRequest(error.message)
                }
            }
            let asOf = try Self.asOf(request)
            let reports = try await offloaded { [kpis] in try await ComparisonRun.run(store, a: a, b: b, by: by, kpis: kpis, asOf: asOf) }
            return Response.json(reports.count == 1 && by == nil ? reports[0].json : .object(["by": by.map(JSONValue.string) ?? .null, "comparisons": .array(reports.map(\.json))]))
        }
        admin.post("segments/:name/validate") { _, context in
            let name = try context.path("name")
            let report = try await offloaded { () async throws -> JSONValue in
                guard let info = try await store.segment(named: name) else { throw SegmentaError(.notFound, "no segment named \"\(name)\"") }
                return try await ValidationRun.run(store, info: info, thresholds: SegmentValidation.Thresholds()).1
            }
            return Response.json(report)
        }
        read.get("segments/:name/validations") { _, context in
            let name = try context.path("name")
            guard try await store.segment(named: name) != nil else { throw SegmentaError(.notFound, "no segment named \"\(name)\"") }
            let runs = try await store.analysisRuns(kind: "validation", parameter: name)
            return Response.json(.object(["segment": .string(name), "runs": .array(runs.map { r in
                .object(["as_of": .string(r.asOf.iso8601), "report": r.summary])
            })]))
        }
        read.get("hypotheses") { _, _ in
            var list: [JSONValue] = []
            for h in try await store.hypotheses() {
                let runs = try await store.analysisRuns(kind: "hypothesis", parameter: h.name)
                list.append(.object(["hypothesis": h.json, "runs": .number(Double(runs.count)), "latest": runs.last?.summary ?? .null]))
            }
            return Response.json(.object(["hypotheses": .array(list)]))
        }
        admin.post("hypotheses") { request, _ in
            let o = try await request.jsonBody().objectValue ?? [:]
            guard let name = o["name"]?.stringValue, let did = o["did"]?.stringValue, let days = o["within_days_of_signup"]?.integer(in: Bounds.days),
                  let outcome = o["outcome"]?.stringValue else {
                throw APIError(.unprocessableContent, code: "invalid_input",
                               "send {\"name\", \"did\": EVENT, \"within_days_of_signup\": N from 1 to \(Bounds.maxDays), \"outcome\": \"churned\" | \"retained:DAYS\" | \"revenue:DAYS\", \"segment\"?}")
            }
            let h = try await mapped(invalidStatus: .unprocessableContent) { () async throws -> Hypothesis in
                let h = Hypothesis(name: name, event: did, withinDays: days, outcome: try Hypothesis.Outcome(parsing: outcome), segment: o["segment"]?.stringValue)
                try await store.createHypothesis(h)
                return h
            }
            return Response.json(h.json, status: .created)
        }
        admin.post("hypotheses/:name/test") { request, context in
            let name = try context.path("name")
            let asOf = try Self.asOf(request)
            guard let h = try await store.hypotheses().first(where: { $0.name == name }) else {
                throw APIError.notFound("no hypothesis named \"\(name)\"")
            }
            let report = try await offloaded { try await HypothesisRun.test(store, h, asOf: asOf).report }
            return Response.json(report)
        }
        admin.post("experiments") { request, _ in
            let o = try await request.jsonBody().objectValue ?? [:]
            guard let name = o["name"]?.stringValue, let segment = o["segment"]?.stringValue, let goal = o["goal"]?.stringValue else {
                throw APIError(.unprocessableContent, code: "invalid_input",
                               "send {\"name\", \"segment\", \"goal\": EVENT, \"variants\"?: [\"control\",\"treatment\"], \"split\"?: [50,50], \"window_days\"?: 14}")
            }
            let variants = o["variants"]?.arrayValues.compactMap(\.stringValue) ?? ["control", "treatment"]
            let split = try o["split"].map { s in
                try s.arrayValues.map { w in
                    guard let v = w.integer(in: 1...100) else { throw APIError(.unprocessableContent, code: "invalid_input", "split takes whole weights from 1 to 100, summing to 100 (e.g. [50,50])") }
                    return v
                }
            } ?? [50, 50]
            guard let window = o["window_days"].map({ $0.integer(in: Bounds.days) }) ?? 14 else {
                throw APIError(.unprocessableContent, code: "invalid_input", "window_days must be a whole number from 1 to \(Bounds.maxDays)")
            }
            let e = try await mapped(invalidStatus: .unprocessableContent) { () async throws -> Experiment in
                let e = try Experiment(name: name, segment: segment, variants: variants, split: split, goal: goal, windowDays: window)
                try await store.createExperiment(e)
                return e
            }
            return Response.json(e.json, status: .created)
        }
        read.get("experiments/:name/results") { request, context in
            let name = try context.path("name")
            let asOf = try Self.asOf(request)
            return Response.json(try await offloaded { try await ExperimentRun.results(store, experiment: name, asOf: asOf).json })
        }
        apps.get("experiments/:name/assignment") { request, context in
            let name = try context.path("name")
            guard let user = request.query("userId")?.normalizedID, !user.isEmpty else { throw APIError.badRequest("pass ?userId=ID (a user id, anonymous id or profile id)") }
            let a = try await offloaded { try await ExperimentRun.assign(store, experiment: name, user: user) }
            return Response.json(.object(["experiment": .string(name), "userId": .string(user), "profile": .string(a.profile), "variant": .string(a.variant)]))
        }
    }

    static func asOf(_ request: Request) throws -> Timestamp {
        guard let text = request.query("as_of") else { return .now }
        do throws(Timestamp.ParseFailure) { return try Timestamp.parse(text) } catch {
            throw APIError.badRequest("as_of \"\(text)\" is not a date or ISO-8601 timestamp: \(error.reason)")
        }
    }
}
