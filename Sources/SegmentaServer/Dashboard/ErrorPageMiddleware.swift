public import Hummingbird
import SegmentaCore
import SegmentaPages

/// Errors on dashboard pages as pages: a styled HTML answer with the right status (404, 403,
/// 500…) and a way back, instead of raw JSON or the browser's empty page. The API, ingestion and
/// the builder's JSON calls keep their JSON errors; an unknown URL asked for by a browser (it
/// accepts `text/html`) gets the page too.
struct ErrorPageMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    /// The templates.
    let renderer: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            guard Self.wantsPage(request) else { throw error }
            let status: HTTPResponse.Status, message: String
            switch error {
            case let e as APIError: (status, message) = (e.status, e.message)
            case let e as HTTPError: (status, message) = (e.status, e.status == .notFound ? "There is no page at \(request.uri.path)." : e.status.reasonPhrase)
            default: (status, message) = (.internalServerError, "Something went wrong on our side; the server log has the details.")
            }
            guard status.code >= 400 else { throw error }
            return DashboardController.html(Self.page(renderer, status: status, message: message), status: status)
        }
    }

    /// A browser asking for a page: a GET outside the API, ingestion and asset routes that accepts
    /// HTML (a browser's Accept, `*/*` as curl sends, or none).
    static func wantsPage(_ request: Request) -> Bool {
        let path = request.uri.path
        let accept = request.headers[.accept]
        guard request.method == .get, accept == nil || accept?.contains("text/html") == true || accept?.contains("*/*") == true else { return false }
        return !["/api/", "/v1/", "/batch", "/capture", "/i/v0", "/e/", "/flags", "/decide", "/assets/", "/ui/", "/metrics", "/health", "/openapi.json"].contains { path.hasPrefix($0) }
    }

    static func page(_ renderer: PageRenderer, status: HTTPResponse.Status, message: String) -> String {
        let title: String
        switch status.code {
        case 404: title = "Not found"
        case 401: title = "Sign in first"
        case 403: title = "Not allowed"
        case 500...: title = "Something went wrong"
        default: title = status.reasonPhrase
        }
        return renderer.render(Page(title, chrome: .bare(BareChrome(showHeading: true)), [
            .paragraph([.text(message)]),
            .note([.text("Status \(status.code). "), .link("/", "Back to the overview"), .text(" · "), .link("/profiles", "Find a customer")]),
        ]))
    }
}
