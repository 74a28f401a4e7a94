import Crypto
import SegmentaCore

/// How the ids of deleted people are kept: as hex SHA-256, never in clear. Enough to refuse a
/// suppressed id and to drop a queued message of a deleted person; not enough to list who asked.
public enum IDHash {
    /// The hash a person's id is kept as: hex SHA-256 of the id in NFC (``Swift/String/normalizedID``),
    /// so `José` sent composed or decomposed is one deleted person.
    public static func of(id: String) -> String { hex(id.normalizedID) }

    /// Hex SHA-256 of the text's UTF-8 bytes (also how API key tokens are kept).
    public static func hex(_ id: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: Array(id.utf8)) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
