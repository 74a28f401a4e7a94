import Testing
import SegmentaCore

/// The builder's trait picker: paths, types, shares and examples of a sample worked out by hand.
@Suite struct TraitCatalogTests {
    @Test func pathsTypesAndExamples() throws {
        let samples: [JSONValue] = [
            ["plan": "pro", "company": ["size": 120, "name": "Acme"], "tags": ["a"], "vip": true],
            ["plan": "free", "company": ["size": 8]],
            ["plan": "pro", "nps": 9, "gone": .null],
            ["plan": 3],
        ]
        let entries = TraitCatalog.build(samples)
        #expect(entries.map(\.path) == ["plan", "company.size", "company.name", "nps", "tags", "vip"])
        let plan = try #require(entries.first)
        #expect(plan.type == "mixed" && plan.profiles == 4 && plan.examples == ["pro", "3", "free"])
        #expect(entries[1].type == "number" && entries[1].profiles == 2 && entries[1].examples == ["120", "8"])
        #expect(entries.first { $0.path == "tags" }?.type == "list" && entries.first { $0.path == "tags" }?.examples == [])
        #expect(entries.first { $0.path == "vip" }?.type == "true/false")
        #expect(!entries.contains { $0.path == "gone" })
    }
}
