import Testing
@testable import SegmentaCore

/// The identity rule against hand-worked cases (Segment's and PostHog's documented behaviour).
@Suite struct IdentityRuleTests {
    typealias R = IdentityRule
    func facts(_ profiles: [String: String] = [:], identified: Bool = false, kind: R.Kind? = nil, previousIsProfile: Bool = false) -> R.Facts {
        var f = R.Facts()
        f.profiles = profiles
        f.anonymousProfileIdentified = identified
        f.anonymousKind = kind
        f.previousIsProfile = previousIsProfile
        return f
    }

    @Test func aNewUserGetsAProfileNamedByTheirID() throws {
        let plan = try R.plan(Message(kind: .track, userID: "u", event: "E"), facts: facts())
        #expect(plan == R.Plan(profile: "u", steps: [.create(profile: "u"), .link(id: "u", kind: .userID, profile: "u")]))
    }

    @Test func aKnownIDChangesNothing() throws {
        #expect(try R.plan(Message(kind: .track, anonymousID: "a", event: "E"), facts: facts(["a": "p7"])) == R.Plan(profile: "p7", steps: []))
        #expect(try R.plan(Message(kind: .identify, userID: "u", anonymousID: "a"), facts: facts(["u": "u", "a": "u"])) == R.Plan(profile: "u", steps: [.link(id: "a", kind: .anonymousID, profile: "u")]))
    }

    @Test func aVisitorsProfileMergesIntoThePersonTheyIdentifyAs() throws {
        let plan = try R.plan(Message(kind: .identify, userID: "u", anonymousID: "a"), facts: facts(["a": "a"]))
        #expect(plan == R.Plan(profile: "u", steps: [.create(profile: "u"), .link(id: "u", kind: .userID, profile: "u"), .merge(from: "a", into: "u"),
                                                     .markAnonymous(id: "a"), .link(id: "a", kind: .anonymousID, profile: "u")]))
    }

    @Test func twoIdentifiedPeopleAreNeverMergedByAnIdentify() throws {
        // A shared device after a logout: the device id moves to the newest user.
        let moved = try R.plan(Message(kind: .identify, userID: "bob", anonymousID: "dev"), facts: facts(["bob": "bob", "dev": "ada"], identified: true, kind: .anonymousID))
        #expect(moved == R.Plan(profile: "bob", steps: [.refuseMerge(kept: "ada", user: "bob", keptByItsUser: false), .link(id: "dev", kind: .anonymousID, profile: "bob")]))
        // Someone's user id sent as an anonymous id stays theirs.
        let kept = try R.plan(Message(kind: .identify, userID: "bob", anonymousID: "ada"), facts: facts(["bob": "bob", "ada": "ada"], identified: true, kind: .userID))
        #expect(kept == R.Plan(profile: "bob", steps: [.refuseMerge(kept: "ada", user: "bob", keptByItsUser: true)]))
        // The fact is asked for an identify only: a track carrying both ids merges.
        #expect(!R.needsIdentifiedFact(Message(kind: .track, userID: "bob", anonymousID: "dev", event: "E"), profiles: ["bob": "bob", "dev": "ada"]))
        #expect(R.needsIdentifiedFact(Message(kind: .identify, userID: "bob", anonymousID: "dev"), profiles: ["bob": "bob", "dev": "ada"]))
        #expect(!R.needsIdentifiedFact(Message(kind: .identify, userID: "bob", anonymousID: "dev"), profiles: ["bob": "bob", "dev": "bob"]))
    }

    @Test func aliasJoinsTwoUserIDs() throws {
        let plan = try R.plan(Message(kind: .alias, userID: "new", previousID: "old"), facts: facts(["old": "old"]))
        #expect(plan == R.Plan(profile: "new", steps: [.create(profile: "new"), .link(id: "new", kind: .userID, profile: "new"),
                                                       .merge(from: "old", into: "new"), .link(id: "old", kind: .userID, profile: "new")]))
        // A previous id that names a profile without a link (an import) joins it too.
        let unlinked = try R.plan(Message(kind: .alias, userID: "new", previousID: "p9"), facts: facts(["new": "new"], previousIsProfile: true))
        #expect(unlinked == R.Plan(profile: "new", steps: [.merge(from: "p9", into: "new"), .link(id: "p9", kind: .userID, profile: "new")]))
        // A previous id on a visitor's profile is an anonymous id of the person.
        let visitor = try R.plan(Message(kind: .alias, userID: "new", previousID: "a"), facts: facts(["new": "new", "a": "v1"]))
        #expect(visitor.steps == [.merge(from: "v1", into: "new"), .link(id: "a", kind: .anonymousID, profile: "new")])
    }

    @Test func aProfileMergedEarlierInTheMessageIsNotMergedTwice() throws {
        // The anonymous id and the previous id are on one profile: it merges once.
        let plan = try R.plan(Message(kind: .alias, userID: "u", anonymousID: "a", previousID: "p"), facts: facts(["u": "u", "a": "v", "p": "v"]))
        #expect(plan.steps.filter { if case .merge = $0 { return true } else { return false } } == [.merge(from: "v", into: "u")])
        #expect(plan.steps.last == .link(id: "p", kind: .anonymousID, profile: "u"))
    }

    @Test func aMessageWithoutIDsIsRefused() {
        #expect(throws: SegmentaError.self) { try R.plan(Message(kind: .track, event: "E"), facts: facts()) }
    }
}
