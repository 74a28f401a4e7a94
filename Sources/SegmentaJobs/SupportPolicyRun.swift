public import SegmentaCore
public import SegmentaStore

/// The support policy kept in the store, versioned (each save is a new version, none is
/// overwritten), and resolved for everyone as computed traits that segments, the profile API, the
/// support lookup and exports read (`support_tier`, `support_priority`, …: ``AnalysisKind/support``).
public enum SupportPolicyRun {
    /// The kind the policy's versions are recorded under (their parameters are the policy).
    public static let documentKind = "support_policy"

    /// One saved version of the policy.
    public struct Version: Sendable {
        /// 1 for the first policy saved, then one more per save.
        public var number: Int
        /// The policy.
        public var policy: SupportPolicy
        /// When it was saved.
        public var savedAt: Timestamp
        /// What the person who saved it said about the change (may be empty).
        public var note: String

        /// As the API shows it.
        public var json: JSONValue {
            guard case .object(var o) = policy.json else { return policy.json }
            o["version"] = .number(Double(number))
            o["saved_at"] = .string(savedAt.iso8601)
            o["note"] = .string(note)
            return .object(o)
        }
    }

    /// Every saved version, oldest first.
    public static func versions(_ db: some AnalysisStore) async throws(SegmentaError) -> [Version] {
        var out: [Version] = []
        for (i, run) in try await db.analysisRuns(kind: documentKind, parameter: nil).enumerated() {
            // A version the store holds was checked when saved; one that no longer parses (a
            // newer Segmenta's) is left out rather than half-read.
            guard let policy = try? SupportPolicy.parse(run.parameters) else { continue }
            out.append(Version(number: i + 1, policy: policy, savedAt: run.asOf, note: run.summary["note"]?.stringValue ?? ""))
        }
        return out
    }

    /// The policy in force: the latest version (nil before the first save). Read alone (the
    /// lookup asks at every ticket), not with every earlier version.
    public static func current(_ db: some AnalysisStore) async throws(SegmentaError) -> Version? {
        guard let latest = try await db.latestAnalysisRun(kind: documentKind) else { return nil }
        guard let policy = try? SupportPolicy.parse(latest.run.parameters), let number = latest.run.summary["version"]?.numberValue.flatMap({ Int(exactly: $0) }) else {
            return try await versions(db).last   // a version this Segmenta cannot read: the latest it can
        }
        return Version(number: number, policy: policy, savedAt: latest.run.asOf, note: latest.run.summary["note"]?.stringValue ?? "")
    }

    /// Checks `document` (``SupportPolicy/parse(_:)``) and that every segment it names exists
    /// and does not itself depend on the support traits; saves it as the next version and
    /// resolves it for everyone at once. What a version shows and a policy does not hold
    /// (`version`, `saved_at`, `resolution`) is ignored, so a version read can be edited and saved
    /// back; its `note` is the version's note unless `note` is given.
    /// - Throws: `invalidInput` saying which rule is wrong and how to fix it.
    public static func save(_ document: JSONValue, note: String? = nil, to db: some SegmentStore & AnalysisStore & ProfileStore,
                            now: Timestamp) async throws(SegmentaError) -> (version: Version, resolution: Summary) {
        var document = document
        var note = note ?? ""
        if case .object(var o) = document {
            for key in ["version", "saved_at", "resolution"] { o.removeValue(forKey: key) }
            if let given = o.removeValue(forKey: "note") {
                guard let text = given.stringValue else { throw SegmentaError(.invalidInput, "note is a text saying what changed") }
                if note.isEmpty { note = text }
            }
            document = .object(o)
        }
        let policy = try SupportPolicy.parse(document)
        let segments = try await db.segments()
        let byName = Dictionary(segments.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for (i, rule) in policy.rules.enumerated() {
            guard byName[rule.segment] != nil else {
                let names = segments.map(\.name).sorted().prefix(10).joined(separator: ", ")
                throw SegmentaError(.invalidInput, "rule \(i + 1) names the segment \"\(rule.segment)\", which does not exist; create it first, or use one of: \(names.isEmpty ? "(no segment yet)" : names)")
            }
            if let through = supportDependency(rule.segment, in: byName) {
                throw SegmentaError(.invalidInput, "rule \(i + 1)'s segment \"\(rule.segment)\" depends on the support traits the policy writes (\(through)): the tier would decide itself; use a segment that does not read support_* traits")
            }
        }
        let trimmed = note.trimmedSpaces
        guard trimmed.count <= 500 else { throw SegmentaError(.invalidInput, "the note is at most 500 characters") }
        let number = try await db.analysisRuns(kind: documentKind, parameter: nil).count + 1
        try await db.recordAnalysis(kind: documentKind, asOf: now, parameters: policy.json,
                                    summary: .object(["version": .number(Double(number)), "note": .string(trimmed)]), values: [], at: now)
        let version = Version(number: number, policy: policy, savedAt: now, note: trimmed)
        return (version, try await resolve(db, asOf: now))
    }

    /// Which support trait a segment reads, directly or through the segments it refers to (nil: none).
    static func supportDependency(_ name: String, in segments: [String: SegmentInfo]) -> String? {
        let support = Set(AnalysisKind.support.traits.map(\.name))
        var queue = [name], seen = Set<String>()
        while let next = queue.popLast(), seen.count < 1000 {
            guard seen.insert(next).inserted, let condition = segments[next]?.definition.condition else { continue }
            if let trait = condition.computedTraitNames.first(where: support.contains) {
                return next == name ? trait : "\(trait), through the segment \"\(next)\""
            }
            queue += condition.segmentReferences
        }
        return nil
    }

    /// What a resolution did: the version resolved and how many people and accounts each rule reaches.
    public struct Summary: Sendable {
        /// The policy version resolved (nil: no policy saved; nothing was written).
        public var version: Int?
        /// People per rule, in rule order.
        public var people: [Int]
        /// Of those, people who got the rule through an account.
        public var throughAccounts: [Int]
        /// Accounts per rule (an account's rule is its best member's own).
        public var accounts: [Int]
        /// People no rule reaches (they get the default service when the policy has one).
        public var unmatched: Int
        /// Segments the policy names that no longer exist (their rules reach nobody).
        public var missingSegments: [String]

        /// As the API shows it, with the policy's rules beside their counts.
        public func json(_ policy: SupportPolicy?) -> JSONValue {
            .object(["version": version.map { .number(Double($0)) } ?? .null,
                     "rules": .array((policy?.rules ?? []).enumerated().map { i, r in
                         .object(["rule": .number(Double(i + 1)), "segment": .string(r.segment), "tier": .string(r.tier),
                                  "people": .number(Double(i < people.count ? people[i] : 0)),
                                  "through_accounts": .number(Double(i < throughAccounts.count ? throughAccounts[i] : 0)),
                                  "accounts": .number(Double(i < accounts.count ? accounts[i] : 0))])
                     }),
                     "unmatched": .number(Double(unmatched)),
                     "default": policy?.fallback.map { .object(["tier": .string($0.tier), "people": .number(Double(unmatched))]) } ?? .null,
                     "missing_segments": .array(missingSegments.map(JSONValue.string))])
        }
    }

    /// Resolves the policy in force for everyone as of `asOf` (the segments' latest members) and
    /// writes the support traits: people no rule reaches have none. Recorded as an
    /// ``AnalysisKind/support`` run (its summary: the counts per rule).
    @discardableResult
    public static func resolve(_ db: some SegmentStore & AnalysisStore & ProfileStore, asOf: Timestamp) async throws(SegmentaError) -> Summary {
        guard let version = try await current(db) else {
            return Summary(version: nil, people: [], throughAccounts: [], accounts: [], unmatched: 0, missingSegments: [])
        }
        let policy = version.policy
        let existing = Set(try await db.segments().map(\.name))
        var members: [String: Set<String>] = [:]
        var missing: [String] = []
        for name in policy.segments {
            guard existing.contains(name) else { missing.append(name); continue }
            members[name] = Set(try await db.members(of: name))
        }
        let resolver = SupportPolicyResolver(policy, members: members, accountMembers: try await db.accountMemberships())
        let everyone = try await db.profileIDs()
        var throughAccounts = [Int](repeating: 0, count: policy.rules.count)
        var accounts = [Int](repeating: 0, count: policy.rules.count)
        for r in resolver.profiles.values where r.account != nil && r.rule < throughAccounts.count { throughAccounts[r.rule] += 1 }
        for i in resolver.accounts.values where i < accounts.count { accounts[i] += 1 }
        let names = AnalysisKind.support.traits.map(\.name)
        // With a default, everyone has a service; without, only the people a rule reaches.
        let ids = policy.fallback == nil ? resolver.profiles.keys.sorted() : everyone.sorted()
        let resolutions = ids.map { resolver.profiles[$0] }
        let rows = ComputedTraitRows(names: names, ids: ids) { i in
            let r = resolutions[i]
            guard let service = policy.service(r) else { return [] }
            return traits(service, rule: r?.rule, account: r?.account)
        }
        try await db.replaceComputedTraits(rows, computedAt: asOf)
        let people = resolver.counts(rules: policy.rules.count)
        let summary = Summary(version: version.number, people: people, throughAccounts: throughAccounts, accounts: accounts,
                              unmatched: max(0, everyone.count - resolver.profiles.count), missingSegments: missing)
        try await db.recordAnalysis(kind: AnalysisKind.support.rawValue, asOf: asOf, parameters: .object(["version": .number(Double(version.number))]),
                                    summary: summary.json(policy),
                                    values: [], at: .now)
        return summary
    }

    /// The support traits of one rule (`index` nil: the default), in ``AnalysisKind/support``'s order.
    static func traits(_ rule: SupportPolicy.Rule, rule index: Int?, account: String?) -> [JSONValue?] {
        [.string(rule.tier), .string(rule.priority.rawValue), rule.team.map(JSONValue.string),
         .string(rule.channels.map(\.rawValue).joined(separator: ", ")),
         rule.firstResponseHours.map(JSONValue.number), rule.resolutionHours.map(JSONValue.number),
         index.map { .number(Double($0 + 1)) }, account.map(JSONValue.string)]
    }
}
