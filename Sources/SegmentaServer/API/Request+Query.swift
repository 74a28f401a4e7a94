public import Hummingbird
public import SegmentaCore
import NIOCore

extension Request {
    /// The body as JSON, or a 400 saying why not.
    func jsonBody(limit: Int = 1024 * 1024) async throws -> JSONValue {
        do {
            return try await body.collect(upTo: limit).parseJSON()
        } catch let error as JSONTextParser.SyntaxError {
            throw APIError.badRequest("the body is not valid JSON: \(error)", code: "invalid_json")
        }
    }

    /// A positive integer query parameter within bounds, or a 400.
    func intQuery(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = uri.queryParameters[name[...]] else { return value }
        guard let v = Int(text), range.contains(v) else {
            throw APIError.badRequest("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound) (got \"\(text)\")")
        }
        return v
    }

    /// A query parameter as a String.
    func query(_ name: String) -> String? { uri.queryParameters[name[...]].map(String.init) }
}

extension AppRequestContext {
    /// A path parameter (always present when the route matched).
    func path(_ name: String) throws -> String {
        try parameters.require(name)
    }
}

extension ByteBuffer {
    /// The readable bytes parsed as one JSON value.
    func parseJSON() throws(JSONTextParser.SyntaxError) -> JSONValue {
        try withUnsafeReadableBytes { raw throws(JSONTextParser.SyntaxError) in
            try JSONTextParser.parse(bytes: raw.bindMemory(to: UInt8.self))
        }
    }
}
