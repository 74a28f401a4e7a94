import Foundation
import Testing
import SegmentaCore
import SegmentaStore
import SegmentaJobs
import Logging

/// `predict churn` on a store: who is an example and who churned, counted from how the data was
/// made; the scores saved as computed traits; a segment on `churn_risk` holds exactly the profiles
/// whose saved risk passes its threshold.
@Suite struct ChurnRunTests {
    static let asOf = Timestamp(year: 2026, month: 6, day: 1)
    static let cutoff = asOf.adding(days: -90)

    /// 300 people signed up 200 days before the cutoff: every 10th (i % 10 == 0) cancelled before
    /// the cutoff; free-plan people with few logins cancel after it with the pattern below.
    static func store() async throws -> (any Storage, churnedAfter: Set<String>, churnedBefore: Set<String>) {
        let db = try SQLiteStore().backend
        var messages: [Message] = []
        var after: Set<String> = [], before: Set<String> = []
        for i in 0..<300 {
            let id = "u\(i)", free = i % 3 != 0
            messages.append(Message(kind: .identify, messageID: "i\(i)", userID: id,
                                    traits: ["plan": .string(free ? "free" : "pro"), "signed_up_at": .string(cutoff.adding(days: -200).iso8601)],
                                    timestamp: cutoff.adding(days: -200)))
            let logins = free ? i % 4 : 3 + i % 5
            for k in 0..<logins { messages.append(Message(kind: .track, messageID: "l\(i)-\(k)", userID: id, event: "Logged In", timestamp: cutoff.adding(days: -1 - 5 * k))) }
            if i % 10 == 0 {
                before.insert(id)
                messages.append(Message(kind: .track, messageID: "c\(i)", userID: id, event: "Subscription Cancelled", timestamp: cutoff.adding(days: -10)))
            } else if (free && logins <= 1 && i % 7 != 1) || i % 29 == 3 {
                after.insert(id)
                messages.append(Message(kind: .track, messageID: "c\(i)", userID: id, event: "Subscription Cancelled", timestamp: cutoff.adding(days: 20)))
            }
        }
        _ = try await db.apply(messages, source: "t", arrival: asOf)
        return (db, after, before)
    }

    @Test func examplesScoresAndASegmentOnTheRisk() async throws {
        let (db, after, before) = try await Self.store()
        var options = ChurnRun.Options()
        options.asOf = Self.asOf
        options.model.families = [.events, .traits]
        let r = try await ChurnRun.run(db, options: options)
        #expect(r.cutoff == Self.cutoff)
        #expect(r.trainingRows == 300 - before.count)
        #expect(r.churners == after.count)
        #expect(r.features.columns.map(\.key).contains("events:Logged In:30") && r.features.columns.map(\.key).contains("plan=free"))
        // Only the churn event is left out of the event features.
        #expect(!r.features.columns.map(\.key).contains { $0.contains("Subscription Cancelled") })
        let scored = Set(r.scores.map(\.id))
        #expect(scored == Set((0..<300).map { "u\($0)" }).subtracting(after).subtracting(before))

        try await ChurnRun.save(r, churnEvent: options.churnEvent, to: db)
        let saved = try await db.computedTraitValues("churn_risk")
        #expect(saved.count == scored.count)
        for s in r.scores { #expect(saved[s.id].flatMap(Double.init).map { abs($0 - s.probability) < 1e-9 } == true) }
        let run = try #require(try await db.latestAnalysisRun(kind: "churn"))
        #expect(run.run.summary.objectValue?["churners"] == .number(Double(after.count)))
        #expect(run.run.summary.objectValue?["drivers"]?.arrayValues.count == r.features.columns.count)

        // The same threshold through the segment compiler.
        let threshold = r.scores.map(\.probability).sorted()[r.scores.count / 2]
        _ = try await db.createSegment(try JSONTextParser.parse(#"{"name": "risky", "condition": {"computed": "churn_risk", "op": "gt", "value": \#(threshold)}}"#))
        _ = try await db.refresh("risky", asOf: Self.asOf)
        let members = Set(try await db.members(of: "risky")), expected = Set(r.scores.filter { $0.probability > threshold }.map(\.id))
        #expect(members == expected, "only in segment: \(members.subtracting(expected).sorted().prefix(5)), only expected: \(expected.subtracting(members).sorted().prefix(5)), \(members.count) vs \(expected.count)")
    }

    @Test func anUnknownTraitIsNamed() async throws {
        let (db, _, _) = try await Self.store()
        var options = ChurnRun.Options()
        options.asOf = Self.asOf
        options.traits = ["tier"]
        await #expect { _ = try await ChurnRun.run(db, options: options) } throws: { e in "\(e)".contains("no profile has a trait \"tier\"") }
    }

    /// A store with no churner yet: the scheduled recompute skips the model without a failed step
    /// (asked for directly, the same store gets the reason, as the API test shows).
    @Test func theScheduledRunSkipsAStoreTooSmallForAModel() async throws {
        let db = try SQLiteStore().backend
        _ = try await db.apply([Message(kind: .identify, messageID: "1", userID: "u1", traits: ["plan": "pro"], timestamp: Self.asOf)], source: "t", arrival: Self.asOf)
        var options = Recompute.Options()
        options.analyses = [.churn]
        let report = await Recompute(store: db, options: options, logger: Logger(label: "test")).run(asOf: Self.asOf)
        let step = try #require(report.steps.first { $0.name == "churn" })
        #expect(step.error == nil)
        #expect(try await db.computedTraitValues("churn_risk").isEmpty)
        await #expect(throws: SegmentaError.self) { try await Recompute(store: db, options: options, logger: Logger(label: "test")).analyse(.churn) }
    }
}
