public import SegmentaCore
import Foundation

/// An API key as stored: never the token itself, only its hash and a short prefix to recognise it.
public struct APIKey: Sendable, Equatable {
    /// What a key may do. Write keys only ingest; read keys read; admin keys also change things;
    /// support keys look up one person at a time (`GET /api/v1/support/lookup`) and nothing else.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case write, read, admin, support
    }

    /// The key's public id (shown in lists, never the secret).
    public var id: String
    /// write (ingestion only), read, admin or support (one person at a time).
    public var kind: Kind
    /// What it is for, as its creator named it.
    public var name: String
    /// The token's first characters, shown in listings (`sgw_3f9a…`).
    public var prefix: String
    /// When it was created.
    public var createdAt: Timestamp
    /// When it was revoked (nil: active).
    public var revokedAt: Timestamp?
    /// Write keys: the only web origins (`https://shop.example`) whose pages may send with it; nil
    /// takes any. A browser always sends `Origin` and a page cannot change it, so a key copied from
    /// one site's page does not work on another's; servers send no `Origin` and are not concerned.
    public var origins: [String]?

    /// Creates a key record.
    public init(id: String, kind: Kind, name: String, prefix: String, createdAt: Timestamp, revokedAt: Timestamp? = nil, origins: [String]? = nil) {
        self.id = id
        self.kind = kind
        self.name = name
        self.prefix = prefix
        self.createdAt = createdAt
        self.revokedAt = revokedAt
        self.origins = origins
    }

    /// The origins as stored: one per line, or nil for any.
    public var originsText: String? { origins.map { $0.joined(separator: "\n") } }

    /// Origins read back from ``originsText``.
    public static func origins(fromText text: String?) -> [String]? {
        text.map { $0.split(separator: "\n").map(String.init) }
    }

    /// An origin as a browser sends it (`https://shop.example`, `http://localhost:3000`: a scheme,
    /// a host, a port, no path), lower-cased; or an error saying what to write instead.
    public static func normalizedOrigin(_ text: String) throws(SegmentaError) -> String {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let rest: Substring
        if t.hasPrefix("https://") { rest = t.dropFirst(8) } else if t.hasPrefix("http://") { rest = t.dropFirst(7) } else {
            throw SegmentaError(.invalidInput, "origin \"\(text)\" must start with https:// or http:// (as https://shop.example)")
        }
        guard !rest.isEmpty, rest.count <= 253, !rest.contains("/"), !rest.contains("@"), !rest.contains("?"), !rest.contains("#"),
              rest.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 })
        else {
            throw SegmentaError(.invalidInput, "origin \"\(text)\" must be a scheme and a host, with a port if any and no path (as https://shop.example or http://localhost:3000)")
        }
        return t
    }
}
