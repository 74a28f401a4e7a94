import Foundation
import GRDB
import Testing
@testable import SegmentaCore
@testable import SegmentaStore

/// Computed traits kept as one JSON object per profile and analysis (migration v8).
@Suite struct ComputedTraitLayoutTests {
    func t(_ s: String) -> Timestamp { (try? Timestamp.parse(s)) ?? Timestamp(milliseconds: 0) }

    func storeWithProfiles(_ ids: [String]) throws -> SQLiteStore {
        let store = try SQLiteStore()
        _ = try store.importOrders(ids.map { Order(customerID: $0, timestamp: t("2026-01-01"), amount: 1) }, source: "f")
        return store
    }

    /// The groups, now read from the registry of analyses, are the ones migration v8 wrote rows
    /// under (by hand): a stored database keeps finding its traits. The support policy's came later
    /// (no stored row had them: a name without a group was its own).
    @Test func groupsAreTheAnalysesThatWriteThem() {
        let v8 = ComputedTraitLayout.groups.filter { !$0.key.hasPrefix("support_") }
        #expect(ComputedTraitLayout.groups.filter { $0.key.hasPrefix("support_") }.count == 8 && Set(ComputedTraitLayout.groups.filter { $0.key.hasPrefix("support_") }.values) == ["support"])
        #expect(v8 == ["rfm_recency": "rfm", "rfm_frequency": "rfm", "rfm_monetary": "rfm", "rfm_r": "rfm", "rfm_f": "rfm", "rfm_m": "rfm",
                                               "rfm_fm": "rfm", "rfm_segment": "rfm", "lifecycle": "lifecycle", "clv": "clv", "p_alive": "clv",
                                               "expected_purchases": "clv", "cluster": "clusters", "persona": "clusters",
                                               "churn_risk": "churn", "churn_risk_decile": "churn"])
        #expect(ComputedTraitLayout.group(of: "nps") == "nps")
    }

    @Test func replacingSomeNamesOfAnAnalysisKeepsItsOthers() throws {
        let store = try storeWithProfiles(["1", "2"])
        var rfm = ComputedTraitRows(names: ["rfm_r", "rfm_segment"])
        rfm.append("1", [.number(5), .string("Champions")])
        rfm.append("2", [.number(1), nil])
        try store.replaceComputedTraits(rfm, computedAt: t("2026-01-02"))
        try store.replaceComputedTraits(["lifecycle": ["2": "lost"]], computedAt: t("2026-01-02"))
        // Only rfm_segment is replaced: rfm_r stays for both, the segment moves from 1 to 2.
        try store.replaceComputedTraits(["rfm_segment": ["2": "Hibernating"]], computedAt: t("2026-01-03"))
        #expect(try store.computedTraits(of: "1") == ["rfm_r": 5])
        #expect(try store.computedTraits(of: "2") == ["rfm_r": 1, "rfm_segment": "Hibernating", "lifecycle": "lost"])
        #expect(try store.computedTraitValues("rfm_r") == ["1": "5", "2": "1"])
        #expect(try store.computedTraitValues("rfm_segment") == ["2": "Hibernating"])
        // Conditions read the same values.
        let champions = try ConditionParser.condition(JSONTextParser.parse(#"{"computed":"rfm_r","op":"gte","value":2}"#))
        #expect(try store.matchingProfiles(champions, asOf: t("2026-02-01")) == ["1"])
        let lost = try ConditionParser.condition(JSONTextParser.parse(#"{"computed":"lifecycle","op":"eq","value":"lost"}"#))
        #expect(try store.matchingProfiles(lost, asOf: t("2026-02-01")) == ["2"])
    }

    @Test func aRepeatedProfileKeepsItsFirstRowAndNilsAreLeftOut() throws {
        let store = try storeWithProfiles(["a"])
        var rows = ComputedTraitRows(names: ["clv", "p_alive"])
        rows.append("a", [nil, .number(0.5)])
        rows.append("a", [.number(9), .number(0.9)])
        try store.replaceComputedTraits(rows, computedAt: t("2026-01-02"))
        #expect(try store.computedTraits(of: "a") == ["p_alive": 0.5])
    }

    @Test func aMergedProfileLeavesNoComputedTraitsBehind() throws {
        let store = try SQLiteStore()
        let t0 = t("2026-01-01")
        _ = try store.apply([Message(kind: .track, messageID: "1", anonymousID: "anon-1", event: "Viewed", timestamp: t0)], source: "s", arrival: t0)
        try store.replaceComputedTraits(["lifecycle": ["anon-1": "new"]], computedAt: t0)
        _ = try store.apply([Message(kind: .identify, messageID: "2", userID: "u1", anonymousID: "anon-1", timestamp: t0)], source: "s", arrival: t0)
        #expect(try store.profileIDs() == ["u1"])
        #expect(try store.computedTraitValues("lifecycle").isEmpty)
        #expect(try store.profileFacts().map(\.id) == ["u1"])
    }

    @Test func runValuesAreKeptPerRunAndTransitionsCountMoves() throws {
        let store = try storeWithProfiles(["1", "2", "3"])
        try store.recordAnalysis(kind: "rfm", asOf: t("2026-01-01"), parameters: .object([:]), summary: .object([:]),
                                 values: [("1", "Champions"), ("2", "Lost"), ("1", "ignored: repeated")], at: t("2026-01-01"))
        try store.recordAnalysis(kind: "rfm", asOf: t("2026-02-01"), parameters: .object([:]), summary: .object([:]),
                                 values: [("1", "Lost"), ("3", "New Customers")], at: t("2026-02-01"))
        #expect(try store.analysisValues(kind: "rfm", asOf: t("2026-01-15"))?.values == ["1": "Champions", "2": "Lost"])
        let moves = try store.transitions(kind: "rfm", from: t("2026-01-01"), to: t("2026-02-01")).map { "\($0.from)>\($0.to):\($0.count)" }
        #expect(moves == ["(new)>New Customers:1", "Champions>Lost:1", "Lost>(gone):1"])
    }

    @Test func aVersion7StoreKeepsItsComputedTraitsAfterTheMigration() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("segmenta-v7-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("old.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try SQLiteStore.migrator.migrate(queue, upTo: "v7: account trait times (group traits merge newest-wins per trait, like identify)")
        try queue.write { db in
            for id in ["1", "2"] { try db.execute(sql: "INSERT INTO profiles (id, created_at) VALUES (?, 0)", arguments: [id]) }
            try db.execute(sql: "INSERT INTO orders (order_id, profile_id, timestamp, amount, source) VALUES ('o1', '1', 0, 12.5, 'f')")
            let rows: [(String, String, String)] = [("1", "rfm_r", "5"), ("1", "rfm_segment", "\"Champions\""), ("1", "lifecycle", "\"active\""),
                                                     ("2", "clv", "12.25"), ("2", "p_alive", "0.5"), ("2", "my_score", "{\"a\":[1,2]}")]
            for (p, n, v) in rows {
                try db.execute(sql: "INSERT INTO computed_traits (profile_id, name, value, computed_at) VALUES (?, ?, ?, 7)", arguments: [p, n, v])
            }
            try db.execute(sql: "INSERT INTO analysis_runs (id, kind, as_of, parameters, summary, created_at) VALUES (1, 'rfm', 5, '{}', '{}', 5)")
            try db.execute(sql: "INSERT INTO analysis_values (run_id, profile_id, value) VALUES (1, '1', 'Champions'), (1, '2', 'Lost')")
        }
        try queue.close()
        let store = try SQLiteStore(path: path)
        #expect(try store.appliedMigrations().contains("v8: computed traits as one JSON object per profile and analysis; orders index covers amounts"))
        #expect(try store.computedTraits(of: "1") == ["rfm_r": 5, "rfm_segment": "Champions", "lifecycle": "active"])
        #expect(try store.computedTraits(of: "2") == ["clv": 12.25, "p_alive": 0.5, "my_score": ["a": [1, 2]]])
        // The names are known to segment validation, and the per-customer totals still read.
        let custom = try ConditionParser.condition(JSONTextParser.parse(#"{"computed":"my_score","op":"exists","value":true}"#))
        #expect(try store.matchingProfiles(custom, asOf: t("2026-02-01")) == ["2"])
        #expect(try store.customerTotals(before: nil).monetary == [12.5])
        #expect(try store.analysisValues(kind: "rfm", asOf: t("2026-01-01"))?.values == ["1": "Champions", "2": "Lost"])
    }
}

/// How a run's per-profile values are read back: Segmenta's own compact text in one pass, any
/// other JSON form by the full parser, with the same answer.
@Suite struct RunValuesTextTests {
    @Test func compactTextIsReadBackAsWritten() {
        let pairs: [(profile: String, value: String)] = [("b", "Lost"), ("a", "Champions"), ("c", "At Risk"), ("a", "repeated")]
        let text = Transitions.objectText(pairs)
        #expect(text == #"{"a":"Champions","b":"Lost","c":"At Risk"}"#)
        #expect(Transitions.pairs(compactObjectText: text)?.map { "\($0.profile)=\($0.value)" } == ["a=Champions", "b=Lost", "c=At Risk"])
        #expect(Transitions.pairs(compactObjectText: "{}")?.isEmpty == true)
    }

    @Test func otherFormsAreLeftToTheJSONParser() {
        // PostgreSQL's jsonb text has spaces; escapes and non-string values need a real parser.
        for text in [#"{"a": "Lost"}"#, #"{"a\"b":"Lost"}"#, #"{"a":1}"#, #"{"a":"Lost",}"#, #"{"a":"Lost""#, "", "[]"] {
            #expect(Transitions.pairs(compactObjectText: text) == nil, "\(text)")
        }
    }

    @Test func runValuesInAnotherJSONFormReadTheSame() throws {
        let store = try SQLiteStore()
        try store.recordAnalysis(kind: "rfm", asOf: Timestamp(milliseconds: 0), parameters: .object([:]), summary: .object([:]),
                                 values: [("x", "Lost")], at: Timestamp(milliseconds: 0))
        // As `store copy` brings them from PostgreSQL: spaces, keys in jsonb's order (shorter first), an escape.
        try store.writer.write { db in
            try db.execute(sql: "UPDATE analysis_run_values SET profile_values = ?", arguments: [#"{"b": "Lost", "a\"1": "Champions", "a": 3, "aa": "New"}"#])
        }
        let values = try store.sortedAnalysisValues(kind: "rfm", asOf: Timestamp(milliseconds: 1))
        #expect(values?.map { "\($0.profile)=\($0.value)" } == [#"a"1=Champions"#, "aa=New", "b=Lost"])
    }
}
