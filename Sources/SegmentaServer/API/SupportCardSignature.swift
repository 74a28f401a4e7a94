import Crypto
import Foundation
import HTTPTypes

/// How a helpdesk proves a support-card request is its own, with the secret shared with
/// Segmenta: Help Scout's dynamic apps send `X-HelpScout-Signature`, the Base64 HMAC-SHA1 of the
/// body (their scheme has no time in it); other callers (the Zendesk app, a proxy) send
/// `X-Segmenta-Timestamp` (Unix seconds) and `X-Segmenta-Signature: v1=` + the hex HMAC-SHA256 of
/// `timestamp.body`, refused when more than five minutes away from the server's clock.
struct SupportCardSignature: Sendable {
    /// The shared secret.
    let secret: String
    /// Most a timestamped request may be away from now.
    static let tolerance: Int64 = 300

    static let helpScout = HTTPField.Name("X-HelpScout-Signature")
    static let timestamp = HTTPField.Name("X-Segmenta-Timestamp")
    static let signature = HTTPField.Name("X-Segmenta-Signature")

    /// Nil when the request is signed with the secret (and, when timestamped, recent); else why not.
    func problem(_ headers: HTTPFields, body: [UInt8], now: Int64) -> String? {
        let key = SymmetricKey(data: Array(secret.utf8))
        if let sent = Self.helpScout.flatMap({ headers[$0] }) {
            let mac = Data(HMAC<Insecure.SHA1>.authenticationCode(for: body, using: key)).base64EncodedString()
            return Self.same(sent, mac) ? nil : "X-HelpScout-Signature does not match the body signed with the shared secret"
        }
        guard let stamp = Self.timestamp.flatMap({ headers[$0] }), let sent = Self.signature.flatMap({ headers[$0] }) else {
            return "sign the request: X-HelpScout-Signature (Help Scout), or X-Segmenta-Timestamp and X-Segmenta-Signature"
        }
        // `now` is the server's clock, far from the ends of Int64: the window cannot wrap.
        guard let seconds = Int64(stamp), seconds >= now &- Self.tolerance, seconds <= now &+ Self.tolerance else {
            return "X-Segmenta-Timestamp must be the Unix time in seconds, within \(Self.tolerance) s of the server's clock"
        }
        let mac = HMAC<SHA256>.authenticationCode(for: Array((stamp + ".").utf8) + body, using: key)
        let hex = mac.map { String(format: "%02x", $0) }.joined()
        return Self.same(sent, "v1=" + hex) ? nil : "X-Segmenta-Signature does not match v1=hex(HMAC-SHA256(secret, timestamp + \".\" + body))"
    }

    /// Compares in time independent of where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
