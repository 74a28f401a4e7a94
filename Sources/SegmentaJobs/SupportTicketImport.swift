public import SegmentaCore
public import SegmentaStore

/// Imports the tickets of a Zendesk export (``ZendeskTicketFile``) as support events: each
/// requester found by their external id (your user id, as Zendesk keeps it), or else by the one
/// person whose `email` trait is theirs (case aside). Importing the same export again adds nothing.
public enum SupportTicketImport {
    /// What an import did.
    public struct Result: Sendable {
        /// Tickets imported (their events stored, or already there).
        public var tickets = 0
        /// Events stored now; already stored ones are counted in `duplicates`.
        public var events = 0
        /// Events stored by an earlier import.
        public var duplicates = 0
        /// Tickets whose requester nobody is (no external id, and no one or several people with the email), with their line.
        public var unmatched: [(line: Int, email: String)] = []
    }

    /// Stores the tickets' events, in batches of 1,000 messages.
    public static func run(_ tickets: [ZendeskTicketFile.Ticket], into db: some ProfileStore, arrival: Timestamp) async throws(SegmentaError) -> Result {
        var result = Result()
        var byEmail: [String: [String]]?
        var idOf: [String: String]?
        var messages: [Message] = []
        for t in tickets {
            var user = t.requesterExternalID
            if user == nil, let email = t.requesterEmail {
                if byEmail == nil {
                    var map: [String: [String]] = [:]
                    for (profile, value) in try await db.traitValues("email") { map[value.trimmedSpaces.lowercased(), default: []].append(profile) }
                    byEmail = map
                    var ids: [String: String] = [:]
                    for (id, profile) in try await db.identityMap() where ids[profile] == nil || id == profile { ids[profile] = id }
                    idOf = ids
                }
                if let people = byEmail?[email], people.count == 1, let profile = people.first { user = idOf?[profile] ?? profile }
            }
            guard let user else {
                result.unmatched.append((t.line, t.requesterEmail ?? ""))
                continue
            }
            result.tickets += 1
            messages += t.messages(userID: user)
        }
        for start in stride(from: 0, to: messages.count, by: 1000) {
            let applied = try await db.apply(Array(messages[start..<min(messages.count, start + 1000)]), source: "zendesk", arrival: arrival)
            result.events += applied.accepted
            result.duplicates += applied.duplicates
        }
        return result
    }
}
