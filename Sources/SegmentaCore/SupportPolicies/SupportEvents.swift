/// The support events Segmenta reads, and how they become tickets and survey answers: what a
/// helpdesk's webhooks, a ticket import or an SDK sends.
///
/// - `Ticket Created` (or `Support Ticket Created`): `ticket_id`, `channel`, `theme`, `tags` (a list
///   or a comma-separated text), `subject`; optionally `first_response_minutes` and
///   `resolution_minutes` when they are known at once (imports).
/// - `Ticket Solved`: `ticket_id`, `first_response_minutes`, `resolution_minutes` — joined to the
///   ticket with the same id.
/// - `Survey Answered`: `csat` (1–5) and/or `ces` (1–7).
public enum SupportEvents {
    /// A new ticket.
    public static let created = "Ticket Created"
    /// Another name of a new ticket (the demo's, and some helpdesk integrations').
    public static let createdAlias = "Support Ticket Created"
    /// A solved ticket, with its times.
    public static let solved = "Ticket Solved"
    /// A satisfaction or effort survey answer.
    public static let survey = "Survey Answered"
    /// Every name read.
    public static let names = [created, createdAlias, solved, survey]

    /// The tickets and survey answers of `events` (in any order). A solved event fills in the
    /// times its ticket lacks; one without a known ticket is left out.
    public static func read(_ events: [ProfileEvent]) -> (tickets: [SupportAnalytics.Ticket], surveys: [SupportAnalytics.Survey]) {
        var tickets: [SupportAnalytics.Ticket] = [], byID: [String: Int] = [:], surveys: [SupportAnalytics.Survey] = []
        func minutes(_ v: JSONValue?) -> Double? { v?.numberValue.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil } }
        for e in events where e.name == created || e.name == createdAlias {
            let p = e.properties
            var themes: [String] = []
            func add(_ s: String) {
                let t = s.trimmedSpaces.lowercased()
                if !t.isEmpty, !themes.contains(t) { themes.append(t) }
            }
            if let theme = p["theme"]?.stringValue { add(theme) }
            switch p["tags"] {
            case .array(let list)?: for tag in list { if let s = tag.stringValue { add(s) } }
            case .string(let s)?: for tag in s.split(separator: ",") { add(String(tag)) }
            default: break
            }
            let id = p["ticket_id"]?.idString
            let channel = p["channel"]?.stringValue.map { $0.trimmedSpaces.lowercased() }.flatMap { $0.isEmpty ? nil : $0 }
            if let id, byID[id] != nil { continue }   // the same ticket sent twice: the first
            if let id { byID[id] = tickets.count }
            tickets.append(SupportAnalytics.Ticket(id: id, profile: e.profile, createdAt: e.timestamp, channel: channel, themes: themes,
                                                   firstResponseMinutes: minutes(p["first_response_minutes"]), resolutionMinutes: minutes(p["resolution_minutes"])))
        }
        for e in events where e.name == solved {
            guard let id = e.properties["ticket_id"]?.idString, let i = byID[id] else { continue }
            if tickets[i].firstResponseMinutes == nil { tickets[i].firstResponseMinutes = minutes(e.properties["first_response_minutes"]) }
            if tickets[i].resolutionMinutes == nil { tickets[i].resolutionMinutes = minutes(e.properties["resolution_minutes"]) }
        }
        for e in events where e.name == survey {
            let csat = e.properties["csat"]?.numberValue.flatMap { $0 >= 1 && $0 <= 5 ? $0 : nil }
            let ces = e.properties["ces"]?.numberValue.flatMap { $0 >= 1 && $0 <= 7 ? $0 : nil }
            if csat != nil || ces != nil { surveys.append(SupportAnalytics.Survey(profile: e.profile, csat: csat, ces: ces)) }
        }
        return (tickets, surveys)
    }
}
