public import Hummingbird

/// The one place where a library error becomes an HTTP answer, for every route: a
/// ``SegmentaError`` thrown by a handler (a store, a job, a rule) is answered by its code —
/// invalid input 400, not found 404, conflict 409, timeout and storage faults 503 — and an internal
/// one is logged with its details and answered as a plain 500 (``httpError(_:invalidStatus:)``).
/// Handlers call the stores directly; only a route whose invalid input is a 422 (a definition
/// that parses but cannot be saved) says so with ``mapped(invalidStatus:_:)``.
struct LibraryErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let e as any HTTPResponseError {
            throw e
        } catch {
            throw httpError(error, invalidStatus: .badRequest)
        }
    }
}
