public import Hummingbird
public import SegmentaStore

/// The request context of every route: Hummingbird's core context plus the API key that
/// authenticated the request, once a middleware has checked it.
public struct AppRequestContext: RequestContext {
    /// Hummingbird's own request state.
    public var coreContext: CoreRequestContextStorage
    /// The key behind `Authorization: Bearer …`, set by ``TokenMiddleware``.
    public var key: APIKey?
    /// The signed-in dashboard viewer, set by the session middleware.
    var viewer: Viewer?

    /// The viewer of a page behind the session middleware; a 401 (never a crash) if a route was
    /// wired without it.
    func signedIn() throws -> Viewer {
        guard let viewer else { throw APIError.unauthorized("sign in first") }
        return viewer
    }
    /// SDK batches may be several MiB; ingestion enforces its own limit with a clear 413.
    public var maxUploadSize: Int { 16 * 1024 * 1024 }

    /// A context for a new request.
    public init(source: Source) {
        coreContext = .init(source: source)
    }
}
