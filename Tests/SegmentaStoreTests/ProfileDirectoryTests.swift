import Testing
@testable import SegmentaStore

@Suite("Identities cached during a write follow merges")
struct ProfileDirectoryTests {
    @Test("an id linked to a profile merged twice resolves to the last profile; a relinked profile is live again")
    func chainsOfMerges() {
        var d = ProfileDirectory()
        d["anon-1"] = "anon-1"
        d["u1"] = "u1"
        d["u2"] = "u2"
        #expect(d["nobody"] == nil)
        d.merge("anon-1", into: "u1")
        #expect(d["anon-1"] == "u1")
        d.merge("u1", into: "u2")   // an alias: u1's profile goes into u2's
        #expect(d["anon-1"] == "u2" && d["u1"] == "u2" && d["u2"] == "u2")
        // A new profile created under a merged profile's name is live: its ids resolve to it.
        d["u1"] = "u1"
        #expect(d["u1"] == "u1" && d["anon-1"] == "u1")
        // Merging back and forth never loops.
        d.merge("u2", into: "u1")
        d.merge("u1", into: "u2")
        #expect(d["anon-1"] == "u2")
    }
}

/// The search fold's table against hand-written answers.
@Suite struct SearchFoldTests {
    @Test func foldsCaseAndLatinAccents() {
        #expect(SearchFold.fold("JOSÉ") == "jose")
        #expect(SearchFold.fold("Núñez") == "nunez")
        #expect(SearchFold.fold("Nun\u{303}ez") == "nunez")          // decomposed: the accent is dropped
        #expect(SearchFold.fold("Łódź ØRSTED Đorđe") == "lodz orsted dorde")
        #expect(SearchFold.fold("Ærø ß") == "æro ß")       // no base letter: lower case only; ß as written
        #expect(SearchFold.fold("Ωμέγα 東京") == "Ωμέγα 東京")    // other scripts as written
        // The table handed to PostgreSQL: one target per folded letter, then the accents to remove.
        #expect(SearchFold.from.unicodeScalars.count == SearchFold.to.unicodeScalars.count + 0x70)
        #expect(SearchFold.to.unicodeScalars.allSatisfy { $0.properties.isLowercase })
    }
}
