import Foundation

/// How a search compares text: case aside and accents aside, so that `JOSÉ`, `josé` and `jose` are
/// one, and `Núñez` finds "Nunez". One table — ASCII capitals, and the Latin letters of Latin-1 and
/// Latin Extended-A/B to their base letter (or, for a letter of its own such as Æ, its lower
/// case), lower case; combining accents removed — applied in Swift
/// (SQLite's `seg_fold`) and handed to PostgreSQL's `translate`, so both backends find the same
/// people. Letters of other scripts are compared as written.
enum SearchFold {
    /// Characters that fold, each to the character at the same place in `to`; the ones past its
    /// end (the combining accents, U+0300–U+036F) are removed (PostgreSQL's `translate` rule).
    static let from: String = String(String.UnicodeScalarView(table.map(\.0) + combining))
    /// What each character of `from` becomes.
    static let to: String = String(String.UnicodeScalarView(table.map(\.1)))

    /// `text` folded: what the search compares.
    static func fold(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if s.value >= 0x300, s.value <= 0x36F { continue }
            out.append(map[s] ?? s)
        }
        return String(out)
    }

    private static let combining: [Unicode.Scalar] = (0x300...0x36F).compactMap(Unicode.Scalar.init)

    /// (letter, what it folds to), in code point order.
    private static let table: [(Unicode.Scalar, Unicode.Scalar)] = {
        var pairs: [(Unicode.Scalar, Unicode.Scalar)] = []
        // Letters without a canonical decomposition, folded to the base letter a reader sees.
        let extra: [UInt32: Character] = [0xD8: "o", 0xF8: "o", 0x110: "d", 0x111: "d", 0x126: "h", 0x127: "h", 0x131: "i",
                                          0x141: "l", 0x142: "l", 0x166: "t", 0x167: "t", 0x180: "b", 0x197: "i", 0x1B5: "z", 0x1B6: "z"]
        for v in UInt32(0x41)...0x24F {
            guard let scalar = Unicode.Scalar(v) else { continue }
            let base: Character?
            if let e = extra[v] {
                base = e
            } else if let first = String(Character(scalar)).decomposedStringWithCanonicalMapping.unicodeScalars.first,
                      first.isASCII, first.properties.isAlphabetic {
                base = Character(first)
            } else if case let lower = String(scalar).lowercased().unicodeScalars, lower.count == 1, let l = lower.first {
                base = Character(l)   // a letter of its own (Æ, Þ, Ŋ): its lower case
            } else {
                base = nil
            }
            guard let b = base?.lowercased().unicodeScalars.first, b != scalar else { continue }
            pairs.append((scalar, b))
        }
        return pairs
    }()

    private static let map: [Unicode.Scalar: Unicode.Scalar] = Dictionary(table, uniquingKeysWith: { a, _ in a })
}
