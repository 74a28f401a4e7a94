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
        let (detail, events) = try await mapped { () async throws -> (JSONValue?, [JSONValue]) in
            (try await store.profileDetail(id), try await store.profileEvents(id, limit: 50, cursor: nil)?.events ?? [])
        }
        guard let p = detail?.objectValue else {
            throw APIError.notFound("Nobody is known by “\(id)”. Try another user id, anonymous id or profile id, or search by email or name on the Profiles page.")
        }
        func text(_ v: JSONValue) -> String {
            switch v {
            case .string(let s): return s
            case .number(let d) where d.rounded() != d: return H.fixed(d, abs(d) < 10 ? 3 : 2)
            default: return v.jsonText
            }
        }
        func rows(_ o: [String: JSONValue]) -> [[String]] {
            o.sorted(by: { $0.key < $1.key }).map { k, v in [H.e(k), H.e(text(v))] }
        }
        var body = H.stats([("first seen", (p["first_seen"]?.stringValue).map { String($0.prefix(10)) } ?? "–"),
                            ("last seen", (p["last_seen"]?.stringValue).map { String($0.prefix(10)) } ?? "–"),
                            ("events", H.thousands(Int(saturating: p["event_counts"]?.objectValue?["total"]?.numberValue ?? 0))),
                            ("orders", H.thousands(Int(saturating: p["orders"]?.objectValue?["count"]?.numberValue ?? 0))),
                            ("revenue", H.fixed(p["orders"]?.objectValue?["revenue"]?.numberValue ?? 0, 2))])
        let segments = p["segments"]?.arrayValues.compactMap(\.stringValue) ?? []
        body += H.section("Segments", segments.isEmpty ? H.empty("In no segment.") : segments.map { "<a class=\"pill\" href=\"/segments/\(H.e($0))\">\(H.e($0))</a>" }.joined(separator: " "))
        body += "<div class=\"row\">"
        body += H.section("Traits", H.table(["trait", "value"], rows(p["traits"]?.objectValue ?? [:])))
        body += H.section("Computed traits", H.table(["trait", "value"], rows(p["computed_traits"]?.objectValue ?? [:])))
        body += "</div>"
        let accounts = p["accounts"]?.arrayValues.compactMap(\.objectValue) ?? []
        if !accounts.isEmpty {
            body += H.section("Accounts", H.table(["account", "traits"], accounts.map { [H.e($0["id"]?.stringValue ?? ""), H.e(($0["traits"] ?? .null).jsonText)] }))
        }
        body += H.section("Identities", (p["identities"]?.arrayValues.compactMap(\.objectValue) ?? []).map {
            "<span class=\"pill\">\(H.e($0["kind"]?.stringValue ?? "")): \(H.e($0["id"]?.stringValue ?? ""))</span>"
        }.joined(separator: " "))
        let items = events.compactMap(\.objectValue).map { e -> String in
            let name = e["name"]?.stringValue ?? ""
            let props = e["properties"]?.objectValue ?? [:]
            let detail = props.isEmpty ? "" : " <span class=\"note\">\(H.e(JSONValue.object(props).jsonText.prefix(140).description))</span>"
            return "<li><time>\(H.e(e["timestamp"]?.stringValue.map { String($0.prefix(16)).replacingAll("T", with: " ") } ?? ""))</time>"
                + "<b>\(H.e(e["type"]?.stringValue ?? ""))</b> \(H.e(name))\(detail)</li>"
        }
        body += H.section("Recent activity (50 latest)", items.isEmpty ? H.empty("No events.") : "<ul class=\"timeline\">\(items.joined())</ul>")
        return H.page("Profile \(p["id"]?.stringValue ?? id)", viewer: viewer, active: "/profiles", body)
    }
}
