import SegmentaCharts
import SegmentaCore
import SegmentaJobs
import SegmentaStore
import Synchronization

/// The dashboard's pages. Each reads what the store keeps (snapshots, stored analyses, one
/// profile) — bounded work per view whatever the number of events.
struct DashboardPages: Sendable {
    let store: any Storage
    /// Traits people are found by (with ids).
    var searchTraits = ["email", "name"]
    /// Members' mixes, shared with the warmer that fills them when the data changes.
    var mixCache = MixCache()
    /// The builder's event names, shared with the warmer.
    var eventNames = EventNameCache()
    typealias H = HTML

    func overview(_ viewer: Viewer) async throws -> String {
        let store = self.store
        let (o, segments, histories, rfm) = try await mapped { () async throws -> (StoreOverview, [SegmentInfo], [String: [SegmentSnapshot]], (AnalysisRun, Timestamp)?) in
            let segments = try await store.segments()
            var histories: [String: [SegmentSnapshot]] = [:]
            for s in segments { histories[s.name] = try await store.history(of: s.name) }
            let rfm = try await store.latestAnalysisRun(kind: "rfm")
            return (try await store.overview(), segments, histories, rfm.map { ($0.run, $0.createdAt) })
        }
        var body = H.stats([("profiles", H.thousands(o.profiles)), ("events", H.thousands(o.events)), ("orders", H.thousands(o.orders)),
                            ("accounts", H.thousands(o.accounts)), ("segments", H.thousands(segments.count))])
        var fresh = "Newest event received: " + (o.lastEventAt.map { H.when($0) } ?? "none yet")
        if let rfm { fresh += " · computed traits (RFM) as of \(H.when(rfm.1))" }
        body += "<p class=\"note\">\(fresh)</p>"
        let failing = segments.filter { $0.lastError != nil }
        if !failing.isEmpty {
            body += H.section("Refresh errors", H.table(["segment", "error"], failing.map { [H.link("/segments/" + $0.name, $0.name), "<span class=\"error\">\(H.e($0.lastError ?? ""))</span>"] }))
        }
        let alerts = try await mapped { try await store.alerts(segment: nil, limit: 10) }
        if !alerts.isEmpty {
            body += H.section("Alerts", Self.alertList(alerts, linkSegments: true),
                              note: "A segment's size outside its usual range (3 standard deviations of its last refreshes), or its mix of plan, country, lifecycle stage or RFM segment shifted (χ² test, Holm across traits, p < 0.01). The 10 newest; all at GET /api/v1/alerts.")
        }
        let rows = segments.map { s -> [String] in
            let sizes = (histories[s.name] ?? []).suffix(24).map { Double($0.size) }
            return [H.link("/segments/" + s.name, s.name), H.e(s.kind.rawValue), s.size.map(H.thousands) ?? "–",
                    Charts.sparkline(sizes, label: "\(s.name): size at its last \(sizes.count) refreshes"),
                    s.lastRefreshAt.map { H.when($0) } ?? "never", s.lastError == nil ? "<span class=\"ok\">ok</span>" : "<span class=\"error\">error</span>"]
        }
        body += H.section("Segments", segments.isEmpty ? H.empty("No segments yet. Create one with the builder (New segment) or “segmenta segments create”.")
                          : H.table(["segment", "kind", "members", "size over time", "last refresh", "state"], rows, numeric: [2]))
        return H.page("Overview", viewer: viewer, active: "/", body)
    }

    /// - Parameter notice: what the action the user just took did (shown beside its buttons).
    func segment(_ name: String, viewer: Viewer, query: String, page: Int, compare: Bool, notice: String? = nil) async throws -> String {
        let store = self.store
        let perPage = 50
        let data = try await mapped { () async throws -> (SegmentInfo, [SegmentSnapshot], [(String, Int)], [(String, Int)], (Int, [(id: String, traits: JSONValue, computed: [String: JSONValue])]), [Webhook], [WebhookDelivery], AnalysisRun?) in
            guard let info = try await store.segment(named: name) else { throw SegmentaError(.notFound, "no segment named \"\(name)\"") }
            let history = try await store.history(of: name)
            let version = try await MixCache.version(store, history: history)
            return (info, history, try await mixCache.mix(store, name, "rfm_segment", version), try await mixCache.mix(store, name, "lifecycle", version),
                    try await store.memberPage(of: name, prefix: query, matching: searchTraits, offset: (page - 1) * perPage, limit: perPage),
                    try await store.webhooks(of: name), try await store.webhookDeliveries(segment: name, limit: 10),
                    try await store.analysisRuns(kind: "validation", parameter: name).last)
        }
        let (info, history, rfmMix, lifeMix, members, hooks, deliveries, validation) = data
        let everyoneLifecycle = try await mapped { try await store.latestAnalysisRun(kind: "lifecycle")?.run.summary.objectValue }
        var body = ""
        let parsed = info.definition.objectValue?["condition"].flatMap { try? ConditionParser.condition($0) }
        var head: String
        if let parsed {
            // In words; the precise definition on hover.
            head = "<p><b>Who:</b> <span title=\"\(H.e(ConditionRenderer.text(parsed)))\">\(H.e(ConditionSentence.text(parsed)))</span></p>"
        } else {
            head = "<p><b>Who:</b> a fixed list (static segment)</p>"
        }
        if let d = info.definition.objectValue?["description"]?.stringValue { head += "<p>\(H.e(d))</p>" }
        head += H.stats([("members", info.size.map(H.thousands) ?? "–"), ("version", String(info.version)), ("last refresh", info.lastRefreshAt?.readable ?? "never")])
        if let error = info.lastError { head += "<p class=\"error\">Last refresh failed: \(H.e(error))</p>" }
        if viewer.isAdmin {
            head += "<p><form class=\"inline\" method=\"post\" action=\"/segments/\(H.e(name))/refresh\">\(H.csrfField(viewer))<button>Refresh now</button></form> "
                + "<form class=\"inline\" method=\"post\" action=\"/segments/\(H.e(name))/validate\">\(H.csrfField(viewer))<button class=\"secondary\">Validate now</button></form></p>"
        }
        if let notice { head += "<p class=\"banner\" role=\"status\">\(H.e(notice))</p>" }
        body += H.section("Definition", head)
        let alerts = try await mapped { try await store.alerts(segment: name, limit: 5) }
        if !alerts.isEmpty {
            body += H.section("Alerts", Self.alertList(alerts, linkSegments: false),
                              note: "Raised when a refresh finds the size outside its usual range or the mix of members shifted; also sent to this segment's webhooks as an alert.")
        }
        if let card = info.definition.objectValue?["card"]?.objectValue, !card.isEmpty {
            let items = ["objective", "kpi", "needs", "risks", "actions"].compactMap { k in card[k].map { (k, $0.stringValue ?? $0.jsonText) } }
            body += H.section("Profile card", "<dl class=\"card\">" + items.map { "<dt>\(H.e($0.0))</dt><dd>\(H.e($0.1))</dd>" }.joined() + "</dl>")
        }
        if history.count >= 1 {
            let labels = history.map { String($0.asOf.dateString) }
            body += H.section("Size over time", "<div class=\"row\">"
                + Charts.lines(title: "Members at each refresh", xLabels: labels, series: [(name, history.map { Double($0.size) })], yLabel: "members",
                               xPositions: history.map { Double($0.asOf.milliseconds) / 86_400_000 }, counts: true)
                + Charts.pairedBars(title: "Entered and exited per refresh", labels: labels, first: ("entered", history.map { Double($0.entered) }),
                                    second: ("exited", history.map { Double($0.exited) }))
                + "</div>")
        }
        var mixes = ""
        if rfmMix.contains(where: { $0.0 != "(none)" }) {
            mixes += Charts.bars(title: "RFM segments of the members", labels: rfmMix.map(\.0), values: rfmMix.map { Double($0.1) }, valueLabel: { H.thousands(Int($0)) }, width: 520)
        }
        if lifeMix.contains(where: { $0.0 != "(none)" }) {
            mixes += Charts.bars(title: "Lifecycle stages of the members", labels: lifeMix.map(\.0), values: lifeMix.map { Double($0.1) }, valueLabel: { H.thousands(Int($0)) }, width: 520)
        }
        if lifeMix.contains(where: { $0.0 != "(none)" }), let all = everyoneLifecycle {
            let stages = LifecycleStage.allCases.map(\.rawValue)
            let mine = Dictionary(lifeMix.map { ($0.0, Double($0.1)) }, uniquingKeysWith: +)
            mixes += Charts.stackedBars(title: "Lifecycle mix: \(name) against all customers",
                                        rows: [(name, stages.map { mine[$0] ?? 0 }), ("all customers", stages.map { all[$0]?.numberValue ?? 0 })],
                                        categories: stages, width: 1060)
        }
        if !mixes.isEmpty { body += H.section("Who they are", "<div class=\"row\">\(mixes)</div>") }
        if let validation, let criteria = validation.summary.objectValue?["criteria"]?.arrayValues {
            body += H.section("Validation (\(validation.asOf.readableDate))", H.table(["criterion", "result", "why"], criteria.compactMap(\.objectValue).map { c in
                let status = c["status"]?.stringValue ?? ""
                return [H.e(c["name"]?.stringValue ?? ""), "<span class=\"pill \(H.e(status))\">\(H.e(status))</span>", H.e(c["reason"]?.stringValue ?? "")]
            }))
        }
        if compare {
            let reports = try await offloaded { try await ComparisonRun.run(store, a: name, b: nil, by: nil, asOf: .now) }
            if let r = reports.first {
                body += H.section("\(name) compared with the rest", H.table(["KPI", name, "the rest", "95 % CI of the difference", "test", "p (Holm)", "verdict"], r.rows.map { row in
                    let f: (Double) -> String = { row.kpi.isProportion ? H.percent($0) : H.fixed($0, 2) }
                    return [H.e(row.kpi.description), f(row.a), f(row.b), "[\(f(row.ci.low)), \(f(row.ci.high))]", H.e(row.test),
                            row.pAdjusted.isNaN ? "–" : row.pAdjusted < 0.001 ? "&lt;0.001" : H.fixed(row.pAdjusted, 3), H.e(row.verdict)]
                }, numeric: [1, 2, 5]))
            }
        } else if info.lastRefreshAt != nil {
            body += H.section("Compared with the rest", "<p><a class=\"button\" href=\"/segments/\(H.e(name))?compare=1\">Compare KPIs with everyone else</a> "
                              + "<span class=\"note\">Welch, two-proportion and Mann-Whitney tests with Holm-adjusted p-values; computed on demand.</span></p>")
        }
        let total = members.0, pages = max(1, (total + perPage - 1) / perPage)
        var table = "<form class=\"inline\" method=\"get\" action=\"/segments/\(H.e(name))\"><label for=\"q\">Find a member by id</label>"
            + "<input id=\"q\" name=\"q\" value=\"\(H.e(query))\" placeholder=\"\(H.e((["id"] + searchTraits).joined(separator: ", "))) starts with…\"><button class=\"secondary\">Search</button>"
            + " <a class=\"button\" href=\"/segments/\(H.e(name))/members.csv\">Export CSV</a></form>"
        table += H.table(["profile", "email", "plan", "RFM segment", "lifecycle"], members.1.map { m in
            [H.link("/profiles/" + m.id.addingPercentEncodingForPathSegment(), m.id), H.e(m.traits.value(atPath: "email")?.stringValue ?? ""), H.e(m.traits.value(atPath: "plan")?.stringValue ?? ""),
             H.e(m.computed["rfm_segment"]?.stringValue ?? ""), H.e(m.computed["lifecycle"]?.stringValue ?? "")]
        })
        var pager = "<p class=\"note\">\(H.thousands(total)) member\(total == 1 ? "" : "s")\(query.isEmpty ? "" : " whose \(H.e((["id"] + searchTraits).joined(separator: ", "))) starts with “\(H.e(query))”") · page \(page) of \(pages)"
        let q = query.isEmpty ? "" : "&q=" + query.addingPercentEncodingForQuery()
        if page > 1 { pager += " · <a href=\"/segments/\(H.e(name))?page=\(page - 1)\(H.e(q))\">previous</a>" }
        if page < pages { pager += " · <a href=\"/segments/\(H.e(name))?page=\(page + 1)\(H.e(q))\">next</a>" }
        body += H.section("Members", table + pager + "</p>", note: "The CSV export leaves out members who denied marketing consent.")
        body += H.section("Why is someone in it, or not?", Self.explainForm(segments: [], fixedSegment: name, fixedProfile: nil),
                          note: "Every condition with that person's value beside it, and what would have to change.")
        var hookBody = hooks.isEmpty ? H.empty("No webhooks. Add one with POST /api/v1/segments/\(name)/webhooks (admin key).")
            : H.table(["url", "since"], hooks.map { [H.e(viewer.isAdmin ? $0.url : WebhookTarget.masked($0.url)), H.when($0.createdAt, time: false)] })
        if !deliveries.isEmpty {
            hookBody += H.table(["delivery", "snapshot", "page", "status", "attempts", "answer"], deliveries.map { d -> [String] in
                let tone: String = d.status == .delivered ? "pass" : d.status == .failed ? "fail" : "warn"
                let answer: String = d.responseStatus.map { String($0) } ?? d.lastError ?? ""
                return [String(d.id), String(d.snapshotID), String(d.page), "<span class=\"pill \(tone)\">\(d.status.rawValue)</span>", String(d.attempts), H.e(answer)]
            })
        }
        body += H.section("Webhooks", hookBody)
        return H.page(name, viewer: viewer, active: "", body)
    }

    func builder(_ viewer: Viewer) async throws -> String {
        guard viewer.isAdmin else {
            return H.page("New segment", viewer: viewer, active: "/builder", H.section("Admins only", H.empty("Creating segments needs an admin key; you are signed in with a read key.")))
        }
        let store = self.store, eventNames = self.eventNames
        // What the builder offers to pick from, and checks names against as they are typed.
        let sampleSize = 1000
        let (samples, events, segments) = try await mapped {
            (try await store.sampleTraits(limit: sampleSize), try await eventNames.names(store), try await store.segments().map(\.name))
        }
        let vocabulary: JSONValue = .object([
            "sample": .number(Double(samples.count)),
            "traits": .array(TraitCatalog.build(samples).prefix(80).map { e in
                .object(["path": .string(e.path), "type": .string(e.type), "profiles": .number(Double(e.profiles)), "examples": .array(e.examples.map(JSONValue.string))])
            }),
            "events": .array(events.map { .object(["name": .string($0.name), "count": .number(Double($0.count))]) }),
            "computed": .array(Condition.builtInComputedTraits.map { .object(["name": .string($0), "label": .string(Self.computedLabel($0))]) }),
            "segments": .array(segments.map(JSONValue.string)),
        ])
        // A JSON data block (never executed, so the CSP allows it); "<" escaped so no text can close the tag.
        let data = vocabulary.jsonText.replacingOccurrences(of: "<", with: "\\u003c")
        let body = "<script type=\"application/json\" id=\"vocabulary\">\(data)</script>" + """
        <section><h2>Name and purpose</h2><div class="row"><label>Name <input id="name" placeholder="e.g. pro-quiet" required aria-describedby="name-hint"></label>
        <span id="name-hint" class="hint" role="status"></span>
        <label>Description <input id="description" size="40"></label></div>
        <div class="row"><label>Objective <input id="card-objective" size="30"></label><label>KPI <input id="card-kpi" size="20"></label>
        <label>Actions <input id="card-actions" size="30"></label></div></section>
        <section><h2>Who belongs</h2><div id="builder" aria-live="polite"></div>
        <p><button type="button" id="preview" class="secondary">Validate and preview size</button> <button type="button" id="save">Save and refresh</button>
        <span id="status" role="status"></span></p></section>
        <section><h2>The definition (JSON)</h2><textarea id="definition" readonly aria-label="definition JSON"></textarea>
        <p class="note">The same document “segmenta segments create --file” and POST /api/v1/segments take; see docs/SEGMENTS.md.</p></section>
        """
        return H.page("New segment", viewer: viewer, active: "/builder", body, script: true)
    }

    /// Alerts as a list: when, and what changed in words.
    static func alertList(_ alerts: [SegmentAlert], linkSegments: Bool) -> String {
        "<ul class=\"alerts\">" + alerts.map { a in
            let when = "<span class=\"note\">\(H.when(a.createdAt))</span>"
            let segment = linkSegments ? " " + H.link("/segments/" + a.segment.addingPercentEncodingForPathSegment(), a.segment) + ":" : ""
            return "<li>\(when)\(segment) \(H.e(a.message))</li>"
        }.joined() + "</ul>"
    }
}
