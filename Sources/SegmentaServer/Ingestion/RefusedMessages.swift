public import Hummingbird
import SegmentaCore
import NIOCore

/// The answer to an SDK request some of whose messages were refused (after the others were
/// stored): `{"code":"messages_refused","message","detail","stored","refused_count","refused":[{"index","code","reason"}]}`
/// with 400, or 413 when each refusal is a message over 32 KiB.
public struct RefusedMessages: Error, HTTPResponseError, Sendable {
    /// How many refusals the body lists at most (the count says how many there were).
    static let listed = 100

    /// 400 or 413.
    public var status: HTTPResponse.Status
    /// What was refused and what was stored, in a sentence.
    public var message: String
    /// How many messages of the request were stored (or were already, under their messageId).
    public var stored: Int
    /// The first ``listed`` refusals: the message's index in the request, a code, a reason.
    public var refused: [(index: Int, code: String, reason: String)]
    /// How many messages were refused in all.
    public var refusedCount: Int

    /// The JSON body with the status.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let list = refused.map { r in JSONValue.object(["index": .number(Double(r.index)), "code": .string(r.code), "reason": .string(r.reason)]) }
        let body = JSONValue.object([
            "code": .string("messages_refused"), "message": .string(message), "detail": .string(message),
            "stored": .number(Double(stored)), "refused_count": .number(Double(refusedCount)), "refused": .array(list),
        ]).jsonText
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
