import Foundation
import Hummingbird
import HummingbirdTesting
import SegmentaCore
import SegmentaJobs
import SegmentaServer
import SegmentaStore
import Testing

/// The dashboard's support page (issue 38, item 1): the policy with the people per rule, and the
/// form that saves a new version — refused forms shown again as typed, with what to fix.
extension DashboardTests {
    @Test func theSupportPageShowsAndEditsThePolicy() async throws {
        let s = try await SupportPolicyAPITests().seeded()
        try await s.test { client in
            let (cookie, csrf) = try await signIn(client, key: s.admin)
            let page = try await client.execute(uri: "/support", method: .get, headers: [.cookie: cookie]) { String(buffer: $0.body) }
            #expect(page.contains("No support policy yet") && page.contains("name=\"rule0_segment\"") && page.contains("name=\"rule1_segment\""))
            #expect(!page.contains("name=\"rule2_segment\""))   // no rule yet: two empty lines
            let form: HTTPFields = [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"]
            // Line 1 placed second by its position; line 2 first; line 3 without a segment is no rule.
            let fields = "csrf=\(csrf)&rule0_position=2&rule0_segment=pro&rule0_tier=standard&rule0_priority=normal&rule0_first=24&rule0_resolution=&rule0_team=&rule0_channels=email%2C+chat"
                + "&rule1_position=1&rule1_segment=enterprise&rule1_tier=enterprise&rule1_priority=urgent&rule1_first=0.5&rule1_resolution=8&rule1_team=key+accounts&rule1_channels=phone+email"
                + "&rule2_position=3&rule2_segment=&rule2_tier=ignored"
                + "&default_tier=self-service&default_priority=low&default_first=&default_resolution=&default_team=&default_channels=self_service&inherit=no&note=from+the+page"
            let saved = try await client.execute(uri: "/support/policy", method: .post, headers: form, body: ByteBuffer(string: fields)) { r -> String in
                #expect(r.status == .seeOther)
                return r.headers[.location] ?? ""
            }
            #expect(saved == "/support?saved=1")
            let version = try await SupportPolicyRun.current(s.store.backend)
            #expect(version?.policy == SupportPolicy(rules: [.init(segment: "enterprise", tier: "enterprise", priority: .urgent, firstResponseHours: 0.5, resolutionHours: 8, team: "key accounts", channels: [.phone, .email]),
                                                             .init(segment: "pro", tier: "standard", firstResponseHours: 24, channels: [.email, .chat])],
                                                     fallback: .init(segment: "", tier: "self-service", priority: .low, channels: [.selfService]), inheritFromAccounts: false))
            #expect(version?.note == "from the page")
            let shown = try await client.execute(uri: saved, method: .get, headers: [.cookie: cookie]) { String(buffer: $0.body) }
            #expect(shown.contains("Version 1 saved and resolved") && shown.contains("Support policy, version 1 — from the page"))
            // enterprise: u1 (no inheritance); pro: u2; the default: the four others.
            #expect(shown.contains("<td class=\"num\">1</td>") && shown.contains("everyone else (the default)") && shown.contains("0.5 h · 8 h") && shown.contains("<td class=\"num\">4</td>"))
            // A wrong value: 422, the form as typed, what to fix; nothing saved.
            let refused = try await client.execute(uri: "/support/policy", method: .post, headers: form,
                                                   body: ByteBuffer(string: "csrf=\(csrf)&rule0_segment=pro&rule0_tier=standard&rule0_first=soon")) { r -> String in
                #expect(r.status == .unprocessableContent)
                return String(buffer: r.body)
            }
            #expect(refused.contains("Not saved: ") && refused.contains("first_response_hours&quot; is a number of hours") && refused.contains("value=\"soon\""))
            #expect(try await SupportPolicyRun.versions(s.store.backend).count == 1)
            // A stale form, and a read key, are refused.
            try await client.execute(uri: "/support/policy", method: .post, headers: form, body: ByteBuffer(string: "csrf=wrong&rule0_segment=pro&rule0_tier=a")) { #expect($0.status == .forbidden) }
            let (readCookie, readCSRF) = try await signIn(client, key: s.read)
            try await client.execute(uri: "/support/policy", method: .post, headers: [.cookie: readCookie, .contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "csrf=\(readCSRF)&rule0_segment=pro&rule0_tier=a")) { #expect($0.status == .forbidden) }
            let readPage = try await client.execute(uri: "/support", method: .get, headers: [.cookie: readCookie]) { String(buffer: $0.body) }
            #expect(readPage.contains("Support policy, version 1") && !readPage.contains("rule0_segment"))
            // One segment's figures: u2 is pro, with one chat ticket.
            _ = try await s.store.backend.apply([Message(kind: .track, messageID: "k", userID: "u2", event: "Ticket Created", properties: ["channel": "chat", "theme": "login"],
                                                         timestamp: Timestamp.now.adding(days: -3))], source: "t", arrival: .now)
            let figures = try await client.execute(uri: "/support/analytics?segment=pro&days=30", method: .get, headers: [.cookie: readCookie]) { String(buffer: $0.body) }
            #expect(figures.contains("tickets: 1 from 1 of 1 members") && figures.contains("channels: chat 100%") && figures.contains("<td>login</td>"))
            try await client.execute(uri: "/support/analytics?segment=nope", method: .get, headers: [.cookie: readCookie]) { #expect($0.status == .notFound) }
        }
    }
}
