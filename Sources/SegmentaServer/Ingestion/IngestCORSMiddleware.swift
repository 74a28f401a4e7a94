public import Hummingbird
import SegmentaCore

/// CORS for the ingestion routes only, so that the browser SDKs (analytics.js, posthog-js,
/// RudderStack's JS) can post from a company's own site: preflights (`OPTIONS`) are answered for
/// the methods and headers asked for, and every answer — errors too — carries
/// `Access-Control-Allow-Origin`, so an SDK sees a 400 or a 503 instead of a blocked request.
///
/// Ingestion takes only write keys, which are public by design and never cookies, so opening
/// these routes gives another origin nothing it could not send with curl. The admin and read API
/// and the dashboard are never opened: a path outside ``IngestController/corsPaths`` passes
/// through untouched, and the browser then refuses other origins as it should.
struct IngestCORSMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    /// How long a browser may keep a preflight's answer (Chromium caps it at 2 hours).
    static let maxAge = "7200"
    /// Headers allowed when a preflight names none, or names them oddly.
    static let defaultHeaders = "content-type, authorization, anonymousid, sentat, content-encoding"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.isIngestion(request.uri.path) else { return try await next(request, context) }
        let origin = request.headers[.origin]
        if request.method == .options {
            var headers: HTTPFields = [.allow: "POST, OPTIONS"]
            if let origin {
                Self.allowOrigin(origin, in: &headers)
                headers[.accessControlAllowMethods] = "POST, GET, OPTIONS"
                headers[.accessControlAllowHeaders] = Self.allowedHeaders(request.headers[.accessControlRequestHeaders])
                headers[.accessControlMaxAge] = Self.maxAge
            }
            return Response(status: .noContent, headers: headers)
        }
        guard let origin else { return try await next(request, context) }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let e as any HTTPResponseError {
            response = try e.response(from: request, context: context)
        }
        Self.allowOrigin(origin, in: &response.headers)
        return response
    }

    /// True for the ingestion paths, with or without a trailing slash.
    static func isIngestion(_ path: String) -> Bool {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        return IngestController.corsPaths.contains(String(p))
    }

    /// The origin echoed (with credentials allowed: posthog-js sends them), `*` for the opaque
    /// origin `null`; `Retry-After` readable by the SDK.
    static func allowOrigin(_ origin: String, in headers: inout HTTPFields) {
        if origin == "null" {
            headers[.accessControlAllowOrigin] = "*"
        } else {
            headers[.accessControlAllowOrigin] = origin
            headers[.accessControlAllowCredentials] = "true"
        }
        headers[.vary] = "Origin"
        headers[.accessControlExposeHeaders] = "Retry-After"
    }

    /// The headers a preflight asked for when they are a plain list of header names (RudderStack
    /// asks for `anonymousid, authorization, content-type, sentat` and its `rsa-retry-*`), else
    /// the default list.
    static func allowedHeaders(_ requested: String?) -> String {
        guard let requested, !requested.isEmpty, requested.utf8.count <= 1024,
              requested.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_, ".unicodeScalars.contains($0) })
        else { return defaultHeaders }
        return requested
    }
}
