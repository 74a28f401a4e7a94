/// The form bodies PostHog's capture endpoint accepts besides JSON: `data=<base64 JSON>` and
/// `data=<lz-string base64>` with `compression=lz64` (posthog-js before gzip-js, and its
/// `sendBeacon` fallback), as `application/x-www-form-urlencoded`.
///
/// posthog-js's `gzip-js` body is plain gzip with no `Content-Encoding`: the server gunzips it
/// before this step (it starts with gzip's magic bytes).
public enum PostHogFormBody {
    /// The compressions named by the `compression` query or form field.
    public enum Compression: String, Sendable {
        /// Base64 of the JSON text.
        case base64
        /// lz-string's `compressToBase64` of the JSON text.
        case lz64
    }

    /// True when a body looks like a form (`data=…`, `compression=…`) rather than JSON.
    public static func isForm(_ body: some Collection<UInt8>) -> Bool {
        guard let first = body.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) else { return false }
        return first != UInt8(ascii: "{") && first != UInt8(ascii: "[")
    }

    /// The JSON text held by a form body.
    /// - Parameters:
    ///   - body: the form (`data=…&compression=…`).
    ///   - compression: the `compression` query parameter, when the form itself has none.
    ///   - maxBytes: the most bytes the JSON text may have once decoded.
    /// - Throws: ``Message/Invalid`` saying what is wrong (no `data` field, bad base64 or lz64).
    public static func json(from body: some Collection<UInt8>, compression: String?, maxBytes: Int) throws(Message.Invalid) -> [UInt8] {
        let fields = formFields(Array(body))
        guard let data = fields["data"] else {
            throw Message.Invalid(code: "invalid_body", reason: "the body is neither JSON nor a form with a data field; send JSON, gzip, or data=<base64 JSON>")
        }
        let named = fields["compression"].map { String(decoding: $0, as: UTF8.self) } ?? compression
        // A form's "+" decodes to a space; in base64 it was a "+" the sender did not escape.
        let text = data.map { $0 == 0x20 ? UInt8(ascii: "+") : $0 }
        if named?.lowercased() == Compression.lz64.rawValue {
            do {
                let json = try LZString.decompressFromBase64(text, maxUnits: maxBytes)
                return Array(json.utf8)
            } catch {
                throw Message.Invalid(code: "invalid_lz64", reason: "compression=lz64 but the data field is not lz-string base64: \(error.reason)")
            }
        }
        if PostHogFormBody.isForm(text) {
            guard let decoded = Base64.decode(text), decoded.count <= maxBytes else {
                throw Message.Invalid(code: "invalid_base64", reason: "the data field is neither JSON nor base64 of JSON (or it decodes to more than \(maxBytes) bytes)")
            }
            return decoded
        }
        return text   // data=<JSON>, URL-encoded
    }

    /// `application/x-www-form-urlencoded` fields, percent-decoded, `+` as a space; the first of a repeated name wins.
    static func formFields(_ body: [UInt8]) -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(decoding: percentDecoded(parts[0]), as: UTF8.self)
            if out[name] == nil { out[name] = parts.count > 1 ? percentDecoded(parts[1]) : [] }
        }
        return out
    }

    static func percentDecoded(_ s: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if c == UInt8(ascii: "+") {
                out.append(0x20)
            } else if c == UInt8(ascii: "%"), i + 2 < s.endIndex, let hi = hex(s[i + 1]), let lo = hex(s[i + 2]) {
                out.append(hi << 4 | lo)
                i += 2
            } else {
                out.append(c)
            }
            i += 1
        }
        return out
    }

    static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
