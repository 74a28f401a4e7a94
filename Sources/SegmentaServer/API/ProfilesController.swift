public import Hummingbird
public import SegmentaCore
public import SegmentaStore

/// `/api/v1/profiles/{id}`: what a support desk asks before answering a ticket — traits,
/// computed traits, segments, identities, accounts, activity — and the profile's events.
public struct ProfilesController: Sendable {
    let store: any Storage

    public init(store: any Storage) { self.store = store }

    public func addRoutes(read: RouterGroup<AppRequestContext>) {
        let store = self.store
        read.get("profiles/:id") { _, context in
            let id = try context.path("id")
            guard let profile = try await mapped({ try await store.profileDetail(id) }) else {
                throw APIError.notFound("no profile is known by \"\(id)\" (a user id, anonymous id or profile id)")
            }
            return Response.json(profile)
        }
        read.get("profiles/:id/events") { request, context in
            let id = try context.path("id")
            let limit = try request.intQuery("limit", default: 100, range: 1...1000)
            let cursor = request.query("cursor")
            guard let page = try await mapped({ try await store.profileEvents(id, limit: limit, cursor: cursor) }) else {
                throw APIError.notFound("no profile is known by \"\(id)\"")
            }
            return Response.json(.object(["profile": .string(id), "events": .array(page.events), "next_cursor": page.nextCursor.map(JSONValue.string) ?? .null]))
        }
    }
}
