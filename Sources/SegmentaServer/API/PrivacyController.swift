public import Hummingbird
public import SegmentaCore
public import SegmentaStore
import Foundation

/// `/api/v1/privacy`: delete (and suppress) people, the status of a request, and everything held
/// on one person. Admin key only.
public struct PrivacyController: Sendable {
    let store: any PrivacyStore

    /// The controller over `store`.
    public init(store: any PrivacyStore) { self.store = store }

    /// Deletion and export of a person, admin keys only.
    public func addRoutes(admin: RouterGroup<AppRequestContext>) {
        let store = self.store
        admin.post("privacy/delete") { request, _ in
            let body = try await request.jsonBody()
            guard let list = body.objectValue?["userIds"], case .array(let items) = list, !items.isEmpty else {
                throw APIError(.unprocessableContent, code: "invalid_input", "send {\"userIds\": [\"…\"], \"suppress\": true|false} with 1 to 5,000 ids")
            }
            let ids = items.compactMap(\.idString)
            guard ids.count == items.count else { throw APIError(.unprocessableContent, code: "invalid_input", "userIds must all be non-empty strings") }
            let suppress: Bool
            switch body.objectValue?["suppress"] {
            case nil, .null?: suppress = false
            case .bool(let b)?: suppress = b
            default: throw APIError(.unprocessableContent, code: "invalid_input", "suppress must be true or false")
            }
            let id = "prv_" + UUID().uuidString.lowercased().replacingAll("-", with: "")
            let done = try await mapped(invalidStatus: .unprocessableContent) { try await store.deletePeople(ids, suppress: suppress, requestID: id) }
            return Response.json(done.json, status: .ok)
        }
        admin.get("privacy/requests/:id") { _, context in
            let id = try context.path("id")
            guard let r = try await store.privacyRequest(id: id) else { throw APIError.notFound("no privacy request \(id)") }
            return Response.json(r.json)
        }
        admin.get("privacy/export") { request, _ in
            guard let user = request.query("userId")?.normalizedID, !user.isEmpty else { throw APIError.badRequest("pass ?userId=ID (a user id or anonymous id)") }
            guard let data = try await store.exportPerson(user) else { throw APIError.notFound("nobody is known by \"\(user)\"") }
            return Response.json(data)
        }
    }
}

extension PrivacyRequest {
    /// The request as the API shows it.
    public var json: JSONValue {
        .object(["id": .string(id), "type": .string("delete"), "subjects": .number(Double(subjectHashes.count)), "subject_sha256": .array(subjectHashes.map(JSONValue.string)), "suppress": .bool(suppress),
                 "status": .string(status.rawValue), "removed": result, "created_at": .string(createdAt.iso8601),
                 "completed_at": completedAt.map { .string($0.iso8601) } ?? .null])
    }
}
