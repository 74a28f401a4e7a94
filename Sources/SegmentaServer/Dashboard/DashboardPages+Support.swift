import SegmentaCore
import SegmentaJobs
import SegmentaPages
import SegmentaStore

extension DashboardPages {
    /// `/support`: the support policy in force — each rule with the people it reaches — its
    /// versions, and (for admins) the form that saves a new version. `draft` and `problem` show a
    /// refused form again with what was typed and why.
    func support(_ viewer: Viewer, draft: [String: String]? = nil, problem: String? = nil, saved: Int? = nil) async throws -> String {
        let store = self.store
        let versions = try await SupportPolicyRun.versions(store)
        let segments = try await store.segments().map(\.name).sorted()
        var body: [Block] = []
        if let saved { body.append(.paragraph([.text("Version \(saved) saved and resolved: every person's support traits are current.")], class: "banner", role: "status")) }
        if let problem { body.append(.paragraph([.strong("Not saved: "), .text(problem)], class: "banner error", role: "alert")) }
        if let current = versions.last {
            let resolution = try await store.latestAnalysisRun(kind: AnalysisKind.support.rawValue)
            let counts = resolution?.run.summary["rules"]?.arrayValues ?? []
            func hours(_ h: Double?) -> String { h.map { JSONValue.format($0) + " h" } ?? "–" }
            func sla(_ r: SupportPolicy.Rule) -> String { hours(r.firstResponseHours) + " · " + hours(r.resolutionHours) }
            func channels(_ r: SupportPolicy.Rule) -> String { r.channels.map { $0 == .selfService ? "self-service" : $0.rawValue }.joined(separator: ", ") }
            var rows: [[Cell]] = current.policy.rules.enumerated().map { i, r in
                let c: JSONValue? = i < counts.count ? counts[i] : nil
                return [Cell(String(i + 1)), Cell(Self.segmentLink(r.segment)), Cell([.styled(r.tier, class: "keep")]), Cell(r.priority.rawValue), Cell([.styled(sla(r), class: "keep")]),
                        Cell(r.team ?? "–"), Cell(channels(r)),
                        Cell(c?["people"]?.numberValue.map { H.thousands(Int(saturating: $0)) } ?? "–"),
                        Cell(c?["through_accounts"]?.numberValue.map { H.thousands(Int(saturating: $0)) } ?? "–")]
            }
            let unmatched = resolution?.run.summary["unmatched"]?.numberValue.map { H.thousands(Int(saturating: $0)) } ?? "–"
            if let d = current.policy.fallback {
                rows.append([Cell("–"), Cell("everyone else (the default)"), Cell([.styled(d.tier, class: "keep")]), Cell(d.priority.rawValue), Cell([.styled(sla(d), class: "keep")]),
                             Cell(d.team ?? "–"), Cell(channels(d)), Cell(unmatched), Cell("")])
            }
            var blocks: [Block] = [.table(["rule", "segment", "tier", "priority", "first response · resolution", "team", "channels", "people", "through accounts"], rows, numeric: [7, 8])]
            var words = "The first rule whose segment a person is in serves them"
                + (current.policy.inheritFromAccounts ? "; people in accounts get the best rule of anyone in their accounts when it comes first (“through accounts”)." : ".")
            words += current.policy.fallback == nil ? " People no rule reaches (\(unmatched)) have no support tier." : ""
            if let resolution { words += " Resolved as of \(resolution.run.asOf.readable), after each scheduled refresh and at each save." }
            let missing = resolution?.run.summary["missing_segments"]?.arrayValues.compactMap(\.stringValue) ?? []
            if !missing.isEmpty { blocks.append(.paragraph([.text("Segments deleted since the policy was saved (their rules reach nobody): " + missing.joined(separator: ", "))], class: "banner error")) }
            blocks.append(.note(words + " Each person's tier, priority, SLA hours, team and channels are the computed traits support_tier, support_priority, support_first_response_hours, "
                                + "support_resolution_hours, support_team and support_channels: segments, exports and the support lookup use them."))
            body.append(.section("Support policy, version \(current.number)" + (current.note.isEmpty ? "" : " — " + current.note), blocks))
        } else {
            body.append(.section("No support policy yet", [.empty("A support policy says, segment by segment, which tier, priority, response and resolution targets, team and channels a person gets. "
                + "Save the first one below (an admin key), with PUT /api/v1/support/policy, or with “segmenta support policy set FILE”.")]))
        }
        if !segments.isEmpty {
            let first = versions.last?.policy.segments.first ?? segments[0]
            body.append(.section("Support figures of a segment", [.form(Form("get", "/support/analytics", [
                .select(SelectField("segment", name: "segment", segments.map { SelectOption($0, selected: $0 == first) })),
                .select(SelectField("last", name: "days", [30, 90, 180, 365].map { SelectOption(String($0), shown: "\($0) days", selected: $0 == 90) })),
                .button(Button("Show")),
            ]))], note: "Tickets per member per month against everyone else, channels, CSAT and CES, response and resolution times against the SLA, "
                + "cost to serve against revenue, and the themes over-represented in the segment — from Ticket Created, Ticket Solved and Survey Answered events."))
        }
        if viewer.isAdmin {
            body.append(.section("Edit", [.form(Self.policyForm(viewer, policy: versions.last?.policy, segments: segments, draft: draft))],
                                 note: "Rules in order of precedence: put the highest tier first. Hours may have decimals (0.5). Channels: phone, chat, email, self_service, separated by commas. "
                                     + "Choose “no rule” to remove one; change the positions to reorder. Saving keeps the previous versions."))
        }
        if versions.count > 1 || (versions.count == 1 && !viewer.isAdmin) {
            body.append(.section("Versions", [.table(["version", "saved", "rules", "note"], versions.reversed().prefix(20).map { v in
                [Cell(String(v.number)), Cell(v.savedAt.readable), Cell(String(v.policy.rules.count)), Cell(v.note)]
            }, numeric: [0, 2])]))
        }
        return document("Support", viewer: viewer, active: "/support", body)
    }

    /// `/support/analytics?segment=&days=`: one segment's support figures against everyone else.
    func supportAnalytics(_ viewer: Viewer, segment: String, days: Int) async throws -> String {
        var options = SupportAnalytics.Options()
        options.days = days
        let asOf = Timestamp.now
        let a = try await SupportAnalyticsRun.run(store, segment: segment, asOf: asOf, options: options)
        var body: [Block] = [.stats([("members", H.thousands(a.segment.people)), ("tickets", H.thousands(a.segment.tickets)),
                                     ("per member per month", H.fixed(a.segment.perPersonPerMonth, 2)),
                                     ("everyone else, per person per month", H.fixed(a.rest.perPersonPerMonth, 2)),
                                     ("CSAT (of 5)", a.csat.map { H.fixed($0.mean, 2) } ?? "–")])]
        body.append(.section("In words", [.list(SupportAnalyticsRun.lines(a).map { ListItem([.text($0)]) })],
                             note: "The last \(days) days up to \(asOf.readable), as of the segment's last refresh. Costs at \(NumberText.amount(options.defaultCost)) per contact "
                                 + "(GET /api/v1/support/analytics and segmenta support analytics take a cost per channel)."))
        if !a.themes.isEmpty {
            body.append(.section("Themes", [.table(["theme", "tickets", "share", "everyone else", "adjusted p", "over-represented"], a.themes.prefix(20).map { t in
                [Cell(t.name), Cell(H.thousands(t.inSegment)), Cell(H.percent(t.segmentShare)), Cell(H.percent(t.restShare)),
                 Cell(t.adjustedPValue.map { SegmentComparison.formatP($0) } ?? "too few to test"), Cell(t.overRepresented ? "yes: a self-service candidate" : "")]
            }, numeric: [1, 2, 3])], note: "Each theme's share of the segment's tickets against its share of everyone else's: Fisher's exact test per theme, Holm-adjusted across the themes with at least 5 tickets."))
        }
        return document(segment + " · support", viewer: viewer, active: "/support", body)
    }

    /// The form that saves a new version: one line per rule (the policy's, then two empty ones),
    /// the default service, account inheritance and a note.
    static func policyForm(_ viewer: Viewer, policy: SupportPolicy?, segments: [String], draft: [String: String]?) -> Form {
        let rules = policy?.rules ?? []
        let count = draft.map { d in (Self.ruleIndices(d).max() ?? -1) + 1 } ?? rules.count + 2
        var controls: [Control] = [Self.csrf(viewer)]
        func value(_ key: String, _ fallback: String) -> String { draft?[key] ?? fallback }
        func hours(_ h: Double?) -> String { h.map { JSONValue.format($0) } ?? "" }
        func line(_ prefix: String, _ rule: SupportPolicy.Rule?) -> [Control] {
            let priority = value(prefix + "priority", rule?.priority.rawValue ?? "normal")
            func field(_ name: String, _ caption: String, _ current: String, size: Int, placeholder: String = "") -> [Control] {
                [.label(FieldLabel(for: prefix + name, caption)),
                 .input(InputField(id: prefix + name, name: prefix + name, value: value(prefix + name, current), placeholder: placeholder, size: size))]
            }
            return field("tier", "tier", rule?.tier ?? "", size: 12)
                + [.select(SelectField("priority", name: prefix + "priority", SupportPolicy.Priority.allCases.map { SelectOption($0.rawValue, selected: $0.rawValue == priority) }))]
                + field("first", "first response (h)", hours(rule?.firstResponseHours), size: 4)
                + field("resolution", "resolution (h)", hours(rule?.resolutionHours), size: 4)
                + field("team", "team", rule?.team ?? "", size: 12)
                + field("channels", "channels", rule.map { $0.channels.map(\.rawValue).joined(separator: ", ") } ?? "", size: 18, placeholder: "email, chat")
        }
        for i in 0..<min(count, SupportPolicy.maxRules + 2) {
            let rule = i < rules.count ? rules[i] : nil
            let p = "rule\(i)_"
            let chosen = value(p + "segment", rule?.segment ?? "")
            controls.append(.heading(FormHeading("Rule \(i + 1)")))
            controls.append(.label(FieldLabel(for: p + "position", "position")))
            controls.append(.input(InputField(id: p + "position", name: p + "position", value: value(p + "position", String(i + 1)), size: 2)))
            controls.append(.select(SelectField("segment", name: p + "segment", [SelectOption("", shown: "— no rule —", selected: chosen.isEmpty)]
                + segments.map { SelectOption($0, selected: $0 == chosen) })))
            controls += line(p, rule)
        }
        controls.append(.heading(FormHeading("Default: everyone no rule reaches (leave the tier empty for none)")))
        controls += line("default_", policy?.fallback)
        let inherit = value("inherit", (policy?.inheritFromAccounts ?? true) ? "yes" : "no")
        controls.append(.heading(FormHeading("Accounts and note")))
        controls.append(.select(SelectField("people in accounts get the best rule of their accounts' people", name: "inherit",
                                            [SelectOption("yes", selected: inherit == "yes"), SelectOption("no", selected: inherit == "no")])))
        controls.append(.label(FieldLabel(for: "policy-note", "note")))
        controls.append(.input(InputField(id: "policy-note", name: "note", value: draft?["note"] ?? "", placeholder: "what changed", size: 30)))
        controls.append(.button(Button("Save as a new version")))
        return Form("post", "/support/policy", controls)
    }

    /// The rule lines a submitted form holds (`ruleN_segment` fields).
    static func ruleIndices(_ form: [String: String]) -> [Int] {
        form.keys.compactMap { key -> Int? in
            guard key.hasPrefix("rule"), key.hasSuffix("_segment") else { return nil }
            return Int(key.dropFirst(4).dropLast(8)).flatMap { $0 >= 0 && $0 <= SupportPolicy.maxRules + 2 ? $0 : nil }
        }.sorted()
    }

    /// The policy document a submitted form describes: its lines with a segment, by position
    /// (then by line), and the default when it has a tier. Values are passed as typed so that
    /// ``SupportPolicy/parse(_:)`` says what is wrong with them.
    static func policyDocument(_ form: [String: String]) -> JSONValue {
        func text(_ key: String) -> String { (form[key] ?? "").trimmedSpaces }
        func number(_ key: String) -> JSONValue {
            let t = text(key)
            if t.isEmpty { return .null }
            return Double(t).map(JSONValue.number) ?? .string(t)
        }
        func fields(_ p: String) -> [String: JSONValue] {
            var o: [String: JSONValue] = ["tier": .string(text(p + "tier")), "priority": .string(text(p + "priority").isEmpty ? "normal" : text(p + "priority")),
                                          "first_response_hours": number(p + "first"), "resolution_hours": number(p + "resolution")]
            if !text(p + "team").isEmpty { o["team"] = .string(text(p + "team")) }
            let channels = text(p + "channels").split(whereSeparator: { $0 == "," || $0 == " " }).map { JSONValue.string(String($0)) }
            if !channels.isEmpty { o["channels"] = .array(channels) }
            return o
        }
        let lines = ruleIndices(form).filter { !text("rule\($0)_segment").isEmpty }
            .map { i in (position: Double(text("rule\(i)_position")) ?? Double(i + 1), line: i) }
            .sorted { ($0.position, $0.line) < ($1.position, $1.line) }
        let rules: [JSONValue] = lines.map { l in
            var o = fields("rule\(l.line)_")
            o["segment"] = .string(text("rule\(l.line)_segment"))
            return .object(o)
        }
        var document: [String: JSONValue] = ["rules": .array(rules), "inherit_from_accounts": .bool(text("inherit") != "no")]
        if !text("default_tier").isEmpty { document["default"] = .object(fields("default_")) }
        return .object(document)
    }
}
