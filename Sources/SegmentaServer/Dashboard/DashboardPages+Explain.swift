import SegmentaCore
import SegmentaJobs
import SegmentaPages
import SegmentaStore

extension DashboardPages {
    /// `/explain?segment=NAME&profile=ID`: why someone is in a segment or not, condition by
    /// condition, with their value beside each (the same explanation as the CLI and the API).
    func explain(segment: String, profile: String, viewer: Viewer) async throws -> String {
        let store = self.store
        let e = try await MembershipExplanation.asSeen(store, segment: segment, profile: profile, now: .now)
        let inList = e.listed ?? e.member
        let when = e.refreshedAsOf.map { " as of its last refresh (\($0.readable))" } ?? " now, by its definition applied to their data"
        var live = ""
        if let now = e.live, now != inList { live = " As of now the condition \(now ? "holds" : "no longer holds"): the next refresh will \(now ? "add them" : "remove them")." }
        var body: [Block] = [.paragraph([Self.profileLink(e.profile), .text(" "), .strong(inList ? "is" : "is not"), .text(" in "), Self.segmentLink(e.segment),
                                         .text(when + "." + live + (e.isStatic ? " It is a static segment: membership is its list." : ""))],
                                        class: inList ? "banner" : "banner neutral")]
        if !e.isStatic {
            body.append(.section("Condition by condition", [.list(ListBlock(class: "explain", [Self.explainNode(e.tree)]))],
                                 note: "✓ held, ✗ did not, as of \(e.asOf.readable); “here” is this person's value (an event count, a sum, a trait)."))
            if !e.blocking.isEmpty {
                let title = e.member ? "What would make them leave" : "What would bring them in"
                let one = e.blocking.count == 1
                let lead = e.member ? (one ? "This would have to stop holding:" : e.eachAlone ? "Any one of these stopping would do:" : "All of these would have to stop holding:")
                                    : (one ? "This would have to hold:" : "All of these would have to hold:")
                body.append(.section(title, [.paragraph([.text(lead)]), .list(e.blocking.map { b in
                    ListItem([.text(b.text + " "), .styled("(here: \(Self.explainValue(b.value)))", class: "note")])
                })]))
            }
        }
        return document("Why \(e.profile) \(e.member ? "is" : "is not") in \(e.segment)", viewer: viewer, active: "/profiles", body)
    }

    /// One condition of the explanation, with the ones it is made of beneath it.
    static func explainNode(_ e: ConditionExplainer.Explanation) -> ListItem {
        let mark: Inline = e.held ? .styled("✓", class: "ok", hover: "held") : .styled("✗", class: "error", hover: "did not hold")
        let label: [Inline]
        switch e.kind {
        case "all": label = [.text("all of these")]
        case "any": label = [.text("any of these")]
        case "not": label = [.text("not this")]
        case "segment": label = [.text(e.text + (e.children.isEmpty ? "" : ", which means"))]
        case "account": label = [.text(e.text + " "), .styled("(\(explainValue(e.value)) account(s); one shown)", class: "note")]
        default: label = [.text(e.text + " "), .styled("here: \(explainValue(e.value))", class: "note")]
        }
        return ListItem([mark, .text(" ")] + label, sublist: e.children.isEmpty ? nil : ListBlock(e.children.map(explainNode)))
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
    static func explainForm(segments: [String], fixedSegment: String?, fixedProfile: String?) -> Block {
        var controls: [Control] = []
        if let fixedSegment {
            controls.append(.hidden(HiddenField("segment", fixedSegment)))
        } else {
            controls += [.label(FieldLabel(for: "explain-segment", "Segment")), .select(SelectField(id: "explain-segment", name: "segment", segments.map { SelectOption($0) }))]
        }
        if let fixedProfile {
            controls.append(.hidden(HiddenField("profile", fixedProfile)))
        } else {
            controls += [.label(FieldLabel(for: "explain-profile", "Profile")),
                         .input(InputField(id: "explain-profile", name: "profile", placeholder: "id, user id or anonymous id", required: true))]
        }
        return .form(Form("get", "/explain", controls + [.button(Button("Why in or not?"))]))
    }
}
