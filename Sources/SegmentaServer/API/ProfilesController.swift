public import Hummingbird
public import SegmentaCore
public import SegmentaStore
import SegmentaJobs

/// `/api/v1/profiles?q=` finds people by email, name or any id; `/api/v1/profiles/{id}` is what a
/// support desk asks before answering a ticket — traits, computed traits, segments, identities,
/// accounts, activity — and the profile's events.
public struct ProfilesController: Sendable {
    let store: any ProfileStore & SegmentStore
    let searchTraits: [String]

    /// The controller; search matches ids and the traits `searchTraits`.
    public init(store: any ProfileStore & SegmentStore, searchTraits: [String] = ["email", "name"]) {
        self.store = store
        self.searchTraits = searchTraits
    }

    /// Profiles, their events and search, for read keys.
    public func addRoutes(read: RouterGroup<AppRequestContext>) {
        let store = self.store, traits = self.searchTraits
        read.get("profiles") { request, _ in
            guard let q = request.query("q")?.trimmingWhitespace(), !q.isEmpty else {
                throw APIError.badRequest("pass ?q=TEXT: an email, a name or any id, whole or its beginning (case aside)")
            }
            guard q.utf8.count <= 512 else { throw APIError.badRequest("q is longer than 512 bytes; search by the start of an email, name or id") }
            let limit = try request.intQuery("limit", default: 20, range: 1...100)
            let matches = try await store.searchProfiles(q, traits: traits, limit: limit)
            return Response.json(.object(["query": .string(q), "searched": .array((["id", "user_id", "anonymous_id"] + traits).map(JSONValue.string)),
                                          "profiles": .array(matches.map { m in
                .object(["id": .string(m.id), "traits": .object(m.traits.mapValues(JSONValue.string)), "matched": .string(m.matched), "exact": .bool(m.exact)])
            })]))
        }
        read.get("profiles/:id") { _, context in
            let id = try context.path("id")
            guard let profile = try await store.profileDetail(id), case .object(var answer) = profile.json else {
                throw APIError.notFound("no profile is known by \"\(id)\" (a user id, anonymous id or profile id)")
            }
            // Beside the last refreshes' segments, the ones its data puts it in now.
            if let live = try await LiveMembership.of(profile, in: store, now: .now) { answer["live"] = live.json }
            return Response.json(.object(answer))
        }
        read.get("profiles/:id/events") { request, context in
            let id = try context.path("id")
            let limit = try request.intQuery("limit", default: 100, range: 1...1000)
            let cursor = request.query("cursor")
            guard let page = try await store.profileEvents(id, limit: limit, cursor: cursor) else {
                throw APIError.notFound("no profile is known by \"\(id)\"")
            }
            return Response.json(.object(["profile": .string(id), "events": .array(page.events), "next_cursor": page.nextCursor.map(JSONValue.string) ?? .null]))
        }
    }
}
