import Foundation
import Hummingbird
import HummingbirdTesting
import SegmentaCore
import SegmentaServer
import SegmentaStore
import Testing

@Suite("Churn model over the API")
struct ChurnAPITests {
    @Test("POST /analyses/churn trains and saves churn_risk; GET returns the run; the profile shows its risk; too little data is a 422 that says why")
    func churnOverTheAPI() async throws {
        let s = try TestServer()
        var messages = DemoGenerator.generate(range: 0..<600, seed: 3)
        messages.sort { ($0.timestamp ?? DemoGenerator.end) < ($1.timestamp ?? DemoGenerator.end) }
        _ = try s.store.apply(messages, source: "demo", arrival: DemoGenerator.end)
        try await s.test { client in
            try await client.execute(uri: "/api/v1/analyses/churn", method: .post, headers: TestServer.bearer(s.read)) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/analyses/churn", method: .post, headers: TestServer.bearer(s.admin)) { r in
                #expect(r.status == .ok)
                let summary = r.json.objectValue?["summary"]?.objectValue
                #expect((summary?["holdout_auc"]?.numberValue ?? 0) > 0.6)
                #expect(summary?["churn_event"] == .string("Subscription Cancelled") && summary?["horizon_days"] == .number(90))
            }
            try await client.execute(uri: "/api/v1/analyses/churn", method: .get, headers: TestServer.bearer(s.read)) { r in
                #expect(r.status == .ok)
                #expect(r.json.objectValue?["summary"]?.objectValue?["drivers"]?.arrayValues.first?.objectValue?["sentence"]?.stringValue?.contains("likely to churn") == true)
            }
        }
        // The profile with the highest saved risk shows it over the API.
        let risks = try s.store.computedTraitValues("churn_risk").compactMapValues(Double.init)
        let riskiest = try #require(risks.max { $0.value < $1.value })
        try await s.test { client in
            try await client.execute(uri: "/api/v1/profiles/\(riskiest.key)", method: .get, headers: TestServer.bearer(s.read)) { r in
                #expect(r.json.objectValue?["computed_traits"]?.objectValue?["churn_risk"]?.numberValue == riskiest.value)
                #expect(r.json.objectValue?["computed_traits"]?.objectValue?["churn_risk_decile"] == .number(10))
            }
        }

        let empty = try TestServer()
        _ = try empty.store.apply([Message(kind: .identify, messageID: "1", userID: "u1", traits: ["plan": "pro"], timestamp: DemoGenerator.end)],
                                  source: "t", arrival: DemoGenerator.end)
        try await empty.test { client in
            try await client.execute(uri: "/api/v1/analyses/churn", method: .post, headers: TestServer.bearer(empty.admin)) { r in
                #expect(r.status == .unprocessableContent)
                #expect(String(buffer: r.body).contains("too few outcomes to learn from"))
            }
        }
    }
}
