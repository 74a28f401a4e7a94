public import Hummingbird
public import SegmentaStore

/// Checks `Authorization: Bearer TOKEN` against the stored keys and requires a kind: read routes
/// take read or admin keys, admin routes admin keys only. Write (ingestion) keys pass only the
/// experiment-assignment route apps call.
public struct TokenMiddleware: RouterMiddleware {
    /// The request context.
    public typealias Context = AppRequestContext
    let store: any AccessStore
    let needed: APIKey.Kind

    /// - Parameter needed: `.read` (read or admin keys), `.admin` (admin keys), `.write` (write or
    ///   admin keys), `.support` (support, read or admin keys: the one-person lookup).
    public init(store: any AccessStore, needs needed: APIKey.Kind) {
        self.store = store
        self.needed = needed
    }

    /// Checks the key (401 without one or for an unknown one, 403 for the wrong kind) before the body is read.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = Self.bearer(request) else {
            throw APIError.unauthorized("this route needs `Authorization: Bearer TOKEN` with a read or admin key; create one with `segmenta keys create --kind read`")
        }
        guard let key = try await APIKeys.authenticate(token, in: store) else {
            throw APIError.unauthorized("the token is unknown or revoked; `segmenta keys list` shows the active keys")
        }
        guard key.kind == .admin || key.kind == needed || (needed == .support && key.kind == .read) else {
            throw APIError.forbidden(key.kind == .write
                ? "write keys can only send data to the ingestion routes; use a read or admin key here"
                : key.kind == .support ? "support keys look up one person at a time (GET /api/v1/support/lookup) and nothing else; use a read or admin key here"
                : needed == .write ? "this route is for apps: use a write key (or an admin key)"
                : "this route changes data and needs an admin key; this one is a \(key.kind.rawValue) key")
        }
        var context = context
        context.key = key
        return try await next(request, context)
    }

    static func bearer(_ request: Request) -> String? {
        guard let value = request.headers[.authorization] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingWhitespace()
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return String(s)
    }
}
