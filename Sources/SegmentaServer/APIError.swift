public import Hummingbird
public import SegmentaCore
import NIOCore

/// An error answered as `{"code","message","detail"}` with an HTTP status: what was wrong and how
/// to fix it. PostHog's SDK reads `detail`, everyone else `message`; both say the same.
public struct APIError: Error, HTTPResponseError, Sendable {
    /// The HTTP status answered.
    public var status: HTTPResponse.Status
    /// A stable machine-readable code (`invalid_input`, `not_found`, `rate_limited`, …).
    public var code: String
    /// What was wrong and how to fix it.
    public var message: String
    /// Extra headers, e.g. `Retry-After` on 503.
    public var headers: HTTPFields = [:]

    /// An error with its status, code, message and extra headers.
    public init(_ status: HTTPResponse.Status, code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    /// Maps a library error to its status at the edge: invalid input 400 (or `invalidStatus`), not found 404, conflict 409, else 500.
    public init(_ error: SegmentaError, invalidStatus: HTTPResponse.Status = .badRequest) {
        switch error.code {
        case .invalidInput: self.init(invalidStatus, code: "invalid_input", error.message)
        case .notFound: self.init(.notFound, code: "not_found", error.message)
        case .conflict: self.init(.conflict, code: "conflict", error.message)
        case .timeout: self.init(.serviceUnavailable, code: "timeout", error.message)
        case .cancelled: self.init(.serviceUnavailable, code: "cancelled", error.message)
        default: self = .internalError
        }
    }

    /// The JSON body `{"code","message","detail"}` with the status and headers.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = JSONValue.object(["code": .string(code), "message": .string(message), "detail": .string(message)]).jsonText
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func unauthorized(_ message: String) -> APIError { APIError(.unauthorized, code: "unauthorized", message) }
    static func forbidden(_ message: String) -> APIError { APIError(.forbidden, code: "forbidden", message) }
    static func badRequest(_ message: String, code: String = "invalid_request") -> APIError { APIError(.badRequest, code: code, message) }
    static func notFound(_ message: String) -> APIError { APIError(.notFound, code: "not_found", message) }
    /// The 500 for anything internal: it says nothing of SQL or internals (they go to the log).
    static let internalError = APIError(.internalServerError, code: "internal_error", "the server could not complete this request; it was logged — retry, and report it if it persists")
    /// 400 for text that is not JSON (or not UTF-8), 413 for JSON over a parsing limit.
    static func invalidJSON(_ error: JSONTextParser.SyntaxError) -> APIError {
        error.isLimit
            ? APIError(.contentTooLarge, code: "payload_too_large", "\(error); send smaller batches (at most 10,000 messages, nesting ≤ 32, strings ≤ 1 MiB)")
            : APIError.badRequest("the body is not valid JSON: \(error)", code: "invalid_json")
    }
}
