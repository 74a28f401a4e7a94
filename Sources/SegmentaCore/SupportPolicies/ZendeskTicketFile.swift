/// Reads a Zendesk ticket export — the CSV of a view's export, or JSON lines of ticket objects as
/// Zendesk's Tickets API returns them — into the support events Segmenta reads
/// (``SupportEvents``): a `Ticket Created` per ticket, a `Ticket Solved` when it has a solved time,
/// and a `Survey Answered` when it was rated.
///
/// CSV columns (names as Zendesk's export writes them; case and `_` for spaces aside): `Id`,
/// `Requester external id` and/or `Requester email`, `Created at`, and optionally `Subject`, `Via`,
/// `Tags` (space- or comma-separated), `Status`, `Priority`, `Group`, `Solved at`,
/// `First reply time in minutes`, `Full resolution time in minutes`, `Satisfaction Score`.
/// JSON: one ticket object per line (or an array, or `{"tickets": […]}`) with `id`, `created_at`,
/// `requester: {email, external_id}` (or `requester_email`, `requester_external_id`), `subject`,
/// `via.channel`, `tags`, `status`, `priority`, `satisfaction_rating.score`, and `metric_set` with
/// `solved_at`, `reply_time_in_minutes.calendar` and `full_resolution_time_in_minutes.calendar`.
public enum ZendeskTicketFile {
    /// One ticket read.
    public struct Ticket: Sendable, Equatable {
        /// Its line in the file.
        public var line: Int
        /// Zendesk's ticket id.
        public var id: String
        /// The requester's external id (your user id), when Zendesk has it.
        public var requesterExternalID: String?
        /// The requester's email (lower case).
        public var requesterEmail: String?
        /// When it was created, and solved.
        public var createdAt: Timestamp, solvedAt: Timestamp?
        /// Its subject, status, priority and group.
        public var subject: String?, status: String?, priority: String?, group: String?
        /// The channel, in Segmenta's words (`email`, `web`, `chat`, `phone`, `api`, …).
        public var channel: String?
        /// Its tags.
        public var tags: [String]
        /// Calendar minutes to the first reply and to the full resolution.
        public var firstReplyMinutes: Double?, fullResolutionMinutes: Double?
        /// `good` or `bad` when the requester rated it.
        public var satisfaction: String?

        /// A ticket.
        public init(line: Int, id: String, requesterExternalID: String?, requesterEmail: String?, createdAt: Timestamp, solvedAt: Timestamp?,
                    subject: String?, status: String?, priority: String?, group: String?, channel: String?, tags: [String],
                    firstReplyMinutes: Double?, fullResolutionMinutes: Double?, satisfaction: String?) {
            self.line = line
            self.id = id
            self.requesterExternalID = requesterExternalID
            self.requesterEmail = requesterEmail
            self.createdAt = createdAt
            self.solvedAt = solvedAt
            self.subject = subject
            self.status = status
            self.priority = priority
            self.group = group
            self.channel = channel
            self.tags = tags
            self.firstReplyMinutes = firstReplyMinutes
            self.fullResolutionMinutes = fullResolutionMinutes
            self.satisfaction = satisfaction
        }

        /// The ticket's support events, for the person known by `userID`: ids derived from the
        /// ticket's, so that importing the same export again adds nothing.
        public func messages(userID: String) -> [Message] {
            var created: [String: JSONValue] = ["ticket_id": .string(id), "source": "zendesk"]
            if let subject { created["subject"] = .string(subject) }
            if let channel { created["channel"] = .string(channel) }
            if !tags.isEmpty { created["tags"] = .array(tags.map(JSONValue.string)) }
            if let status { created["status"] = .string(status) }
            if let priority { created["priority"] = .string(priority) }
            if let group { created["group"] = .string(group) }
            var out = [Message(kind: .track, messageID: "zendesk-ticket-\(id)-created", userID: userID, event: SupportEvents.created, properties: created, timestamp: createdAt)]
            if let solvedAt {
                var solved: [String: JSONValue] = ["ticket_id": .string(id)]
                if let firstReplyMinutes { solved["first_response_minutes"] = .number(firstReplyMinutes) }
                if let fullResolutionMinutes { solved["resolution_minutes"] = .number(fullResolutionMinutes) }
                out.append(Message(kind: .track, messageID: "zendesk-ticket-\(id)-solved", userID: userID, event: SupportEvents.solved, properties: solved, timestamp: solvedAt))
            }
            if let satisfaction {
                // Zendesk rates good or bad: 5 and 1 on the 1–5 CSAT scale, so that the satisfied share is Zendesk's "% good".
                out.append(Message(kind: .track, messageID: "zendesk-ticket-\(id)-rated", userID: userID, event: SupportEvents.survey,
                                   properties: ["ticket_id": .string(id), "csat": .number(satisfaction == "good" ? 5 : 1), "satisfaction": .string(satisfaction)],
                                   timestamp: solvedAt ?? createdAt))
            }
            return out
        }
    }

    /// Zendesk's `via` channels in Segmenta's words.
    static func channel(_ via: String) -> String? {
        let v = via.trimmedSpaces.lowercased().replacingSpaces()
        guard !v.isEmpty else { return nil }
        switch v {
        case "voice", "phone", "phone_call_inbound", "phone_call_outbound": return "phone"
        case "chat", "native_messaging", "messaging", "chat_transcript": return "chat"
        case "mail", "email": return "email"
        case "web", "web_form", "web_widget": return "web"
        default: return v
        }
    }

    /// Reads the CSV export. Rows without an id, a requester or a readable created time are
    /// reported by line (and skipped under ``ErrorPolicy/skip``).
    public static func readCSV(_ buffer: UnsafeBufferPointer<UInt8>, options: DelimitedFileOptions, policy: ErrorPolicy,
                               fileName: String) throws(SegmentaError) -> (tickets: [Ticket], report: ScanReport) {
        let (names, dataStart, dataLine) = try options.layout(of: buffer)
        let keys = names.map { $0.trimmedSpaces.lowercased().replacingSpaces() }
        func column(_ candidates: String...) -> Int? { candidates.lazy.compactMap { keys.firstIndex(of: $0) }.first }
        guard let idColumn = column("id", "ticket_id"), let createdColumn = column("created_at") else {
            throw SegmentaError(.invalidInput, "\(fileName): a Zendesk ticket export needs the columns Id and Created at; the file has: \(names.joined(separator: ", "))")
        }
        let external = column("requester_external_id"), email = column("requester_email")
        guard external != nil || email != nil else {
            throw SegmentaError(.invalidInput, "\(fileName): add Requester external id or Requester email to the export (Segmenta finds the person by one of them); the file has: \(names.joined(separator: ", "))")
        }
        let columns = (subject: column("subject"), via: column("via", "channel"), tags: column("tags"), status: column("status"),
                       priority: column("priority"), group: column("group"), solved: column("solved_at"),
                       reply: column("first_reply_time_in_minutes"), resolution: column("full_resolution_time_in_minutes"),
                       satisfaction: column("satisfaction_score"))
        var tickets: [Ticket] = []
        var report = ScanReport()
        do {
            try CSVScanner.scan(UnsafeBufferPointer(rebasing: buffer[dataStart...]), delimiter: options.delimiter, firstLine: dataLine) { record in
                report.rowsRead += 1
                func cell(_ i: Int?) -> String? {
                    guard let i, i < record.count else { return nil }
                    let s = record.string(i).trimmedSpaces
                    return s.isEmpty ? nil : s
                }
                func bad(_ column: String?, _ reason: String) -> Bool {
                    report.record(RowIssue(line: record.line, column: column, reason: reason))
                    return policy == .skip || report.issueCount < 20
                }
                guard record.count == names.count else { return bad(nil, "expected \(names.count) fields, found \(record.count); quote values that contain the delimiter") }
                guard let id = cell(idColumn) else { return bad(names[idColumn], "the ticket id is empty") }
                let requesterID = cell(external)?.normalizedID, requesterEmail = cell(email)?.lowercased()
                guard requesterID != nil || requesterEmail != nil else { return bad("requester", "neither a requester external id nor an email") }
                guard let createdText = cell(createdColumn), let created = try? Timestamp.parse(createdText) else {
                    return bad(names[createdColumn], "\"\(cell(createdColumn) ?? "")\" is not a date and time (2026-03-01T09:30:00Z or 2026-03-01 09:30)")
                }
                var solved: Timestamp?
                if let text = cell(columns.solved) {
                    guard let t = try? Timestamp.parse(text) else { return bad(columns.solved.map { names[$0] }, "\"\(text)\" is not a date and time") }
                    solved = t
                }
                var minutes: [Double?] = []
                for c in [columns.reply, columns.resolution] {
                    guard let text = cell(c) else { minutes.append(nil); continue }
                    guard let m = Double(text), m.isFinite, m >= 0 else { return bad(c.map { names[$0] }, "\"\(text)\" is not a number of minutes") }
                    minutes.append(m)
                }
                let rating = cell(columns.satisfaction)?.lowercased()
                tickets.append(Ticket(line: record.line, id: id, requesterExternalID: requesterID, requesterEmail: requesterEmail, createdAt: created, solvedAt: solved,
                                      subject: cell(columns.subject), status: cell(columns.status)?.lowercased(), priority: cell(columns.priority)?.lowercased(),
                                      group: cell(columns.group), channel: cell(columns.via).flatMap(channel),
                                      tags: (cell(columns.tags) ?? "").split(whereSeparator: { $0 == " " || $0 == "," }).map { String($0).lowercased() },
                                      firstReplyMinutes: minutes[0], fullResolutionMinutes: minutes[1],
                                      satisfaction: rating == "good" || rating == "bad" ? rating : nil))
                report.rowsValid += 1
                return true
            }
        } catch let e as CSVScanner.SyntaxError {
            throw SegmentaError(.invalidInput, "\(fileName): line \(e.line): \(e.reason)")
        } catch {
            throw SegmentaError(.invalidInput, "\(fileName): \(error)")
        }
        if report.issueCount > 0 && policy == .fail { throw report.failure(file: fileName) }
        return (tickets, report)
    }

    /// Reads JSON: ticket objects one per line, or an array of them, or `{"tickets": […]}`.
    public static func readJSON(_ text: String, policy: ErrorPolicy, fileName: String) throws(SegmentaError) -> (tickets: [Ticket], report: ScanReport) {
        var objects: [(line: Int, value: JSONValue?)] = []
        let trimmed = text.trimmedSpaces
        if trimmed.hasPrefix("[") || (trimmed.hasPrefix("{") && trimmed.contains("\"tickets\"") && (try? JSONTextParser.parse(trimmed)) != nil) {
            guard let whole = try? JSONTextParser.parse(trimmed) else { throw SegmentaError(.invalidInput, "\(fileName): not valid JSON") }
            let list = whole["tickets"]?.arrayValues ?? whole.arrayValues
            objects = list.enumerated().map { (line: $0.offset + 1, value: $0.element) }
        } else {
            for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !String(line).trimmedSpaces.isEmpty {
                objects.append((i + 1, try? JSONTextParser.parse(String(line))))
            }
        }
        var tickets: [Ticket] = []
        var report = ScanReport()
        for (line, value) in objects {
            report.rowsRead += 1
            func bad(_ column: String?, _ reason: String) {
                report.record(RowIssue(line: line, column: column, reason: reason))
            }
            guard let t = value, t.objectValue != nil else { bad(nil, "not a JSON object"); continue }
            guard let id = t["id"]?.idString else { bad("id", "no ticket id"); continue }
            let requester = t["requester"]
            let externalID = (requester?["external_id"] ?? t["requester_external_id"])?.idString?.normalizedID
            let email = (requester?["email"] ?? t["requester_email"])?.stringValue?.trimmedSpaces.lowercased()
            guard externalID != nil || (email?.isEmpty == false) else { bad("requester", "neither requester.external_id nor requester.email"); continue }
            guard let createdText = t["created_at"]?.stringValue, let created = try? Timestamp.parse(createdText) else { bad("created_at", "no readable created_at"); continue }
            let metrics = t["metric_set"]
            let solved = (metrics?["solved_at"] ?? t["solved_at"])?.stringValue.flatMap { try? Timestamp.parse($0) }
            func minutes(_ v: JSONValue?) -> Double? { (v?["calendar"] ?? v)?.numberValue.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil } }
            let rating = t["satisfaction_rating"]?["score"]?.stringValue?.lowercased()
            tickets.append(Ticket(line: line, id: id, requesterExternalID: externalID, requesterEmail: email?.isEmpty == false ? email : nil,
                                  createdAt: created, solvedAt: solved, subject: t["subject"]?.stringValue, status: t["status"]?.stringValue?.lowercased(),
                                  priority: t["priority"]?.stringValue?.lowercased(), group: t["group"]?.stringValue,
                                  channel: (t["via"]?["channel"] ?? t["channel"])?.stringValue.flatMap(channel),
                                  tags: t["tags"]?.arrayValues.compactMap { $0.stringValue?.lowercased() } ?? [],
                                  firstReplyMinutes: minutes(metrics?["reply_time_in_minutes"]), fullResolutionMinutes: minutes(metrics?["full_resolution_time_in_minutes"]),
                                  satisfaction: rating == "good" || rating == "bad" ? rating : nil))
            report.rowsValid += 1
        }
        if report.issueCount > 0 && policy == .fail { throw report.failure(file: fileName) }
        return (tickets, report)
    }
}

extension String {
    /// Spaces as underscores (`Created at` → `created_at`).
    func replacingSpaces() -> String { String(map { $0 == " " ? "_" : $0 }) }
}
