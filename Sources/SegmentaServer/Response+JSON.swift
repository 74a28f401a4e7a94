public import Hummingbird
public import SegmentaCore
import NIOCore

extension Response {
    /// A JSON response of `value`.
    public static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: value.jsonText)))
    }
}
