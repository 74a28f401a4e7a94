public import Hummingbird
public import SegmentaCore
public import SegmentaStore
import Foundation
import NIOCore
import HTTPTypes
import SegmentaJobs
import SegmentaPages

/// The web dashboard, server-rendered: sign-in with a read or admin key, then the overview,
/// segment, builder, RFM, cohorts, value and profile pages. Pages read snapshots and stored
/// analyses only; admins also get the builder, refresh and validation buttons.
public struct DashboardController: Sendable {
    let store: any Storage
    let sessions: Sessions
    let renderer: PageRenderer
    let webhookPageSize: Int
    let searchTraits: [String]
    /// Members' mixes, filled by the server's warmer when the data changes.
    var mixes = MixCache()
    /// The overview's counts, filled by the warmer and kept until the data changes.
    var overview = OverviewCache()
    /// The builder's event names, read at most every few minutes.
    var eventNames = EventNameCache()
    /// Drift alert thresholds of a refresh, and who hears of the alerts it raises (metrics).
    var drift = DriftDetector.Options()
    var onAlerts: @Sendable ([SegmentAlert]) -> Void = { _ in }
    /// When the server's scheduled refresh runs next.
    var schedule = RecomputeSchedule()

    /// - Parameters:
    ///   - webhookPageSize: ids per list in one webhook delivery (a refresh queues its deliveries itself).
    ///   - searchTraits: traits people are found by (with ids) on the Profiles page and in segment members.
    init(store: any Storage, sessions: Sessions, renderer: PageRenderer, webhookPageSize: Int = 1000, searchTraits: [String] = ["email", "name"]) {
        self.store = store
        self.sessions = sessions
        self.renderer = renderer
        self.webhookPageSize = webhookPageSize
        self.searchTraits = searchTraits
    }

    static let securityHeaders: HTTPFields = {
        var fields: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'",
            .cacheControl: "no-store",
        ]
        if let nosniff = HTTPField.Name("X-Content-Type-Options") { fields[nosniff] = "nosniff" }
        return fields
    }()
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")

    /// What the action just taken did, from the numbers its redirect carries (whole numbers only).
    static func notice(_ request: Request) -> String? {
        func n(_ key: String) -> Int { request.query(key).flatMap { Int($0) }.map { min(max($0, 0), 1_000_000_000) } ?? 0 }
        func plural(_ count: Int, _ word: String) -> String { "\(Figures.thousands(count)) \(word)\(count == 1 ? "" : "s")" }
        if request.query("refreshed") == "1" {
            let alerts = n("alerts") > 0 ? " \(plural(n("alerts"), "alert")) raised — see Alerts below." : ""
            return "Refreshed just now: \(Figures.thousands(n("entered"))) entered, \(Figures.thousands(n("exited"))) left; \(plural(n("size"), "member")) now." + alerts
        }
        if request.query("saved") == "1" {
            return "Saved: the segment is live and was refreshed just now; the scheduled recompute keeps it up to date."
        }
        if request.query("validated") == "1" {
            return "Validated just now: \(Figures.thousands(n("pass"))) passed, \(plural(n("warn"), "warning")), \(Figures.thousands(n("fail"))) failed — the details are under Validation below."
        }
        return nil
    }

    static func html(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: securityHeaders, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// Every dashboard page, sign-in and the static assets.
    public func addRoutes(to router: Router<AppRequestContext>) {
        let store = self.store, sessions = self.sessions, renderer = self.renderer
        let css = ByteBuffer(string: renderer.stylesheet), js = ByteBuffer(string: renderer.builderScript)
        router.get("assets/app.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"], body: .init(byteBuffer: css))
        }
        router.get("assets/builder.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "max-age=3600"], body: .init(byteBuffer: js))
        }
        router.get("favicon.ico") { _, _ in Response(status: .noContent) }
        router.get("login") { request, _ in Self.html(Self.loginPage(renderer, next: request.query("next"), error: nil)) }
        router.post("login") { request, _ in
            let form = try await Self.form(request)
            let next = Self.safeNext(form["next"])
            guard let token = form["key"]?.trimmingWhitespace(), !token.isEmpty,
                  let key = try await APIKeys.authenticate(token, in: store) else {
                return Self.html(Self.loginPage(renderer, next: next, error: "That key is unknown or revoked."), status: .unauthorized)
            }
            guard key.kind == .read || key.kind == .admin else {
                let why = key.kind == .write ? "Write keys can only send data." : "Support keys look up one person at a time through the API."
                return Self.html(Self.loginPage(renderer, next: next, error: why + " Sign in with a read or admin key."), status: .forbidden)
            }
            let id = try await sessions.create(for: key)
            var response = Response(status: .seeOther, headers: [.location: next ?? "/"])
            response.setCookie(Cookie(name: Sessions.cookie, value: id, maxAge: Int(Sessions.lifetime), path: "/", httpOnly: true, sameSite: .strict))
            return response
        }

        let pages = router.group().add(middleware: SessionMiddleware(store: store, sessions: sessions))
        pages.post("logout") { request, context in
            let viewer = try context.signedIn()
            try await Self.checkCSRF(request, viewer)
            try await sessions.end(viewer.sessionID)
            var response = Response(status: .seeOther, headers: [.location: "/login"])
            response.setCookie(Cookie(name: Sessions.cookie, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict))
            return response
        }
        let p = DashboardPages(store: store, renderer: renderer, searchTraits: searchTraits, mixCache: mixes, overviewCache: overview, eventNames: eventNames, schedule: schedule)
        pages.get("/") { _, context in Self.html(try await p.overview(try context.signedIn())) }
        pages.get("segments/:name") { request, context in
            Self.html(try await p.segment(try context.path("name"), viewer: try context.signedIn(), query: request.query("q") ?? "",
                                          page: try request.intQuery("page", default: 1, range: 1...1_000_000), compare: request.query("compare") == "1",
                                          notice: Self.notice(request)))
        }
        pages.get("segments/:name/members.csv") { request, context in
            let name = try context.path("name")
            // The columns a person chose (traits by path, computed traits by name); by default the
            // ones the segment's page shows.
            let chosen = try SegmentsController.traitList(request.query("columns"))
            return try await SegmentsController.csv(store: store, segment: name, traits: chosen.isEmpty ? DashboardPages.memberColumns : chosen)
        }
        pages.post("segments/:name/refresh") { request, context in
            let viewer = try Self.admin(context)
            try await Self.checkCSRF(request, viewer)
            let name = try context.path("name")
            let pageSize = self.webhookPageSize, drift = self.drift
            let outcome = try await SegmentRefresh(store: store, drift: drift, webhookPageSize: pageSize).run(name, asOf: .now)   // the refresh stands either way
            let (done, alerts) = (outcome.refresh, outcome.alerts)
            self.onAlerts(alerts)
            // The page says what the refresh did, beside the button (after the redirect).
            let notice = "?refreshed=1&entered=\(done.entered.count)&exited=\(done.exited.count)&size=\(done.snapshot.size)&alerts=\(alerts.count)"
            return Response(status: .seeOther, headers: [.location: "/segments/" + name.addingPercentEncodingForQuery() + notice])
        }
        pages.post("segments/:name/validate") { request, context in
            let viewer = try Self.admin(context)
            try await Self.checkCSRF(request, viewer)
            let name = try context.path("name")
            let report = try await offloaded { () async throws -> JSONValue in
                guard let info = try await store.segment(named: name) else { throw SegmentaError(.notFound, "no segment named \"\(name)\"") }
                return try await ValidationRun.run(store, info: info, thresholds: SegmentValidation.Thresholds()).1
            }
            let statuses = report.objectValue?["criteria"]?.arrayValues.compactMap { $0.objectValue?["status"]?.stringValue } ?? []
            let counts = ["pass", "warn", "fail"].map { s in "&\(s)=\(statuses.filter { $0 == s }.count)" }.joined()
            return Response(status: .seeOther, headers: [.location: "/segments/" + name.addingPercentEncodingForQuery() + "?validated=1" + counts])
        }
        pages.get("explain") { request, context in
            let viewer = try context.signedIn()
            guard let segment = request.query("segment"), !segment.isEmpty, let profile = request.query("profile"), !profile.isEmpty else {
                throw APIError.badRequest("Name a segment and a profile: /explain?segment=NAME&profile=ID (the forms on a segment's or a profile's page fill them in).")
            }
            return Self.html(try await p.explain(segment: segment, profile: profile, viewer: viewer))
        }
        pages.get("builder") { _, context in Self.html(try await p.builder(try context.signedIn())) }
        pages.get("rfm") { request, context in Self.html(try await p.rfm(try context.signedIn(), from: request.query("from"), to: request.query("to"))) }
        pages.get("cohorts") { request, context in Self.html(try await p.cohorts(try context.signedIn(), period: request.query("period") ?? "month", by: request.query("by") ?? "")) }
        pages.get("churn") { _, context in Self.html(try await p.churn(try context.signedIn())) }
        pages.get("support") { request, context in
            Self.html(try await p.support(try context.signedIn(), saved: request.query("saved").flatMap { Int($0) }))
        }
        pages.get("support/analytics") { request, context in
            let viewer = try context.signedIn()
            guard let segment = request.query("segment"), !segment.isEmpty else {
                throw APIError.badRequest("Name a segment: /support/analytics?segment=NAME&days=90 (the form on the Support page fills it in).")
            }
            return Self.html(try await p.supportAnalytics(viewer, segment: segment, days: try request.intQuery("days", default: 90, range: 1...730)))
        }
        pages.post("support/policy") { request, context in
            let viewer = try Self.admin(context)
            var request = request
            let form = try await Self.form(&request)   // the body is read once; the CSRF check reads the copy kept
            try await Self.checkCSRF(request, viewer)
            let result: Result<SupportPolicyRun.Version, SegmentaError>
            do throws(SegmentaError) {
                result = .success(try await SupportPolicyRun.save(DashboardPages.policyDocument(form), note: form["note"] ?? "", to: store, now: .now).version)
            } catch {
                result = .failure(error)
            }
            switch result {
            case .success(let version):
                return Response(status: .seeOther, headers: [.location: "/support?saved=\(version.number)"])
            case .failure(let e) where e.code == .invalidInput:
                // The form again, as typed, with what to fix.
                return Self.html(try await p.support(viewer, draft: form, problem: e.message), status: .unprocessableContent)
            case .failure(let e):
                throw e
            }
        }
        pages.get("value") { request, context in Self.html(try await p.value(try context.signedIn(), x: request.query("x"), y: request.query("y"))) }
        pages.get("profiles") { request, context in
            let viewer = try context.signedIn()
            // `id` is the older name of the query (links from before the search).
            guard let q = (request.query("q") ?? request.query("id"))?.trimmingWhitespace(), !q.isEmpty else { return Self.html(p.profileSearch(viewer)) }
            let matches = try await p.search(q)
            if matches.count == 1, let only = matches.first {
                return Response(status: .seeOther, headers: [.location: "/profiles/" + only.id.addingPercentEncodingForPathSegment()])
            }
            return Self.html(p.profileSearch(viewer, query: q, matches: matches))
        }
        pages.get("profiles/:id") { _, context in Self.html(try await p.profile(try context.path("id"), viewer: try context.signedIn())) }

        // The builder's JSON calls (session + CSRF header; admin to save).
        pages.post("ui/preview") { request, context in
            try await Self.checkCSRF(request, try context.signedIn())
            return try await SegmentsController.preview(store: store, body: try await request.jsonBody())
        }
        pages.post("ui/segments") { request, context in
            let viewer = try Self.admin(context)
            try await Self.checkCSRF(request, viewer)
            let document = try await request.jsonBody()
            let info = try await mapped(invalidStatus: .unprocessableContent) { try await store.createSegment(document) }
            let pageSize = self.webhookPageSize, drift = self.drift
            _ = try await SegmentRefresh(store: store, drift: drift, webhookPageSize: pageSize).run(info.name, asOf: .now)
            return Response.json(info.json(nextRefresh: schedule.nextRefresh), status: .created)
        }
    }

    static func admin(_ context: AppRequestContext) throws -> Viewer {
        guard let v = context.viewer, v.isAdmin else { throw APIError.forbidden("this needs an admin key; you are signed in with a read key") }
        return v
    }

    /// The session's CSRF token must come back with every state-changing request.
    static func checkCSRF(_ request: Request, _ viewer: Viewer) async throws {
        if let name = csrfHeader, let header = request.headers[name], header == viewer.session.csrf { return }
        if request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true {
            var copy = request
            if try await Self.form(&copy)["csrf"] == viewer.session.csrf { return }
        }
        throw APIError.forbidden("the form is stale or did not come from this dashboard (CSRF check failed); reload the page and try again")
    }

    /// A URL-encoded form body.
    static func form(_ request: Request) async throws -> [String: String] {
        var copy = request
        return try await form(&copy)
    }

    static func form(_ request: inout Request) async throws -> [String: String] {
        let buffer = try await request.collectBody(upTo: 64 * 1024)
        var out: [String: String] = [:]
        for pair in String(buffer: buffer).split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String { String(s).replacingAll("+", with: " ").removingPercentEncoding ?? String(s) }
            out[decode(kv[0])] = kv.count > 1 ? decode(kv[1]) : ""
        }
        return out
    }

    /// Only local paths are followed after sign-in (no open redirect).
    static func safeNext(_ next: String?) -> String? {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\") else { return nil }
        return next
    }

    static func loginPage(_ renderer: PageRenderer, next: String?, error: String?) -> String {
        renderer.render(Page("Sign in", chrome: .bare(BareChrome(showHeading: false)), [.login(LoginBody(problem: error ?? "", next: safeNext(next) ?? ""))]))
    }
}
