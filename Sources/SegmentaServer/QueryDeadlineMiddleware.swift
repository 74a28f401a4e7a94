public import Hummingbird
import SegmentaStore

/// Gives every request a deadline for its SQL (``QueryDeadline``): a statement still running past
/// it is interrupted and the request answers 503 `timeout`. Bounds how long any request can hold a
/// database connection, and so how long a graceful shutdown can wait for one.
public struct QueryDeadlineMiddleware: RouterMiddleware {
    /// The request context.
    public typealias Context = AppRequestContext
    let limit: Duration

    /// A middleware giving every request's SQL `limit` in all.
    public init(limit: Duration) { self.limit = limit }

    /// Runs the request with its SQL deadline.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let deadline = QueryDeadline.deadline(after: limit)
        return try await QueryDeadline.$current.withValue(deadline) { try await next(request, context) }
    }
}
