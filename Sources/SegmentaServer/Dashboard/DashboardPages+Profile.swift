import SegmentaCore
import SegmentaPages
import SegmentaStore
import SegmentaJobs

extension DashboardPages {
    /// Profiles matching a query (ids, and the searchable traits), 20 at most.
    func search(_ q: String) async throws -> [ProfileMatch] {
        let store = self.store, traits = searchTraits
        return try await store.searchProfiles(q, traits: traits, limit: 20)
    }

    /// The search form; with a query, what it found (one match never gets here: it opens the profile).
    func profileSearch(_ viewer: Viewer, query: String = "", matches: [ProfileMatch] = []) -> String {
        let fields = (searchTraits + ["any id"]).joined(separator: ", ")
        var body: [Block] = [.section("Find a customer", [.form(Form("get", "/profiles", [
            .label(FieldLabel(for: "q", fields.prefix(1).uppercased() + fields.dropFirst())),
            .input(InputField(id: "q", name: "q", value: query, placeholder: "e.g. ada@example.com", required: true)), .button(Button("Search")),
        ]))], note: "An id whole or its start; \(searchTraits.joined(separator: " or ")) whole or any part of it (a surname finds “Anne Martin”). Upper and lower case, and accents, are the same: “nunez” finds “Núñez”.")]
        if !query.isEmpty {
            body.append(.section(matches.isEmpty ? "Nobody matches “\(query)”" : "\(matches.count) people match “\(query)”", [
                matches.isEmpty ? .empty("No profile has an id starting with it, or \(searchTraits.joined(separator: " or ")) holding it.")
                    : .table(["profile"] + searchTraits + ["found by"], matches.map { m in
                        [Cell(Self.profileLink(m.id))] + searchTraits.map { Cell(m.traits[$0] ?? "") } + [Cell(m.matched == "identity" ? "user or anonymous id" : m.matched)]
                    }),
            ]))
        }
        return document("Profiles", viewer: viewer, active: "/profiles", body)
    }

    /// What a support agent opens before answering a ticket.
    func profile(_ id: String, viewer: Viewer) async throws -> String {
        let store = self.store
        let (detail, events) = (try await store.profileDetail(id), try await store.profileEvents(id, limit: 50, cursor: nil)?.events ?? [])
        let clvRun = try await store.latestAnalysisRun(kind: AnalysisKind.clv.rawValue)?.run, rfmRun = try await store.latestAnalysisRun(kind: AnalysisKind.rfm.rawValue)?.run
        // Amounts carry the store's currency when orders name one only (kept with the CLV run).
        let money = Self.currencyMix(clvRun?.summary.objectValue ?? [:])
        guard let p = detail else {
            throw APIError.notFound("Nobody is known by “\(id)”. Try another user id, anonymous id or profile id, or search by email or name on the Profiles page.")
        }
        let rows = { (o: [String: JSONValue]) -> [[Cell]] in Self.flatten(o).map { k, v in [Cell(k), Cell(v)] } }
        var body: [Block] = [.stats([("first seen", p.firstSeen?.readableDate ?? "–"),
                            ("last seen", p.lastSeen?.readableDate ?? "–"),
                            ("events", H.thousands(p.eventCounts.total)),
                            ("orders", H.thousands(p.orderCount)),
                            ("revenue", money.amount(p.revenue))])]
        let ahead = p.eventCounts.futureDated
        if ahead > 0 {
            body.append(.paragraph([.text("\(H.thousands(ahead)) message\(ahead == 1 ? " was" : "s were") dated more than a day after \(ahead == 1 ? "its" : "their") arrival (a device clock set ahead?): "
                                          + "stored at \(ahead == 1 ? "its" : "their") arrival, so that \(ahead == 1 ? "it does" : "they do") not move this person's recency; the time sent is kept as original_timestamp.")]))
        }
        let all = try await store.segments()
        let profileID = p.id
        // Each segment with the day the person entered it, as of its last refresh: membership
        // changes when a refresh runs, and the page says when that was.
        let refreshed = Dictionary(all.compactMap { s in s.lastRefreshAt.map { (s.name, $0) } }, uniquingKeysWith: { a, _ in a })
        var inSegments: [Block] = [p.memberships.isEmpty ? .empty("In no segment (as of each segment's last refresh).")
            : .paragraph(p.memberships.flatMap { m -> [Inline] in
                let hover = "in it since \(m.since.readableDate)" + (refreshed[m.segment].map { "; segment last refreshed \($0.readable)" } ?? "")
                return [Inline.link("/segments/" + m.segment.addingPercentEncodingForPathSegment(), m.segment, class: "pill"),
                        .styled(" since \(m.since.readableDate)", class: "note", hover: hover), .text(" ")]
            })]
        // What the person's data says now, when it differs from the last refreshes.
        let definitions = Dictionary(all.map { ($0.name, $0.definition) }, uniquingKeysWith: { a, _ in a })
        if let facts = try await store.profileFacts(profileID), case let live = LiveMembership.of(p, facts: facts, definitions: definitions, now: .now),
           !live.entering.isEmpty || !live.leaving.isEmpty {
            func links(_ names: [String]) -> [Inline] {
                names.enumerated().flatMap { i, n in (i > 0 ? [Inline.text(", ")] : []) + [Inline.link("/explain?segment=\(n.addingPercentEncodingForQuery())&profile=\(profileID.addingPercentEncodingForQuery())", n)] }
            }
            var now: [Inline] = [.strong("Now: ")]
            if !live.entering.isEmpty { now += [.text("their data puts them in ")] + links(live.entering) + [.text(" (they enter at the next refresh)")] }
            if !live.leaving.isEmpty { now += [.text(live.entering.isEmpty ? "they no longer match " : "; they no longer match ")] + links(live.leaving) + [.text(" (they leave at the next refresh)")] }
            inSegments.append(.paragraph(now + [.text(".")], class: "banner", role: "status"))
        }
        if !all.isEmpty { inSegments.append(Self.explainForm(segments: all.map(\.name), fixedSegment: nil, fixedProfile: profileID)) }
        body.append(.section("Segments", inSegments, note: all.isEmpty ? "" : "Membership as of each segment's last refresh (the scheduled recompute, next: \(schedule.words); or “Refresh now” on the segment's page). "
                                + "Pick any segment to see, condition by condition, why this person is in it or not — then and now."))
        let computed = p.computedTraits.sorted { Self.computedOrder($0.key) < Self.computedOrder($1.key) }
        body.append(.row([
            .section("Traits", [.table(["trait", "value"], rows(p.traits.objectValue ?? [:]))], note: "Nested traits are shown as paths (company.size), as segment conditions name them."),
            .section("Scores and predictions", [computed.isEmpty ? .empty("Not computed yet: the server computes them at each recompute.")
                : .table(["what", "value"], computed.map { name, value in
                    [Cell(.styled(Self.computedLabel(name), hover: "computed trait \(name)")), Cell(Self.computedValue(name, value, money: money))]
                })], note: (rfmRun.map { "As of \($0.asOf.readableDate) (the latest recompute). " } ?? "") + "Hover a label for the computed trait's name, as segment conditions use it."),
        ]))
        if !p.accounts.isEmpty {
            body.append(.section("Accounts", [.table(["account", "traits"], p.accounts.map { a in
                [Cell(a.id), Cell(Self.flatten(a.traits.objectValue ?? [:]).map { "\($0): \($1)" }.joined(separator: " · "))]
            })]))
        }
        body.append(.section("Identities", [.paragraph(p.identities.flatMap {
            [Inline.styled("\($0.kind): \($0.id)", class: "pill"), .text(" ")]
        })]))
        let items = events.compactMap(\.objectValue).map { e -> ListItem in
            let name = e["name"]?.stringValue ?? ""
            let props = e["properties"]?.objectValue ?? [:]
            let pairs = Self.flatten(props).map { "\($0): \($1)" }.joined(separator: " · ")
            let type = e["type"]?.stringValue ?? ""
            let what = type == "track" ? name : type == "page" || type == "screen" ? "viewed \(type) \(name)" : type
            let at = (e["timestamp"]?.stringValue).flatMap { try? Timestamp.parse($0) }
            return ListItem((at.map { [.when($0)] } ?? []) + [.strong(what)]
                + (pairs.isEmpty ? [] : [.text(" "), .styled(pairs.count > 160 ? String(pairs.prefix(159)) + "…" : pairs, class: "note")]))
        }
        body.append(.section("Recent activity (50 latest)", [items.isEmpty ? .empty("No events.") : .list(class: "timeline", items)]))
        // Titled as a person: their name, else their email, else the id (kept beside it).
        let traits = p.traits.objectValue ?? [:]
        let title = traits["name"]?.stringValue ?? traits["email"]?.stringValue ?? "Profile \(profileID)"
        let subtitle = Block.note([.text("profile \(profileID)\((traits["name"] != nil ? traits["email"]?.stringValue : nil).map { " · " + $0 } ?? "")")])
        return document(title, viewer: viewer, active: "/profiles", [subtitle] + body)
    }

    /// Traits as (path, readable value) rows: nested objects become dotted paths, lists are joined.
    static func flatten(_ o: [String: JSONValue], prefix: String = "") -> [(String, String)] {
        o.sorted { $0.key < $1.key }.flatMap { k, v -> [(String, String)] in
            let path = prefix.isEmpty ? k : prefix + "." + k
            switch v {
            case .object(let inner) where !inner.isEmpty: return flatten(inner, prefix: path)
            case .array(let items): return [(path, items.map(readable).joined(separator: ", "))]
            default: return [(path, readable(v))]
            }
        }
    }

    static func readable(_ v: JSONValue) -> String {
        switch v {
        case .string(let s):
            // An ISO timestamp reads as date and time (UTC).
            if s.count >= 16, let t = try? Timestamp.parse(s), s.contains("T") { return t.readable }
            return s
        case .number(let d) where d.rounded() != d: return H.fixed(d, abs(d) < 10 ? 3 : 2)
        case .bool(let b): return b ? "yes" : "no"
        case .null: return "–"
        default: return v.jsonText
        }
    }

    /// Computed traits in words (``ConditionSentence/computedLabels``, capitalised), in that order;
    /// the trait's own name stays one hover away.
    static func computedLabel(_ name: String) -> String { ConditionSentence.capitalised(ConditionSentence.label(computed: name)) }
    static func computedOrder(_ name: String) -> Int {
        ConditionSentence.computedLabels.firstIndex { $0.name == name } ?? ConditionSentence.computedLabels.count
    }
    static func computedValue(_ name: String, _ v: JSONValue, money: CurrencyMix) -> String {
        guard let d = v.numberValue else { return readable(v) }
        switch name {
        case "p_alive", "churn_risk": return H.percent(d)
        case "clv", "rfm_monetary": return money.amount(d)
        case "expected_purchases": return H.fixed(d, 1)
        default: return readable(v)
        }
    }
}
