import SegmentaCore
import SegmentaJobs
import SegmentaStore

extension DashboardPages {
    /// `/explain?segment=NAME&profile=ID`: why someone is in a segment or not, condition by
    /// condition, with their value beside each (the same explanation as the CLI and the API).
    func explain(segment: String, profile: String, viewer: Viewer) async throws -> String {
        let store = self.store
        let e = try await mapped { try await MembershipExplanation.run(store, segment: segment, profile: profile, asOf: .now) }
        let who = "<a href=\"/profiles/\(H.e(e.profile.addingPercentEncodingForPathSegment()))\">\(H.e(e.profile))</a>"
        let where_ = "<a href=\"/segments/\(H.e(e.segment.addingPercentEncodingForPathSegment()))\">\(H.e(e.segment))</a>"
        var body = "<p class=\"banner\(e.member ? "" : " neutral")\">\(who) <b>\(e.member ? "is" : "is not")</b> in \(where_) now, by its definition applied to their data."
            + (e.isStatic ? " It is a static segment: membership is its list." : "") + "</p>"
        if !e.isStatic {
            body += H.section("Condition by condition", "<ul class=\"explain\">" + Self.explainNode(e.tree) + "</ul>",
                              note: "✓ held, ✗ did not; “here” is this person's value (an event count, a sum, a trait). The segment's last refresh may be older than this.")
            if !e.blocking.isEmpty {
                let title = e.member ? "What would make them leave" : "What would bring them in"
                let one = e.blocking.count == 1
                let lead = e.member ? (one ? "This would have to stop holding:" : "All of these would have to stop holding:")
                                    : (one ? "This would have to hold:" : "All of these would have to hold:")
                body += H.section(title, "<p>\(lead)</p><ul>" + e.blocking.map { b in
                    "<li>\(H.e(b.text)) <span class=\"note\">(here: \(H.e(Self.explainValue(b.value))))</span></li>"
                }.joined() + "</ul>")
            }
        }
        return H.page("Why \(e.profile) \(e.member ? "is" : "is not") in \(e.segment)", viewer: viewer, active: "/profiles", body)
    }

    static func explainNode(_ e: ConditionExplainer.Explanation) -> String {
        let mark = e.held ? "<span class=\"ok\" title=\"held\">✓</span>" : "<span class=\"error\" title=\"did not hold\">✗</span>"
        let label: String
        switch e.kind {
        case "all": label = "all of these"
        case "any": label = "any of these"
        case "not": label = "not this"
        case "segment": label = H.e(e.text) + (e.children.isEmpty ? "" : ", which means")
        case "account": label = H.e(e.text) + " <span class=\"note\">(\(H.e(explainValue(e.value))) account(s); one shown)</span>"
        default: label = H.e(e.text) + " <span class=\"note\">here: \(H.e(explainValue(e.value)))</span>"
        }
        let children = e.children.isEmpty ? "" : "<ul>" + e.children.map(explainNode).joined() + "</ul>"
        return "<li>\(mark) \(label)\(children)</li>"
    }

    static func explainValue(_ v: JSONValue?) -> String {
        guard let v else { return "none" }
        switch v {
        case .array(let items): return items.map(readable).joined(separator: ", ")
        default: return readable(v)
        }
    }

    /// A small form that opens the explanation of `segment` for a profile (segment page), or of a
    /// chosen segment for `profile` (profile page).
    static func explainForm(segments: [String], fixedSegment: String?, fixedProfile: String?) -> String {
        var form = "<form class=\"inline\" method=\"get\" action=\"/explain\">"
        if let fixedSegment {
            form += "<input type=\"hidden\" name=\"segment\" value=\"\(H.e(fixedSegment))\">"
        } else {
            form += "<label for=\"explain-segment\">Segment</label><select id=\"explain-segment\" name=\"segment\">"
                + segments.map { "<option>\(H.e($0))</option>" }.joined() + "</select>"
        }
        if let fixedProfile {
            form += "<input type=\"hidden\" name=\"profile\" value=\"\(H.e(fixedProfile))\">"
        } else {
            form += "<label for=\"explain-profile\">Profile</label><input id=\"explain-profile\" name=\"profile\" required placeholder=\"id, user id or anonymous id\">"
        }
        return form + "<button>Why in or not?</button></form>"
    }
}
