public import Hummingbird
public import SegmentaCore
public import SegmentaStore
import NIOCore
import SegmentaJobs

/// `/api/v1/segments`: definitions (read with a read key, changed with an admin key), refreshes,
/// members (paged JSON, or every member as streamed CSV), history and webhooks.
public struct SegmentsController: Sendable {
    let store: any Storage
    let networks: WebhookNetworkPolicy
    let webhookPageSize: Int
    /// Drift alert thresholds of a refresh.
    public var drift = DriftDetector.Options()
    /// Called with the alerts a refresh raised (the server counts them in /metrics).
    public var onAlerts: @Sendable ([SegmentAlert]) -> Void = { _ in }
    /// When the server's scheduled refresh runs next (none: not scheduled).
    public var schedule = RecomputeSchedule()

    /// - Parameters:
    ///   - networks: where webhooks may go (new webhooks to a refused literal address get a 422).
    ///   - webhookPageSize: ids per list in one webhook delivery (a refresh queues its deliveries itself).
    public init(store: any Storage, networks: WebhookNetworkPolicy = WebhookNetworkPolicy(), webhookPageSize: Int = 1000) {
        self.store = store
        self.networks = networks
        self.webhookPageSize = webhookPageSize
    }

    /// Segments, members, history, explanations and alerts for read keys; create, update, delete, refresh and webhooks for admin keys.
    public func addRoutes(read: RouterGroup<AppRequestContext>, admin: RouterGroup<AppRequestContext>) {
        let store = self.store, networks = self.networks, schedule = self.schedule
        read.get("segments") { _, _ in
            Response.json(.object(["segments": .array(try await store.segments().map { $0.json(nextRefresh: schedule.nextRefresh) })]))
        }
        read.get("segments/:name") { _, context in
            let name = try context.path("name")
            guard let info = try await store.segment(named: name) else { throw APIError.notFound("no segment named \"\(name)\"") }
            return Response.json(info.json(nextRefresh: schedule.nextRefresh))
        }
        read.get("segments/:name/history") { _, context in
            let name = try context.path("name")
            guard try await store.segment(named: name) != nil else { throw APIError.notFound("no segment named \"\(name)\"") }
            let history = try await store.history(of: name)
            return Response.json(.object(["segment": .string(name), "snapshots": .array(history.map(\.json))]))
        }
        read.get("segments/:name/members") { request, context in try await self.members(request, context: context) }
        read.get("segments/:name/explain/:id") { request, context in
            let name = try context.path("name"), id = try context.path("id")
            var asOf: Timestamp?
            if let text = request.query("as_of") {
                do throws(Timestamp.ParseFailure) { asOf = try Timestamp.parse(text) } catch { throw APIError.badRequest("as_of \"\(text)\" is not a date or ISO-8601 timestamp: \(error.reason)") }
            }
            // Without as_of: as of the segment's last refresh (the members people see), the live answer beside it.
            if let asOf { return Response.json(try await MembershipExplanation.run(store, segment: name, profile: id, asOf: asOf).json) }
            return Response.json(try await MembershipExplanation.asSeen(store, segment: name, profile: id, now: .now).json)
        }
        read.get("segments/:name/webhooks") { _, context in
            let name = try context.path("name")
            let (hooks, log) = (try await store.webhooks(of: name), try await store.webhookDeliveries(segment: name))
            // A webhook URL can carry a token in its path or query: only admins see it whole.
            let whole = context.key?.kind == .admin
            return Response.json(.object([
                "webhooks": .array(hooks.map { .object(["id": .number(Double($0.id)), "url": .string(whole ? $0.url : WebhookTarget.masked($0.url)),
                                                        "created_at": .string($0.createdAt.iso8601)]) }),
                "deliveries": .array(log.map { $0.json(wholeURL: whole) }),
            ]))
        }

        admin.post("segments") { request, _ in
            let document = try await request.jsonBody()
            let allow = request.query("allow_unknown") == "true"
            let info = try await mapped(invalidStatus: .unprocessableContent) { try await store.createSegment(document, allowUnknownComputed: allow) }
            return Response.json(info.json(nextRefresh: schedule.nextRefresh), status: .created)
        }
        admin.put("segments/:name") { request, context in
            let name = try context.path("name")
            var document = try await request.jsonBody()
            if case .object(var o) = document {
                if let given = o["name"]?.stringValue, given != name {
                    throw APIError(.unprocessableContent, code: "invalid_input", "the body's name \"\(given)\" differs from the path's \"\(name)\"; renaming is not supported")
                }
                o["name"] = .string(name)
                document = .object(o)
            }
            let allow = request.query("allow_unknown") == "true"
            let info = try await mapped(invalidStatus: .unprocessableContent) { [document] in try await store.updateSegment(document, allowUnknownComputed: allow) }
            return Response.json(info.json(nextRefresh: schedule.nextRefresh))
        }
        admin.delete("segments/:name") { _, context in
            let name = try context.path("name")
            try await store.deleteSegment(name)
            return Response(status: .noContent)
        }
        admin.post("segments/:name/refresh") { request, context in
            let name = try context.path("name")
            var asOf = Timestamp.now
            if let text = request.query("as_of") {
                do throws(Timestamp.ParseFailure) { asOf = try Timestamp.parse(text) } catch { throw APIError.badRequest("as_of \"\(text)\" is not a date or ISO-8601 timestamp: \(error.reason)") }
            }
            let pageSize = self.webhookPageSize, drift = self.drift
            // A drift check that fails (or runs out of the request's time) costs this refresh its
            // alerts, never its answer.
            let outcome = try await SegmentRefresh(store: store, drift: drift, webhookPageSize: pageSize).run(name, asOf: asOf)
            let result = outcome.refresh, alerts = outcome.alerts
            let denied = try await store.consentDenied(among: Array(result.entered.prefix(1000)) + Array(result.exited.prefix(1000)))
            onAlerts(alerts)
            return Response.json(.object(["segment": .string(name), "snapshot": result.snapshot.json, "seconds": .number(result.seconds), "backtest": .bool(result.backtest),
                                          "alerts": .array(alerts.map(\.json)),
                                          // The ids (first 1000 each) follow the consent rule, like every export.
                                          "entered": .array(result.entered.prefix(1000).filter { !denied.contains($0) }.map(JSONValue.string)),
                                          "exited": .array(result.exited.prefix(1000).filter { !denied.contains($0) }.map(JSONValue.string))]))
        }
        read.get("alerts") { request, _ in
            let segment = request.query("segment")
            var limit = 100
            if let text = request.query("limit") {
                guard let n = Int(text), (1...1000).contains(n) else { throw APIError.badRequest("limit must be a whole number from 1 to 1000, not \"\(text)\"") }
                limit = n
            }
            if let segment, try await store.segment(named: segment) == nil { throw APIError.notFound("no segment named \"\(segment)\"") }
            let alerts = try await store.alerts(segment: segment, limit: limit)
            return Response.json(.object(["alerts": .array(alerts.map(\.json))]))
        }
        admin.post("segments/preview") { request, _ in try await Self.preview(store: store, body: try await request.jsonBody()) }
        admin.post("segments/:name/webhooks") { request, context in
            let name = try context.path("name")
            let body = try await request.jsonBody()
            guard let url = body.objectValue?["url"]?.stringValue, url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw APIError(.unprocessableContent, code: "invalid_input", "send {\"url\": \"https://…\", \"secret\": \"…\"}: url must be an http(s) URL")
            }
            // Literal addresses and localhost are judged now; other names when each delivery resolves them.
            switch WebhookTarget.parse(url) {
            case .failure(let refusal): throw APIError(.unprocessableContent, code: "invalid_input", refusal.reason)
            case .success(let parsed):
                if let literal = WebhookTarget.addressWithoutLookup(parsed.host), let why = networks.refusal(literal) {
                    throw APIError(.unprocessableContent, code: "invalid_input", "webhooks cannot be delivered to \(parsed.host): \(why)")
                }
            }
            guard let secret = body.objectValue?["secret"]?.stringValue, secret.count >= 16 else {
                throw APIError(.unprocessableContent, code: "invalid_input", "secret must be a string of at least 16 characters (it signs each delivery: X-Segmenta-Signature)")
            }
            let hook = try await store.createWebhook(segment: name, url: url, secret: secret)
            return Response.json(.object(["id": .number(Double(hook.id)), "segment": .string(name), "url": .string(url), "created_at": .string(hook.createdAt.iso8601)]),
                                 status: .created)
        }
        admin.delete("segments/:name/webhooks/:id") { _, context in
            let name = try context.path("name")
            guard let id = Int64(try context.path("id")) else { throw APIError.badRequest("a webhook id is a number") }
            try await store.deleteWebhook(id: id, segment: name)
            return Response(status: .noContent)
        }
    }

    /// Members: `?limit=&cursor=&traits=a,b` pages of JSON, or with `Accept: text/csv` every
    /// member streamed as CSV (no cap). Profiles that denied marketing consent are left out unless
    /// an admin asks `include_no_consent=true` (internal use).
    func members(_ request: Request, context: AppRequestContext) async throws -> Response {
        let name = try context.path("name")
        let traits = try Self.traitList(request.query("traits"))
        let store = self.store
        let everyone = request.query("include_no_consent") == "true"
        if everyone, context.key?.kind != .admin {
            throw APIError.forbidden("include_no_consent=true (people who denied marketing consent, for internal use) needs an admin key")
        }
        if request.headers[.accept]?.contains("text/csv") == true || request.query("format") == "csv" {
            return try await Self.csv(store: store, segment: name, traits: traits, includeNoConsent: everyone)
        }
        let limit = try request.intQuery("limit", default: 1000, range: 1...10_000)
        let cursor = request.query("cursor")
        let page = try await store.exportableMembers(of: name, after: cursor, limit: limit + 1, traits: traits, includeNoConsent: everyone)
        let rows = page.prefix(limit).map { m -> JSONValue in
            traits.isEmpty ? .string(m.id) : .object(["id": .string(m.id), "traits": .object(Dictionary(zip(traits, m.values), uniquingKeysWith: { a, _ in a }))])
        }
        return Response.json(.object(["segment": .string(name), "members": .array(Array(rows)),
                                      "next_cursor": page.count > limit ? .string(page[limit - 1].id) : .null]))
    }
}

extension SegmentsController {
    /// At most this many traits per members request.
    static let maxTraits = 100

    /// `?traits=a,b,a` → `[a, b]` (``NameList``), at most ``maxTraits``.
    static func traitList(_ text: String?) throws -> [String] {
        let out = NameList.parse(text)
        guard out.count <= maxTraits else { throw APIError.badRequest("traits takes at most \(maxTraits) names (got \(out.count))") }
        return out
    }

    /// The size of `{"condition": …}` now, without saving (the API's and the builder's preview); 422 with the JSON pointer of a mistake.
    static func preview(store: any Storage, body: JSONValue) async throws -> Response {
        guard let c = body.objectValue?["condition"] else { throw APIError(.unprocessableContent, code: "invalid_input", "send {\"condition\": {…}} to preview a condition's size") }
        let condition: Condition
        do throws(ConditionError) { condition = try ConditionParser.condition(c, at: "/condition") } catch {
            throw APIError(.unprocessableContent, code: "invalid_definition", error.description)
        }
        let size = try await store.previewSize(condition, asOf: .now)
        return Response.json(.object(["size": .number(Double(size)), "condition_text": .string(ConditionRenderer.text(condition)),
                                      "condition_sentence": .string(ConditionSentence.text(condition))]))
    }

    /// Every current member (consent denials left out) as CSV, streamed 10,000 rows at a time:
    /// no cap, and memory stays flat whatever the segment's size.
    static func csv(store: any Storage, segment name: String, traits: [String], includeNoConsent: Bool = false) async throws -> Response {
        _ = try await store.exportableMembers(of: name, after: nil, limit: 1, traits: [])   // 404 before streaming
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "profile_id" + traits.map { "," + CSVCell.field($0) }.joined() + "\n"))
            var after: String?
            while true {
                // The body is written after the answer's head, outside the middleware: an internal
                // error is logged here (the client sees the stream end).
                let page = try await mapped { [after] in try await store.exportableMembers(of: name, after: after, limit: 10_000, traits: traits, includeNoConsent: includeNoConsent) }
                guard let last = page.last else { break }
                var chunk = ""
                for m in page { chunk += CSVCell.field(m.id) + m.values.map { "," + CSVCell.field($0.csvText) }.joined() + "\n" }
                try await writer.write(ByteBuffer(string: chunk))
                after = last.id
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)-members.csv\""], body: body)
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}

extension JSONValue {
    /// A value as a CSV cell: strings as they are, null empty, the rest as JSON.
    var csvText: String {
        switch self {
        case .null: return ""
        case .string(let s): return s
        default: return jsonText
        }
    }
}
