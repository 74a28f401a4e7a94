public import Hummingbird
public import SegmentaStore

/// What a signed-in page knows about its viewer.
struct Viewer: Sendable {
    var sessionID: String
    var session: Sessions.Session
    var isAdmin: Bool { session.kind == .admin }
}

/// Signs pages in: the session cookie must name a live session whose key is still active; else
/// GET pages redirect to the sign-in page and anything else gets 401. State-changing requests
/// must carry the session's CSRF token (form field `csrf` or header `X-CSRF-Token`).
struct SessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let store: any AccessStore
    let sessions: Sessions

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let id = request.cookies[Sessions.cookie]?.value, let session = try await sessions.session(id),
              let key = try await store.key(id: session.keyID), key.revokedAt == nil else {
            if request.method == .get {
                let next = request.uri.path == "/" ? "" : "?next=" + (request.uri.path.addingPercentEncodingForQuery())
                return Response(status: .seeOther, headers: [.location: "/login" + next])
            }
            throw APIError.unauthorized("sign in first")
        }
        var context = context
        context.key = key
        context.viewer = Viewer(sessionID: id, session: session)
        return try await next(request, context)
    }
}

extension String {
    /// Percent-encodes everything but unreserved characters and `/` (for a query value or a path).
    func addingPercentEncodingForQuery() -> String { percentEncoded(keepingSlash: true) }

    /// The string as one path segment: everything but unreserved characters percent-encoded, `/` included.
    func addingPercentEncodingForPathSegment() -> String { percentEncoded(keepingSlash: false) }

    private func percentEncoded(keepingSlash: Bool) -> String {
        var out = ""
        for b in utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(Character(UnicodeScalar(b)))
            case UInt8(ascii: "/") where keepingSlash:
                out.append("/")
            default:
                out += "%" + String(format2: b).uppercased()
            }
        }
        return out
    }
}
