public import Hummingbird
public import SegmentaCore
import NIOCore

extension Request {
    /// The body as JSON (parsed with ``JSONTextParser/Limits/request``), or a 400 saying why not
    /// (413 when it is over a size limit).
    func jsonBody(limit: Int = 1024 * 1024) async throws -> JSONValue {
        let buffer: ByteBuffer
        do { buffer = try await body.collect(upTo: limit) } catch {
            throw APIError(.contentTooLarge, code: "payload_too_large", "the request body is over \(limit / 1024) KiB")
        }
        do {
            return try buffer.parseJSON(limits: .request)
        } catch {
            throw APIError.invalidJSON(error)
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
    /// A path parameter, percent-decoded (`Jos%C3%A9` → `José`, `a%2Fb` → `a/b`; `+` stays `+`)
    /// and in NFC like every stored id (``Swift/String/normalizedID``). Malformed percent-encoding is a 400.
    func path(_ name: String) throws -> String {
        let raw = try parameters.require(name)
        guard raw.contains("%") else { return raw.normalizedID }
        guard let decoded = raw.removingPercentEncoding else {
            throw APIError.badRequest("the path segment \"\(raw)\" is not valid percent-encoding (write é as %C3%A9, / as %2F, % as %25)")
        }
        return decoded.normalizedID
    }
}

extension ByteBuffer {
    /// The readable bytes parsed as one JSON value.
    func parseJSON(limits: JSONTextParser.Limits = .standard) throws(JSONTextParser.SyntaxError) -> JSONValue {
        try withUnsafeReadableBytes { raw throws(JSONTextParser.SyntaxError) in
            try JSONTextParser.parse(bytes: raw.bindMemory(to: UInt8.self), limits: limits)
        }
    }
}
