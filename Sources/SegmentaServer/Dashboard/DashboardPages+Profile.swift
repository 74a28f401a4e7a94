import SegmentaCore
import SegmentaStore

extension DashboardPages {
    /// Profiles matching a query (ids, and the searchable traits), 20 at most.
    func search(_ q: String) async throws -> [ProfileMatch] {
        let store = self.store, traits = searchTraits
        return try await mapped { try await store.searchProfiles(q, traits: traits, limit: 20) }
    }

    /// The search form; with a query, what it found (one match never gets here: it opens the profile).
    func profileSearch(_ viewer: Viewer, query: String = "", matches: [ProfileMatch] = []) -> String {
        let fields = (searchTraits + ["any id"]).joined(separator: ", ")
        var body = H.section("Find a customer",
            "<form class=\"inline\" method=\"get\" action=\"/profiles\"><label for=\"q\">\(H.e(fields.prefix(1).uppercased() + fields.dropFirst()))</label>"
            + "<input id=\"q\" name=\"q\" value=\"\(H.e(query))\" required placeholder=\"e.g. ada@example.com\"><button>Search</button></form>",
            note: "Exact or the start of it; upper and lower case are the same.")
        if !query.isEmpty {
            body += H.section(matches.isEmpty ? "Nobody matches “\(query)”" : "\(matches.count) people match “\(query)”",
                matches.isEmpty ? H.empty("No profile has an id, \(searchTraits.joined(separator: " or ")) equal to or starting with it.")
                    : H.table(["profile"] + searchTraits + ["found by"], matches.map { m in
                        ["<a href=\"/profiles/\(H.e(m.id.addingPercentEncodingForPathSegment()))\">\(H.e(m.id))</a>"]
                            + searchTraits.map { H.e(m.traits[$0] ?? "") } + [H.e(m.matched == "identity" ? "user or anonymous id" : m.matched)]
                    }))
        }
        return H.page("Profiles", viewer: viewer, active: "/profiles", body)
    }

    /// What a support agent opens before answering a ticket.
    func profile(_ id: String, viewer: Viewer) async throws -> String {
        let store = self.store
        let (detail, events, clvRun) = try await mapped { () async throws -> (JSONValue?, [JSONValue], AnalysisRun?) in
            (try await store.profileDetail(id), try await store.profileEvents(id, limit: 50, cursor: nil)?.events ?? [],
             try await store.latestAnalysisRun(kind: "clv")?.run)
        }
        // Amounts carry the store's currency when orders name one only (kept with the CLV run).
        let money = Self.currencyMix(clvRun?.summary.objectValue ?? [:])
        guard let p = detail?.objectValue else {
            throw APIError.notFound("Nobody is known by “\(id)”. Try another user id, anonymous id or profile id, or search by email or name on the Profiles page.")
        }
        let rows = { (o: [String: JSONValue]) -> [[String]] in Self.flatten(o).map { k, v in [H.e(k), H.e(v)] } }
        func day(_ key: String) -> String { (p[key]?.stringValue).flatMap { try? Timestamp.parse($0) }?.readableDate ?? "–" }
        var body = H.stats([("first seen", day("first_seen")),
                            ("last seen", day("last_seen")),
                            ("events", H.thousands(Int(saturating: p["event_counts"]?.objectValue?["total"]?.numberValue ?? 0))),
                            ("orders", H.thousands(Int(saturating: p["orders"]?.objectValue?["count"]?.numberValue ?? 0))),
                            ("revenue", money.amount(p["orders"]?.objectValue?["revenue"]?.numberValue ?? 0))])
        let segments = p["segments"]?.arrayValues.compactMap(\.stringValue) ?? []
        let all = try await mapped { try await store.segments().map(\.name) }
        let profileID = p["id"]?.stringValue ?? id
        body += H.section("Segments", (segments.isEmpty ? H.empty("In no segment.") : segments.map { "<a class=\"pill\" href=\"/segments/\(H.e($0))\">\(H.e($0))</a>" }.joined(separator: " "))
                          + (all.isEmpty ? "" : Self.explainForm(segments: all, fixedSegment: nil, fixedProfile: profileID)),
                          note: all.isEmpty ? nil : "Pick any segment to see, condition by condition, why this person is in it or not.")
        body += "<div class=\"row\">"
        body += H.section("Traits", H.table(["trait", "value"], rows(p["traits"]?.objectValue ?? [:])), note: "Nested traits are shown as paths (company.size), as segment conditions name them.")
        let computed = (p["computed_traits"]?.objectValue ?? [:]).sorted { Self.computedOrder($0.key) < Self.computedOrder($1.key) }
        body += H.section("Scores and predictions", computed.isEmpty ? H.empty("Not computed yet: the server computes them at each recompute.")
            : H.table(["what", "value"], computed.map { name, value in
                ["<span title=\"computed trait \(H.e(name))\">\(H.e(Self.computedLabel(name)))</span>", H.e(Self.computedValue(name, value, money: money))]
            }), note: "Hover a label for the computed trait's name, as segment conditions use it.")
        body += "</div>"
        let accounts = p["accounts"]?.arrayValues.compactMap(\.objectValue) ?? []
        if !accounts.isEmpty {
            body += H.section("Accounts", H.table(["account", "traits"], accounts.map { a in
                [H.e(a["id"]?.stringValue ?? ""), H.e(Self.flatten(a["traits"]?.objectValue ?? [:]).map { "\($0): \($1)" }.joined(separator: " · "))]
            }))
        }
        body += H.section("Identities", (p["identities"]?.arrayValues.compactMap(\.objectValue) ?? []).map {
            "<span class=\"pill\">\(H.e($0["kind"]?.stringValue ?? "")): \(H.e($0["id"]?.stringValue ?? ""))</span>"
        }.joined(separator: " "))
        let items = events.compactMap(\.objectValue).map { e -> String in
            let name = e["name"]?.stringValue ?? ""
            let props = e["properties"]?.objectValue ?? [:]
            let pairs = Self.flatten(props).map { "\($0): \($1)" }.joined(separator: " · ")
            let detail = pairs.isEmpty ? "" : " <span class=\"note\">\(H.e(pairs.count > 160 ? String(pairs.prefix(159)) + "…" : pairs))</span>"
            let type = e["type"]?.stringValue ?? ""
            let what = type == "track" ? name : type == "page" || type == "screen" ? "viewed \(type) \(name)" : type
            let at = (e["timestamp"]?.stringValue).flatMap { try? Timestamp.parse($0) }
            return "<li>" + (at.map { H.when($0) } ?? "<time></time>")
                + "<b>\(H.e(what))</b>\(detail)</li>"
        }
        body += H.section("Recent activity (50 latest)", items.isEmpty ? H.empty("No events.") : "<ul class=\"timeline\">\(items.joined())</ul>")
        // Titled as a person: their name, else their email, else the id (kept beside it).
        let traits = p["traits"]?.objectValue ?? [:]
        let title = traits["name"]?.stringValue ?? traits["email"]?.stringValue ?? "Profile \(profileID)"
        let subtitle = "<p class=\"note\">profile \(H.e(profileID))\((traits["name"] != nil ? traits["email"]?.stringValue : nil).map { " · " + H.e($0) } ?? "")</p>"
        return H.page(title, viewer: viewer, active: "/profiles", subtitle + body)
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
