import Testing
import SegmentaCore
import SegmentaStore
import SegmentaJobs

/// Drift alerts on a store: five quiet weekly refreshes, then 40 of the 100 pro members (all of
/// them in France) move to the free plan — worked out by hand: the size falls from 100 to 60,
/// outside 70–130 (100 ± 3·√100), and the share of country = FR falls from 50% to 17%.
@Suite struct DriftCheckTests {
    static let start = Timestamp(year: 2026, month: 3, day: 2)

    /// 200 people, 100 on the pro plan (u0–u49 in France), and the segment `pros` of them.
    static func pros() async throws -> any Storage {
        let db = try SQLiteStore().backend
        var messages: [Message] = []
        for i in 0..<200 {
            messages.append(Message(kind: .identify, messageID: "i\(i)", userID: "u\(i)",
                                    traits: ["plan": .string(i < 100 ? "pro" : "free"), "country": .string(i < 50 ? "FR" : i < 150 ? "DE" : "US")],
                                    timestamp: Self.start.adding(days: -10)))
        }
        _ = try await db.apply(messages, source: "t", arrival: Self.start)
        _ = try await db.createSegment(try JSONTextParser.parse(#"{"name": "pros", "condition": {"trait": "plan", "op": "eq", "value": "pro"}}"#))
        return db
    }

    @Test func aShiftRaisesAlertsAndQuietRefreshesDoNot() async throws {
        let db = try await Self.pros()
        _ = try await db.createWebhook(segment: "pros", url: "https://example.com/hook", secret: "0123456789abcdef")
        let check = DriftCheck(store: db)
        for week in 0..<5 {
            let r = try await db.refresh("pros", asOf: Self.start.adding(days: 7 * week), webhookPageSize: 1000)
            #expect(try await check.run([r]).isEmpty)
        }
        let moves = (0..<40).map { Message(kind: .identify, messageID: "m\($0)", userID: "u\($0)", traits: ["plan": "free"], timestamp: Self.start.adding(days: 30)) }
        _ = try await db.apply(moves, source: "t", arrival: Self.start.adding(days: 30))
        let shifted = try await db.refresh("pros", asOf: Self.start.adding(days: 35), webhookPageSize: 1000)
        let alerts = try await check.run([shifted])
        #expect(alerts.map(\.message) == [
            "pros shrank 40% in a week: 60 members against 100 at the previous refresh and a usual range of 70–130 over the last 5 refreshes.",
            "In pros, the share of country = FR fell from 50% to 17% since the previous refresh (χ² test, Holm-adjusted p < 0.001).",
        ])
        #expect(try await db.alerts(segment: "pros", limit: 10).count == 2)
        let delivery = try #require(try await db.webhookDeliveries(segment: "pros", limit: 20).first { $0.page == 0 })
        #expect(delivery.snapshotID == shifted.snapshot.id && delivery.body.contains("\"type\":\"alert\""))

        // A backtest (as of an earlier date) is stored nowhere and checked against nothing.
        let backtest = try await db.refresh("pros", asOf: Self.start.adding(days: 3), webhookPageSize: 1000)
        let backtestAlerts = try await check.run([backtest])
        #expect(backtest.backtest && backtestAlerts.isEmpty)
        // A new definition starts a new history: its first refresh has nothing to compare with.
        _ = try await db.updateSegment(try JSONTextParser.parse(#"{"name": "pros", "condition": {"trait": "plan", "op": "in", "value": ["pro", "free"]}}"#))
        let redefined = try await db.refresh("pros", asOf: Self.start.adding(days: 42), webhookPageSize: 1000)
        let redefinedAlerts = try await check.run([redefined])
        #expect(redefined.snapshot.size == 200 && redefinedAlerts.isEmpty)
    }

    /// One refresh use case for every caller, with the thresholds it is given: 25 of 100 pro
    /// members leave — 75 is inside 70–130 (100 ± 3·√100, the default) but outside 80–120 (± 2·√100).
    @Test func theRefreshUseCaseChecksDriftWithTheThresholdsItIsGiven() async throws {
        func sizeAlerts(sigma: Double?) async throws -> [String] {
            let db = try await Self.pros()
            var options = DriftDetector.Options()
            if let sigma { options.sizeSigma = sigma }
            let refresher = SegmentRefresh(store: db, drift: options)
            for week in 0..<5 { #expect(try await refresher.run("pros", asOf: Self.start.adding(days: 7 * week)).alerts.isEmpty) }
            let moves = (0..<25).map { Message(kind: .identify, messageID: "m\($0)", userID: "u\($0)", traits: ["plan": "free"], timestamp: Self.start.adding(days: 30)) }
            _ = try await db.apply(moves, source: "t", arrival: Self.start.adding(days: 30))
            let outcome = try await refresher.run("pros", asOf: Self.start.adding(days: 35))
            #expect(outcome.refresh.snapshot.size == 75 && outcome.driftError == nil)
            #expect(try await db.alerts(segment: "pros", limit: 10).count == outcome.alerts.count)   // stored as raised
            return outcome.alerts.filter { $0.kind == "size" }.map(\.message)
        }
        #expect(try await sizeAlerts(sigma: nil).isEmpty)
        #expect(try await sizeAlerts(sigma: 2) == ["pros shrank 25% in a week: 75 members against 100 at the previous refresh and a usual range of 80–120 over the last 5 refreshes."])
    }
}
