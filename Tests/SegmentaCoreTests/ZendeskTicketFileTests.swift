import SegmentaCore
import Testing

/// Zendesk ticket exports (issue 38, item 4): the CSV a view exports and the API's ticket objects,
/// read into support events, with line-numbered errors. Expected values written by hand.
@Suite("Zendesk ticket exports")
struct ZendeskTicketFileTests {
    static let csv = """
        Id,Requester,Requester email,Requester external id,Subject,Tags,Status,Priority,Via,Created at,Solved at,First reply time in minutes,Full resolution time in minutes,Satisfaction Score
        101,Ada,ada@example.com,u1,"Invoice wrong, twice",billing vip,Solved,High,Mail,2026-11-02 09:30,2026-11-03 10:00,45,1470,Good
        102,Bob,BOB@example.com,,Cannot log in,login,Open,Normal,Web Widget,2026-11-04T08:00:00Z,,,,Offered
        103,X,,,Oops,,Open,,Voice,2026-11-05 10:00,,,,
        104,Y,y@example.com,,Bad date,,Open,,Chat,yesterday,,,,
        105,Z,z@example.com,,Slow,,Solved,,Chat,2026-11-06 10:00,2026-11-06 11:00,ten,,

        """

    static func read(_ text: String, policy: ErrorPolicy) throws(SegmentaError) -> (tickets: [ZendeskTicketFile.Ticket], report: ScanReport) {
        var bytes = Array(text.utf8)
        let result: Result<(tickets: [ZendeskTicketFile.Ticket], report: ScanReport), SegmentaError> = bytes.withUnsafeMutableBufferPointer { b in
            do throws(SegmentaError) { return .success(try ZendeskTicketFile.readCSV(UnsafeBufferPointer(b), options: DelimitedFileOptions(), policy: policy, fileName: "tickets.csv")) } catch { return .failure(error) }
        }
        return try result.get()
    }

    @Test func theCSVExportBecomesTicketsAndEvents() throws {
        let (tickets, report) = try Self.read(Self.csv, policy: .skip)
        #expect(tickets.map(\.id) == ["101", "102"])
        #expect(report.rowsRead == 5 && report.rowsValid == 2)
        #expect(report.issues.map(\.line) == [4, 5, 6])
        #expect(report.issues.map { $0.column ?? "" } == ["requester", "Created at", "First reply time in minutes"])
        let ada = tickets[0]
        #expect(ada.requesterExternalID == "u1" && ada.requesterEmail == "ada@example.com" && ada.subject == "Invoice wrong, twice")
        #expect(ada.channel == "email" && ada.tags == ["billing", "vip"] && ada.status == "solved" && ada.priority == "high")
        let (created, solved) = (try Timestamp.parse("2026-11-02T09:30:00Z"), try Timestamp.parse("2026-11-03T10:00:00Z"))
        #expect(ada.createdAt == created && ada.solvedAt == solved)
        #expect(ada.firstReplyMinutes == 45 && ada.fullResolutionMinutes == 1470 && ada.satisfaction == "good")
        let events = ada.messages(userID: "u1")
        #expect(events.map { $0.event ?? "" } == ["Ticket Created", "Ticket Solved", "Survey Answered"])
        #expect(events.map { $0.messageID ?? "" } == ["zendesk-ticket-101-created", "zendesk-ticket-101-solved", "zendesk-ticket-101-rated"])
        #expect(events[1].properties == ["ticket_id": "101", "first_response_minutes": 45, "resolution_minutes": 1470])
        #expect(events[2].properties["csat"] == 5 && events[2].timestamp == ada.solvedAt)
        // Bob: the web widget is the web channel; "Offered" is no rating; no solved time, one event.
        let bob = tickets[1]
        #expect(bob.channel == "web" && bob.requesterEmail == "bob@example.com" && bob.requesterExternalID == nil && bob.satisfaction == nil)
        #expect(bob.messages(userID: "b").count == 1)
        // What events say, read back, is the ticket.
        let read = SupportEvents.read(events.map { ProfileEvent(profile: "u1", name: $0.event ?? "", timestamp: $0.timestamp ?? ada.createdAt, properties: $0.properties) })
        #expect(read.tickets.first?.channel == "email" && read.tickets.first?.themes == ["billing", "vip"] && read.tickets.first?.resolutionMinutes == 1470)
        #expect(read.surveys == [SupportAnalytics.Survey(profile: "u1", csat: 5, ces: nil)])
    }

    @Test func badRowsStopTheImportByDefaultWithTheirLines() {
        #expect {
            _ = try Self.read(Self.csv, policy: .fail)
        } throws: { error in
            let message = (error as? SegmentaError)?.message ?? ""
            return message.contains("3 bad rows") && message.contains("line 4") && message.contains("\"yesterday\" is not a date") && message.contains("nothing was changed")
        }
        #expect {
            _ = try Self.read("Ticket,When\n1,2026-01-01\n", policy: .fail)
        } throws: { error in
            (error as? SegmentaError)?.message.contains("needs the columns Id and Created at") == true
        }
        #expect {
            _ = try Self.read("Id,Created at\n1,2026-01-01\n", policy: .fail)
        } throws: { error in
            (error as? SegmentaError)?.message.contains("add Requester external id or Requester email") == true
        }
    }

    @Test func theAPIsTicketObjects() throws {
        let lines = """
            {"id": 201, "created_at": "2026-11-02T09:30:00Z", "subject": "Refund", "requester": {"email": " Ada@Example.com ", "external_id": null}, "via": {"channel": "voice"}, "tags": ["billing"], "status": "solved", "satisfaction_rating": {"score": "bad"}, "metric_set": {"solved_at": "2026-11-02T12:00:00Z", "reply_time_in_minutes": {"calendar": 12, "business": 8}, "full_resolution_time_in_minutes": {"calendar": 150, "business": 90}}}
            not json
            {"id": 202, "created_at": "2026-11-03T09:30:00Z", "requester_external_id": 77, "via": {"channel": "native_messaging"}}
            {"id": 203, "requester_external_id": "x"}
            """
        let (tickets, report) = try ZendeskTicketFile.readJSON(lines, policy: .skip, fileName: "t.jsonl")
        #expect(tickets.map(\.id) == ["201", "202"] && report.issues.map(\.line) == [2, 4])
        #expect(tickets[0].requesterEmail == "ada@example.com" && tickets[0].channel == "phone" && tickets[0].satisfaction == "bad")
        let solved = try Timestamp.parse("2026-11-02T12:00:00Z")
        #expect(tickets[0].firstReplyMinutes == 12 && tickets[0].fullResolutionMinutes == 150 && tickets[0].solvedAt == solved)
        #expect(tickets[1].requesterExternalID == "77" && tickets[1].channel == "chat")
        #expect(tickets[0].messages(userID: "u").last?.properties["csat"] == 1)
        // The API's page form.
        let page = try ZendeskTicketFile.readJSON(#"{"tickets": [{"id": 1, "created_at": "2026-11-02T09:30:00Z", "requester_email": "a@b.c"}], "next_page": null}"#, policy: .fail, fileName: "p.json")
        #expect(page.tickets.map(\.id) == ["1"])
    }
}
