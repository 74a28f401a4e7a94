public import SegmentaCore
public import SegmentaStore

/// The segments a profile is in as its data stands now, beside those of the last refreshes: each
/// dynamic segment's condition evaluated on the profile's own rows by the reference evaluator
/// (``ConditionEvaluator``), so a page can say which segments the person will enter or leave at
/// the next refresh, right after they acted.
public struct LiveMembership: Sendable, Equatable {
    /// The profile's own id.
    public var profile: String
    /// The time the conditions were evaluated at.
    public var asOf: Timestamp
    /// Dynamic segments whose condition holds now, by name.
    public var holdsNow: [String]
    /// Holding now, not in the last refresh's members: entering at the next refresh.
    public var entering: [String]
    /// In the last refresh's members, no longer holding: leaving at the next refresh.
    public var leaving: [String]

    /// The live membership of `detail`'s profile (its ``ProfileDetail/memberships`` are the last
    /// refreshes'), as of `now`; nil when the store no longer knows it.
    public static func of(_ detail: ProfileDetail, in db: some ProfileStore & SegmentStore, now: Timestamp) async throws(SegmentaError) -> LiveMembership? {
        guard let facts = try await db.profileFacts(detail.id) else { return nil }
        return of(detail, facts: facts, definitions: try await db.segmentDefinitions(), now: now)
    }

    /// The live membership of `detail`'s profile from rows already read: its `facts` and every
    /// segment's definition by name (``SegmentStore/segmentDefinitions()``).
    public static func of(_ detail: ProfileDetail, facts: ProfileFacts, definitions: [String: SegmentDefinition], now: Timestamp) -> LiveMembership {
        let listed = Set(detail.segments)
        // Static segments are their lists: this profile is in one when it is listed.
        let lists = definitions.filter { $0.value.condition == nil }.mapValues { listed.contains($0.name) ? Set([facts.id]) : Set<String>() }
        let dynamic = definitions.compactMapValues(\.condition)
        let evaluator = ConditionEvaluator(at: now, segments: dynamic, staticMembers: lists)
        let holds = dynamic.filter { evaluator.matches($0.value, facts) }.keys.sorted()
        return LiveMembership(profile: facts.id, asOf: now, holdsNow: holds,
                              entering: holds.filter { !listed.contains($0) },
                              leaving: dynamic.keys.filter { listed.contains($0) && !holds.contains($0) }.sorted())
    }

    /// As the API answers it.
    public var json: JSONValue {
        .object(["as_of": .string(asOf.iso8601), "segments": .array(holdsNow.map(JSONValue.string)),
                 "entering": .array(entering.map(JSONValue.string)), "leaving": .array(leaving.map(JSONValue.string))])
    }
}
