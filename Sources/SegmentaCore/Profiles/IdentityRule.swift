/// Which profile a message belongs to, and what that changes among ids and profiles: the identity
/// rule of every backend, written once. Facts in (what the store holds about the message's ids),
/// steps out (create, link, merge, relabel, refuse), applied by the store in order — the way
/// postgres-nio keeps its protocol logic in state machines that do no I/O.
///
/// The rule, as Segment and PostHog apply it:
/// - a user id names a person; an anonymous id a device or visit, which joins the person it is seen
///   with (its profile merges into theirs);
/// - a profile never gets a second user id from an `identify`: an anonymous id already on someone
///   else's identified profile (a shared device after a logout) moves to the newest user and the
///   two people stay apart — unless the id is that other profile's own user id, which stays theirs;
/// - a profile known only by the id now named as anonymous, never identified under it, is not
///   someone else: PostHog's server SDKs send a visitor's anonymous id as a distinct id until
///   `$identify` names it `$anon_distinct_id`; it merges;
/// - `alias` is the one explicit instruction to join two ids, user ids included.
public enum IdentityRule {
    /// What an id is stored as.
    public enum Kind: String, Sendable {
        case userID = "user_id"
        case anonymousID = "anonymous_id"
    }

    /// What the store holds about a message's ids before the message is applied.
    public struct Facts: Sendable, Equatable {
        /// The profile each of the message's ids (user, anonymous, previous) is linked to, when it is.
        public var profiles: [String: String] = [:]
        /// How the anonymous id is stored, when it is linked (asked when a merge is refused).
        public var anonymousKind: Kind?
        /// Whether the anonymous id's profile is someone's identified profile: it holds a user id
        /// other than the anonymous id, or holds it as a user id and was identified under it.
        public var anonymousProfileIdentified = false
        /// Whether a profile named by the previous id of an `alias` exists without a link.
        public var previousIsProfile = false

        /// No facts: ids never seen.
        public init() {}
    }

    /// One change to ids and profiles, in the order it must be applied.
    public enum Step: Sendable, Equatable {
        /// A profile named `profile`, created unless it exists.
        case create(profile: String)
        /// `id` linked to `profile` (a link that exists is moved; its kind stays).
        case link(id: String, kind: Kind, profile: String)
        /// Everything of profile `from` moved onto `into`, then `from` deleted.
        case merge(from: String, into: String)
        /// `id` is an anonymous id from now on, even if it came first as a user id.
        case markAnonymous(id: String)
        /// An `identify` whose anonymous id is on `kept`, someone else's identified profile: no merge.
        /// `keptByItsUser`: the id is that profile's own user id and stays theirs (it is not linked).
        case refuseMerge(kept: String, user: String, keptByItsUser: Bool)
    }

    /// The profile a message belongs to, and the steps that make it so.
    public struct Plan: Sendable, Equatable {
        /// The profile the message is stored under.
        public var profile: String
        /// The changes to apply first, in order.
        public var steps: [Step]
    }

    /// The plan for `message` (ids already normalised), given what the store holds.
    /// - Throws: `invalidInput` for a message with neither a user id nor an anonymous id.
    public static func plan(_ message: Message, facts: Facts) throws(SegmentaError) -> Plan {
        var links = facts.profiles
        var renamed: [String: String] = [:]
        var created = Set<String>()
        var steps: [Step] = []
        func current(_ profile: String) -> String {
            var p = profile
            var hops = 0
            while let next = renamed[p], hops < 8 { p = next; hops += 1 }
            return p
        }
        func profile(of id: String) -> String? { links[id].map(current) }
        func merge(_ from: String, into: String) {
            steps.append(.merge(from: from, into: into))
            renamed[from] = into
        }
        func link(_ id: String, _ kind: Kind, to profile: String) {
            steps.append(.link(id: id, kind: kind, profile: profile))
            links[id] = profile
        }
        /// The profile of an id, or a new profile named by the id, linked to it.
        func resolve(_ id: String, _ kind: Kind) -> String {
            if let known = profile(of: id) { return known }
            steps.append(.create(profile: id))
            created.insert(id)
            link(id, kind, to: id)
            return id
        }
        let target: String
        if let user = message.userID {
            target = resolve(user, .userID)
            if let anon = message.anonymousID {
                var keptByItsUser = false
                if let other = profile(of: anon), other != target {
                    if facts.anonymousProfileIdentified && message.kind == .identify {
                        keptByItsUser = facts.anonymousKind == .userID
                        steps.append(.refuseMerge(kept: other, user: user, keptByItsUser: keptByItsUser))
                    } else {
                        merge(other, into: target)
                        steps.append(.markAnonymous(id: anon))
                    }
                }
                if !keptByItsUser { link(anon, .anonymousID, to: target) }
            }
            if message.kind == .alias, let previous = message.previousID {
                let exists = (facts.previousIsProfile || created.contains(previous)) && renamed[previous] == nil
                let other = profile(of: previous) ?? (exists ? previous : nil)
                if let other, other != target { merge(other, into: target) }
                link(previous, other == nil || other == previous ? .userID : .anonymousID, to: target)
            }
        } else if let anon = message.anonymousID {
            target = resolve(anon, .anonymousID)
        } else {
            throw SegmentaError(.invalidInput, "a message needs a userId or an anonymousId")   // decoding refuses these first
        }
        return Plan(profile: target, steps: steps)
    }

    /// What the stores log when they refuse a merge.
    public static func refusalMessage(keptByItsUser: Bool) -> String {
        keptByItsUser ? "identify did not merge two identified profiles; the id named as anonymous is the other's user id and stays theirs"
                      : "identify did not merge two identified profiles; the anonymous id moved to the newest user"
    }

    /// The ids whose links a plan for `message` reads (user, anonymous, previous).
    public static func ids(of message: Message) -> [String] {
        [message.userID, message.anonymousID, message.previousID].compactMap { $0 }
    }

    /// Whether the plan needs to know if the anonymous id's profile is identified: an identify
    /// with a user id whose anonymous id is linked to another profile than the user id's.
    public static func needsIdentifiedFact(_ message: Message, profiles: [String: String]) -> Bool {
        guard message.kind == .identify, let user = message.userID, let anon = message.anonymousID, let other = profiles[anon] else { return false }
        return other != (profiles[user] ?? user)
    }
}
