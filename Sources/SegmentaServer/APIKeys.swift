public import SegmentaCore
public import SegmentaStore
import Crypto

/// Issues and checks API keys. Tokens are random (256 bits), shown once, and stored only as
/// their SHA-256, so a copy of the database does not give access.
public enum APIKeys {
    /// Creates a key and returns its record and the token (the only time the token exists in clear).
    /// - Parameter origins: write keys only: the web origins whose pages may send with it (nil: any).
    public static func create(_ kind: APIKey.Kind, name: String, origins: [String]? = nil, in store: any AccessStore) async throws(SegmentaError) -> (key: APIKey, token: String) {
        var allowed: [String]?
        if let origins {
            guard kind == .write else {
                throw SegmentaError(.invalidInput, "--origin is for write keys (the browser SDKs'); read and admin keys are never accepted from a web page")
            }
            var list: [String] = []
            for o in origins { let n = try APIKey.normalizedOrigin(o); if !list.contains(n) { list.append(n) } }
            guard !list.isEmpty else { throw SegmentaError(.invalidInput, "name at least one origin, as --origin https://shop.example") }
            allowed = list
        }
        let token = prefix(kind) + randomHex(bytes: 32)
        let key = APIKey(id: randomHex(bytes: 6), kind: kind, name: name, prefix: String(token.prefix(12)), createdAt: .now, origins: allowed)
        try await store.insertKey(key, hash: hash(token))
        return (key, token)
    }

    /// Stores a token chosen elsewhere (`SEGMENTA_WRITE_KEY`, `SEGMENTA_ADMIN_TOKEN`) unless it is
    /// already stored; returns its key.
    @discardableResult
    public static func adopt(_ token: String, kind: APIKey.Kind, name: String, in store: any AccessStore) async throws(SegmentaError) -> APIKey {
        guard token.count >= 16 else {
            throw SegmentaError(.invalidInput, "a key must be at least 16 characters; leave the variable unset to have one generated")
        }
        if let existing = try await store.activeKey(hash: hash(token)) { return existing }
        let key = APIKey(id: randomHex(bytes: 6), kind: kind, name: name, prefix: String(token.prefix(12)), createdAt: .now)
        try await store.insertKey(key, hash: hash(token))
        return key
    }

    /// The active key of `token`, if any.
    public static func authenticate(_ token: String, in store: any AccessStore) async throws(SegmentaError) -> APIKey? {
        guard !token.isEmpty else { return nil }
        return try await store.activeKey(hash: hash(token))
    }

    /// Hex SHA-256 of a token.
    public static func hash(_ token: String) -> String {
        IDHash.hex(token)
    }

    /// The start of a token of this kind (`sgw_`, `sgr_`, `sga_`, `sgs_`), to tell keys apart at a glance.
    public static func prefix(_ kind: APIKey.Kind) -> String {
        switch kind {
        case .write: return "sgw_"
        case .read: return "sgr_"
        case .admin: return "sga_"
        case .support: return "sgs_"
        }
    }

    /// `bytes` random bytes from the system generator, as lowercase hex.
    public static func randomHex(bytes: Int) -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format2: UInt8.random(in: 0...255, using: &g)) }.joined()
    }
}

extension String {
    /// Two lowercase hex digits.
    init(format2 byte: UInt8) {
        let digits = Array("0123456789abcdef")
        self = String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}
