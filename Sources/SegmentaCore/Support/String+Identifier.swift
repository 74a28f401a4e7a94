import Foundation

extension String {
    /// The form every id is kept and looked up in: Unicode NFC (composed), so `José` typed with
    /// `é` (U+00E9) or with `e` + U+0301 is one person — as Swift's own string comparison already
    /// treats them, and as a person reading the id would. Nothing else changes: no case folding, no
    /// trimming; spaces, `/`, `+` and `%` are kept. ASCII ids (most) are returned as they are.
    public var normalizedID: String {
        utf8.allSatisfy { $0 < 0x80 } ? self : precomposedStringWithCanonicalMapping
    }

    /// The text without the white space at either end (what a person typed around it).
    public var trimmedSpaces: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}

extension Message {
    /// The message with its ids (user, anonymous, previous, group) in NFC.
    public func normalizingIDs() -> Message {
        var m = self
        m.userID = userID?.normalizedID
        m.anonymousID = anonymousID?.normalizedID
        m.previousID = previousID?.normalizedID
        m.groupID = groupID?.normalizedID
        return m
    }
}
