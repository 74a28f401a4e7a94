public import Hummingbird
public import SegmentaStore
import SegmentaJobs

/// `/api/v1/support/lookup`: one person at ticket time, for a helpdesk — with a support key
/// (which can do nothing else), a read or an admin key.
public struct SupportController: Sendable {
    let store: any ProfileStore & SegmentStore

    /// The controller over `store`.
    public init(store: any ProfileStore & SegmentStore) { self.store = store }

    /// `GET /api/v1/support/lookup?email=…` or `?user_id=…`.
    public func addRoutes(support: RouterGroup<AppRequestContext>) {
        let store = self.store
        support.get("support/lookup") { request, _ in
            Response.json(try await SupportLookup.find(email: request.query("email"), id: request.query("user_id"), in: store, now: .now).json)
        }
    }
}
