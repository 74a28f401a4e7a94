import SegmentaCharts
import SegmentaCore
import SegmentaJobs
import SegmentaPages
import SegmentaStore
import Synchronization

/// The dashboard's pages. Each reads what the store keeps (snapshots, stored analyses, one
/// profile) — bounded work per view whatever the number of events — and describes the page as
/// ``Block``s, which `SegmentaPages`' templates render.
struct DashboardPages: Sendable {
    let store: any Storage
    /// The templates.
    let renderer: PageRenderer
    /// Traits people are found by (with ids).
    var searchTraits = ["email", "name"]
    /// Members' mixes, shared with the warmer that fills them when the data changes.
    var mixCache = MixCache()
    /// The overview's counts, shared with the warmer.
    var overviewCache = OverviewCache()
    /// The builder's event names, shared with the warmer.
    var eventNames = EventNameCache()
    /// When the server's scheduled refresh runs next.
    var schedule = RecomputeSchedule()
    typealias H = Figures

    /// A dashboard page for `viewer`, `active` marking its place in the navigation.
    func document(_ title: String, viewer: Viewer, active: String, _ blocks: [Block], script: Bool = false) -> String {
        renderer.render(Page(title, chrome: .dashboard(DashboardChrome(csrf: viewer.session.csrf, admin: viewer.isAdmin, active: active, builderScript: script)), blocks))
    }

    /// The member columns a segment's page shows, and its CSV export gives unless others are chosen.
    static let memberColumns = ["email", "plan", "rfm_segment", "lifecycle"]

    /// The link to a profile's page.
    static func profileLink(_ id: String) -> Inline { .link("/profiles/" + id.addingPercentEncodingForPathSegment(), id) }

    /// The link to a segment's page.
    static func segmentLink(_ name: String) -> Inline { .link("/segments/" + name.addingPercentEncodingForPathSegment(), name) }

    /// The session's CSRF token as a hidden field.
    static func csrf(_ viewer: Viewer) -> Control { .hidden(HiddenField("csrf", viewer.session.csrf)) }

    func overview(_ viewer: Viewer) async throws -> String {
        let store = self.store, overviewCache = self.overviewCache
        let segments = try await store.segments()
        var histories: [String: [SegmentSnapshot]] = [:]
        for s in segments { histories[s.name] = try await store.history(of: s.name) }
        let rfm = try await store.latestAnalysisRun(kind: AnalysisKind.rfm.rawValue).map { ($0.run, $0.createdAt) }
        let o = try await overviewCache.overview(store)
        var body: [Block] = [.stats([("profiles", H.thousands(o.profiles)), ("events", H.thousands(o.events)), ("orders", H.thousands(o.orders)),
                                     ("accounts", H.thousands(o.accounts)), ("segments", H.thousands(segments.count))])]
        var fresh: [Inline] = [.text("Newest event received: "), o.lastEventAt.map { .when($0) } ?? .text("none yet")]
        if let rfm { fresh += [.text(" · computed traits (RFM) as of \(rfm.0.asOf.readableDate), computed "), .when(rfm.1)] }
        body.append(.note(fresh))
        let failing = segments.filter { $0.lastError != nil }
        if !failing.isEmpty {
            body.append(.section("Refresh errors", [.table(["segment", "error"], failing.map { [Cell(Self.segmentLink($0.name)), Cell(.styled($0.lastError ?? "", class: "error"))] })]))
        }
        let alerts = try await store.alerts(segment: nil, limit: 10)
        if !alerts.isEmpty {
            body.append(.section("Alerts", [Self.alertList(alerts, linkSegments: true)],
                                 note: "A segment's size outside its usual range (3 standard deviations of its last refreshes), or its mix of plan, country, lifecycle stage or RFM segment shifted (χ² test, Holm across traits, p < 0.01). The 10 newest; all at GET /api/v1/alerts."))
        }
        let rows = segments.map { s -> [Cell] in
            let sizes = (histories[s.name] ?? []).suffix(24).map { Double($0.size) }
            return [Cell(Self.segmentLink(s.name)), Cell(s.kind.rawValue), Cell(s.size.map(H.thousands) ?? "–"),
                    Cell(.chart(Charts.sparkline(sizes, label: "\(s.name): size at its last \(sizes.count) refreshes"))),
                    Cell((histories[s.name]?.last?.asOf).map { .text($0.readableDate) } ?? .text("never refreshed")),
                    Cell(s.lastError == nil ? .styled("ok", class: "ok") : .styled("error", class: "error"))]
        }
        body.append(.section("Segments", [segments.isEmpty ? .empty("No segments yet. Create one with the builder (New segment) or “segmenta segments create”.")
                                                           : .table(["segment", "kind", "members", "size over time", "members as of", "state"], rows, numeric: [2])]))
        return document("Overview", viewer: viewer, active: "/", body)
    }

    /// - Parameter notice: what the action the user just took did (shown beside its buttons).
    func segment(_ name: String, viewer: Viewer, query: String, page: Int, compare: Bool, notice: String? = nil) async throws -> String {
        let store = self.store
        let perPage = 50
        guard let info = try await store.segment(named: name) else { throw SegmentaError(.notFound, "no segment named \"\(name)\"") }
        let history = try await store.history(of: name)
        let version = try await MixCache.version(store, history: history)
        let rfmMix = try await mixCache.mix(store, name, "rfm_segment", version), lifeMix = try await mixCache.mix(store, name, "lifecycle", version)
        let members = try await store.memberPage(of: name, prefix: query, matching: searchTraits, offset: (page - 1) * perPage, limit: perPage)
        let hooks = try await store.webhooks(of: name), deliveries = try await store.webhookDeliveries(segment: name, limit: 10)
        let validation = try await store.analysisRuns(kind: "validation", parameter: name).last
        let everyoneLifecycle = try await store.latestAnalysisRun(kind: AnalysisKind.lifecycle.rawValue)?.run.summary.objectValue
        var body: [Block] = []
        var head: [Block] = []
        if let parsed = info.definition.condition {
            // In words; the precise definition on hover.
            head.append(.paragraph([.strong("Who:"), .text(" "), .styled(ConditionSentence.text(parsed), hover: ConditionRenderer.text(parsed))]))
        } else {
            head.append(.paragraph([.strong("Who:"), .text(" a fixed list (static segment)")]))
        }
        if !info.definition.description.isEmpty { head.append(.paragraph([.text(info.definition.description)])) }
        head.append(.stats([(history.last.map { "members as of \($0.asOf.readableDate)" } ?? "members", info.size.map(H.thousands) ?? "–"),
                            ("version", String(info.version)), ("last refresh", info.lastRefreshAt?.readable ?? "never")]
                           + (info.kind == .dynamic ? [("next scheduled refresh", schedule.words)] : [])))
        if let error = info.lastError { head.append(.paragraph([.text("Last refresh failed: \(error)")], class: "error")) }
        if viewer.isAdmin {
            let path = "/segments/" + name.addingPercentEncodingForPathSegment()
            head.append(.actions(Actions(forms: [Form("post", path + "/refresh", [Self.csrf(viewer), .button(Button("Refresh now"))]),
                                                 Form("post", path + "/validate", [Self.csrf(viewer), .button(Button("Validate now", secondary: true))])])))
        }
        if let notice { head.append(.paragraph([.text(notice)], class: "banner", role: "status")) }
        body.append(.section("Definition", head))
        let alerts = try await store.alerts(segment: name, limit: 5)
        if !alerts.isEmpty {
            body.append(.section("Alerts", [Self.alertList(alerts, linkSegments: false)],
                                 note: "Raised when a refresh finds the size outside its usual range or the mix of members shifted; also sent to this segment's webhooks as an alert."))
        }
        if !info.definition.card.isEmpty {
            let items = SegmentDefinition.cardFields.compactMap { k in info.definition.card[k].map { Definition(term: k, detail: $0) } }
            body.append(.section("Profile card", [.definitions(Definitions(pairs: items))]))
        }
        if history.count >= 1 {
            let labels = history.map { String($0.asOf.dateString) }
            body.append(.section("Size over time", [.row([
                .chart(Charts.lines(title: "Members at each refresh", xLabels: labels, series: [(name, history.map { Double($0.size) })], yLabel: "members",
                                    xPositions: history.map { Double($0.asOf.milliseconds) / 86_400_000 }, counts: true)),
                // Left: exited, merged into another profile, or erased — so each size is the last plus entered minus left.
                .chart(Charts.pairedBars(title: "Entered and left per refresh", labels: labels, first: ("entered", history.map { Double($0.entered) }),
                                         second: ("left", history.map { Double($0.exited + $0.merged + $0.erased) }))),
            ])]))
        }
        var mixes: [Block] = []
        if rfmMix.contains(where: { $0.0 != "(none)" }) {
            mixes.append(.chart(Charts.bars(title: "RFM segments of the members", labels: rfmMix.map(\.0), values: rfmMix.map { Double($0.1) }, valueLabel: { H.thousands(Int($0)) }, width: 520)))
        }
        if lifeMix.contains(where: { $0.0 != "(none)" }) {
            mixes.append(.chart(Charts.bars(title: "Lifecycle stages of the members", labels: lifeMix.map(\.0), values: lifeMix.map { Double($0.1) }, valueLabel: { H.thousands(Int($0)) }, width: 520)))
        }
        if lifeMix.contains(where: { $0.0 != "(none)" }), let all = everyoneLifecycle {
            let stages = LifecycleStage.allCases.map(\.rawValue)
            let mine = Dictionary(lifeMix.map { ($0.0, Double($0.1)) }, uniquingKeysWith: +)
            mixes.append(.chart(Charts.stackedBars(title: "Lifecycle mix: \(name) against all customers",
                                                   rows: [(name, stages.map { mine[$0] ?? 0 }), ("all customers", stages.map { all[$0]?.numberValue ?? 0 })],
                                                   categories: stages, width: 1060)))
        }
        if !mixes.isEmpty { body.append(.section("Who they are", [.row(mixes)])) }
        if let validation, let criteria = validation.summary.objectValue?["criteria"]?.arrayValues {
            body.append(.section("Validation (\(validation.asOf.readableDate))", [.table(["criterion", "result", "why"], criteria.compactMap(\.objectValue).map { c in
                let status = c["status"]?.stringValue ?? ""
                return [Cell(c["name"]?.stringValue ?? ""), Cell(.styled(status, class: "pill " + status)), Cell(c["reason"]?.stringValue ?? "")]
            })]))
        }
        if compare {
            let reports = try await offloaded { try await ComparisonRun.run(store, a: name, b: nil, by: nil, asOf: .now) }
            if let r = reports.first {
                body.append(.section("\(name) compared with the rest", [.table(["KPI", name, "the rest", "95 % CI of the difference", "test", "p (Holm)", "verdict"], r.rows.map { row in
                    let f: (Double) -> String = { row.kpi.isProportion ? H.percent($0) : H.fixed($0, 2) }
                    return [Cell(row.kpi.description), Cell(f(row.a)), Cell(f(row.b)), Cell("[\(f(row.ci.low)), \(f(row.ci.high))]"), Cell(row.test),
                            Cell(row.pAdjusted.isNaN ? "–" : row.pAdjusted < 0.001 ? "<0.001" : H.fixed(row.pAdjusted, 3)), Cell(row.verdict)]
                }, numeric: [1, 2, 5])]))
            }
        } else if info.lastRefreshAt != nil {
            body.append(.section("Compared with the rest", [.paragraph([.link("/segments/" + name.addingPercentEncodingForPathSegment() + "?compare=1", "Compare KPIs with everyone else", class: "button"), .text(" "),
                                                                        .styled("Welch, two-proportion and Mann-Whitney tests with Holm-adjusted p-values; computed on demand.", class: "note")])]))
        }
        let total = members.0, pages = max(1, (total + perPage - 1) / perPage)
        let path = "/segments/" + name.addingPercentEncodingForPathSegment()
        let searchable = (["id"] + searchTraits).joined(separator: ", ")
        var membersPart: [Block] = [.form(Form("get", path, [.label(FieldLabel(for: "q", "Find a member")),
                                                             .input(InputField(id: "q", name: "q", value: query, placeholder: "\(searchable), or part of one…")),
                                                             .button(Button("Search", secondary: true))]))]
        membersPart.append(.table(["profile", "email", "plan", "RFM segment", "lifecycle"], members.1.map { m in
            [Cell(Self.profileLink(m.id)), Cell(m.traits.value(atPath: "email")?.stringValue ?? ""), Cell(m.traits.value(atPath: "plan")?.stringValue ?? ""),
             Cell(m.computed["rfm_segment"]?.stringValue ?? ""), Cell(m.computed["lifecycle"]?.stringValue ?? "")]
        }))
        var pager: [Inline] = [.text("\(H.thousands(total)) member\(total == 1 ? "" : "s")\(query.isEmpty ? "" : " matching “\(query)” (an id that starts with it, or \(searchTraits.joined(separator: " or ")) holding it)") · page \(page) of \(pages)")]
        let q = query.isEmpty ? "" : "&q=" + query.addingPercentEncodingForQuery()
        if page > 1 { pager += [.text(" · "), .link("\(path)?page=\(page - 1)\(q)", "previous")] }
        if page < pages { pager += [.text(" · "), .link("\(path)?page=\(page + 1)\(q)", "next")] }
        membersPart.append(.note(pager))
        membersPart.append(.form(Form("get", path + "/members.csv", [.label(FieldLabel(for: "columns", "Export columns")),
                                                                     .input(InputField(id: "columns", name: "columns", value: Self.memberColumns.joined(separator: ", "),
                                                                                       placeholder: "traits and computed traits, comma-separated")),
                                                                     .button(Button("Export CSV"))])))
        body.append(.section("Members", membersPart, note: "Export columns: any trait by its path (company.size) and any computed trait by its name (clv, churn_risk, persona…), "
                                + "at most \(SegmentsController.maxTraits). The export leaves out members who denied marketing consent."))
        body.append(.section("Why is someone in it, or not?", [Self.explainForm(segments: [], fixedSegment: name, fixedProfile: nil)],
                             note: "Every condition with that person's value beside it, and what would have to change."))
        var hookBody: [Block] = [hooks.isEmpty ? .empty("No webhooks. Add one with POST /api/v1/segments/\(name)/webhooks (admin key).")
            : .table(["url", "since"], hooks.map { [Cell(viewer.isAdmin ? $0.url : WebhookTarget.masked($0.url)), Cell(.when($0.createdAt, time: false))] })]
        if !deliveries.isEmpty {
            hookBody.append(.table(["delivery", "snapshot", "page", "status", "attempts", "answer"], deliveries.map { d -> [Cell] in
                let tone: String = d.status == .delivered ? "pass" : d.status == .failed ? "fail" : "warn"
                let answer: String = d.responseStatus.map { String($0) } ?? d.lastError ?? ""
                return [Cell(String(d.id)), Cell(String(d.snapshotID)), Cell(String(d.page)), Cell(.styled(d.status.rawValue, class: "pill " + tone)), Cell(String(d.attempts)), Cell(answer)]
            }))
        }
        body.append(.section("Webhooks", hookBody))
        return document(name, viewer: viewer, active: "", body)
    }

    func builder(_ viewer: Viewer) async throws -> String {
        guard viewer.isAdmin else {
            return document("New segment", viewer: viewer, active: "/builder", [.section("Admins only", [.empty("Creating segments needs an admin key; you are signed in with a read key.")])])
        }
        let store = self.store, eventNames = self.eventNames
        // What the builder offers to pick from, and checks names against as they are typed.
        let sampleSize = 1000
        let (samples, events, segments) = (try await store.sampleTraits(limit: sampleSize), try await eventNames.names(store), try await store.segments().map(\.name))
        let vocabulary: JSONValue = .object([
            "sample": .number(Double(samples.count)),
            "traits": .array(TraitCatalog.build(samples).prefix(80).map { e in
                .object(["path": .string(e.path), "type": .string(e.type), "profiles": .number(Double(e.profiles)), "examples": .array(e.examples.map(JSONValue.string))])
            }),
            "events": .array(events.map { .object(["name": .string($0.name), "count": .number(Double($0.count))]) }),
            "computed": .array(Condition.builtInComputedTraits.map { .object(["name": .string($0), "label": .string(Self.computedLabel($0))]) }),
            "segments": .array(segments.map(JSONValue.string)),
        ])
        return document("New segment", viewer: viewer, active: "/builder", [.builder(BuilderBody(vocabularyJSON: vocabulary.jsonText))], script: true)
    }

    /// Alerts as a list: when, and what changed in words.
    static func alertList(_ alerts: [SegmentAlert], linkSegments: Bool) -> Block {
        .list(class: "alerts", alerts.map { a in
            ListItem([.when(a.createdAt)] + (linkSegments ? [.text(" "), segmentLink(a.segment), .text(":")] : []) + [.text(" " + a.message)])
        })
    }
}
