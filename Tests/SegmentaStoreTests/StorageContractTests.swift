import Foundation
import Testing
@testable import SegmentaCore
@testable import SegmentaStore

/// The backends the storage contract runs on. SQLite always; a new backend joins this list and
/// must pass every test below unchanged.
enum ContractBackend: String, CaseIterable, Sendable {
    case sqlite

    func make() throws -> any Storage {
        switch self {
        case .sqlite: return try SQLiteStore().backend
        }
    }
}

/// The storage contract: each protocol method called through `any Storage`, on every backend,
/// against hand-computed answers.
@Suite struct StorageContractTests {
    func t(_ s: String) -> Timestamp { (try? Timestamp.parse(s)) ?? Timestamp(milliseconds: 0) }

    @Test(arguments: ContractBackend.allCases)
    func ordersAreAggregatedPerCustomer(backend: ContractBackend) async throws {
        let store = try backend.make()
        let orders = [
            Order(id: "o1", customerID: "a", timestamp: t("2026-01-01T10:00:00Z"), amount: 10),
            Order(id: "o2", customerID: "a", timestamp: t("2026-01-01T18:00:00Z"), amount: 5),    // same day as o1: one purchase of 15
            Order(id: "o3", customerID: "a", timestamp: t("2026-01-11T09:00:00Z"), amount: 20),
            Order(id: "o4", customerID: "a", timestamp: t("2026-01-21T09:00:00Z"), amount: -8),   // a refund
            Order(id: "o5", customerID: "a", timestamp: t("2026-01-31T09:00:00Z"), amount: 30),
            Order(id: "o6", customerID: "b", timestamp: t("2026-01-15T00:00:00Z"), amount: 7.5),
        ]
        let first = try await store.importOrders(orders, source: "test")
        #expect(first.inserted == 6 && first.profilesCreated == 2)
        #expect(try await store.importOrders(orders, source: "test").duplicates == 6)

        let totals = try await store.customerTotals(before: nil)
        #expect(totals.ids == ["a", "b"])
        #expect(totals.count == [4, 1])            // the refund is not a purchase…
        #expect(totals.monetary == [57, 7.5])      // …but it is subtracted from the spend
        #expect(totals.first.map(\.milliseconds) == [t("2026-01-01T10:00:00Z").milliseconds, t("2026-01-15T00:00:00Z").milliseconds])

        let times = try await store.purchaseTimes(before: t("2026-01-20"))
        #expect(times["a"]?.count == 3 && times["b"]?.count == 1)
        #expect(try await store.latestOrderTime() == t("2026-01-31T09:00:00Z"))

        // Purchase days of a: Jan 1 (15), Jan 11 (20), Jan 31 (30); of b: Jan 15. Calibration ends Jan 31.
        let summaries = try await store.customerSummaries(throughDay: t("2026-01-31").epochDay, unit: .day)
        #expect(summaries == [CustomerSummary(customerID: "a", frequency: 2, recency: 30, T: 30, monetary: 25),
                              CustomerSummary(customerID: "b", frequency: 0, recency: 0, T: 16, monetary: 0)])
    }

    @Test(arguments: ContractBackend.allCases)
    func identitiesMergeAndMessagesCountOnce(backend: ContractBackend) async throws {
        let store = try backend.make()
        let at = t("2026-03-01T12:00:00Z")
        let messages = [
            Message(kind: .track, messageID: "m1", anonymousID: "x1", event: "Viewed", timestamp: at),
            Message(kind: .identify, messageID: "m2", userID: "u1", anonymousID: "x1", traits: ["plan": "pro"], timestamp: at),
            Message(kind: .track, messageID: "m3", userID: "u1", event: "Exported", timestamp: at),
        ]
        let applied = try await store.apply(messages, source: "web", arrival: at)
        #expect(applied.accepted == 3)
        #expect(try await store.apply([messages[2]], source: "web", arrival: at).duplicates == 1)
        let anonymous = try await store.profileID(forExternalID: "x1")
        let known = try await store.profileID(forExternalID: "u1")
        #expect(anonymous != nil && anonymous == known)
        #expect(try await store.profileIDs().count == 1)
        #expect(try await store.traitValues("plan").values.sorted() == ["pro"])
        #expect(try await store.eventCounts("Exported", days: 1, asOf: at.adding(days: 1)).values.reduce(0, +) == 1)
    }

    @Test(arguments: ContractBackend.allCases)
    func segmentsRefreshWithEntriesAndExits(backend: ContractBackend) async throws {
        let store = try backend.make()
        _ = try await store.importProfiles([ProfileFileReader.Row(line: 2, id: "p1", traits: ["plan": "pro"]),
                                            ProfileFileReader.Row(line: 3, id: "p2", traits: ["plan": "free"])], at: t("2026-01-01"))
        let definition = try JSONTextParser.parse(#"{"name":"pro","condition":{"trait":"plan","op":"eq","value":"pro"}}"#)
        _ = try await store.createSegment(definition, allowUnknownComputed: false)
        let first = try await store.refresh("pro", asOf: t("2026-01-02"))
        #expect(first.entered == ["p1"] && first.exited.isEmpty)
        _ = try await store.importProfiles([ProfileFileReader.Row(line: 2, id: "p1", traits: ["plan": "free"]),
                                            ProfileFileReader.Row(line: 3, id: "p2", traits: ["plan": "pro"])], at: t("2026-01-03"))
        let second = try await store.refresh("pro", asOf: t("2026-01-04"))
        #expect(second.entered == ["p2"] && second.exited == ["p1"])
        #expect(try await store.members(of: "pro") == ["p2"])
        let condition = try ConditionParser.condition(JSONTextParser.parse(#"{"trait":"plan","op":"eq","value":"pro"}"#))
        #expect(try await store.matchingProfiles(condition, asOf: t("2026-01-04")) == ["p2"])
        #expect(try await store.segments().map(\.name) == ["pro"])
        #expect(try await store.segment(named: "nope") == nil)
    }

    @Test(arguments: ContractBackend.allCases)
    func computedTraitsAndRunsAreKept(backend: ContractBackend) async throws {
        let store = try backend.make()
        _ = try await store.importProfiles([ProfileFileReader.Row(line: 2, id: "p1", traits: [:]), ProfileFileReader.Row(line: 3, id: "p2", traits: [:])],
                                           at: t("2026-01-01"))
        var rows = ComputedTraitRows(names: ["rfm_segment", "rfm_r"])
        rows.append("p1", [.string("Champions"), .number(5)])
        rows.append("p2", [nil, .number(1)])
        try await store.replaceComputedTraits(rows, computedAt: t("2026-01-02"))
        #expect(try await store.computedTraitValues("rfm_segment") == ["p1": "Champions"])
        #expect(try await store.computedTraitValues("rfm_r") == ["p1": "5", "p2": "1"])
        try await store.recordAnalysis(kind: "rfm", asOf: t("2026-01-02"), parameters: .object([:]), summary: .object([:]),
                                       values: [("p2", "Lost"), ("p1", "Champions")], at: t("2026-01-02"))
        #expect(try await store.analysisDates(kind: "rfm") == [t("2026-01-02")])
        let kept = try await store.sortedAnalysisValues(kind: "rfm", asOf: t("2026-02-01"))
        #expect(kept?.map { "\($0.profile)=\($0.value)" } == ["p1=Champions", "p2=Lost"])
        #expect(try await store.sortedAnalysisValues(kind: "rfm", asOf: t("2025-12-31")) == nil)
    }
}
