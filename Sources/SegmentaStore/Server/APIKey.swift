public import SegmentaCore

/// An API key as stored: never the token itself, only its hash and a short prefix to recognise it.
public struct APIKey: Sendable, Equatable {
    /// What a key may do. Write keys only ingest; read keys read; admin keys also change things.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case write, read, admin
    }

    /// The key's public id (shown in lists, never the secret).
    public var id: String
    /// write (ingestion only), read or admin.
    public var kind: Kind
    /// What it is for, as its creator named it.
    public var name: String
    /// The token's first characters, shown in listings (`sgw_3f9a…`).
    public var prefix: String
    /// When it was created.
    public var createdAt: Timestamp
    /// When it was revoked (nil: active).
    public var revokedAt: Timestamp?

    /// Creates a key record.
    public init(id: String, kind: Kind, name: String, prefix: String, createdAt: Timestamp, revokedAt: Timestamp? = nil) {
        self.id = id
        self.kind = kind
        self.name = name
        self.prefix = prefix
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}
