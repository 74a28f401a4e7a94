/// Who moved where between two runs of an analysis that gives each profile one value (e.g. the
/// RFM segment): counts per (value before, value after), with `(gone)` for a profile only in the
/// first run and `(new)` for one only in the second.
public enum Transitions {
    /// Label of a profile absent from the second run.
    public static let gone = "(gone)"
    /// Label of a profile absent from the first run.
    public static let new = "(new)"

    /// The moves from `before` to `after`, each a list of (profile, value) sorted by profile with
    /// no profile twice: one merge pass, no hashing of a million ids. Sorted by from, then to.
    public static func count(from before: [(profile: String, value: String)], to after: [(profile: String, value: String)]) -> [(from: String, to: String, count: Int)] {
        struct Pair: Hashable { var from: String; var to: String }
        var counts: [Pair: Int] = [:]
        var i = 0, j = 0
        while i < before.count || j < after.count {
            if j == after.count || (i < before.count && before[i].profile < after[j].profile) {
                counts[Pair(from: before[i].value, to: gone), default: 0] += 1
                i += 1
            } else if i == before.count || after[j].profile < before[i].profile {
                counts[Pair(from: new, to: after[j].value), default: 0] += 1
                j += 1
            } else {
                counts[Pair(from: before[i].value, to: after[j].value), default: 0] += 1
                i += 1
                j += 1
            }
        }
        return counts.map { ($0.key.from, $0.key.to, $0.value) }.sorted { ($0.from, $0.to) < ($1.from, $1.to) }
    }

    /// Sorts (profile, value) pairs by profile, keeping the first of a repeated profile.
    public static func sortedUnique(_ pairs: [(profile: String, value: String)]) -> [(profile: String, value: String)] {
        if zip(pairs, pairs.dropFirst()).allSatisfy({ $0.profile < $1.profile }) { return pairs }   // already: O(n)
        var out: [(profile: String, value: String)] = []
        out.reserveCapacity(pairs.count)
        for i in pairs.indices.sorted(by: { pairs[$0].profile < pairs[$1].profile || (pairs[$0].profile == pairs[$1].profile && $0 < $1) })
        where out.last?.profile != pairs[i].profile {
            out.append(pairs[i])
        }
        return out
    }

    /// The pairs as one JSON object text, keys in profile order (a repeated profile keeps its
    /// first value): how a run's per-profile values are stored.
    public static func objectText(_ pairs: [(profile: String, value: String)]) -> String {
        var text = "{"
        for (profile, value) in sortedUnique(pairs) {
            if text.utf8.count > 1 { text += "," }
            JSONValue.writeString(profile, to: &text)
            text += ":"
            JSONValue.writeString(value, to: &text)
        }
        return text + "}"
    }

    /// The pairs of an object text as ``objectText(_:)`` writes it (compact, string values, no
    /// escapes), in text order, read in one pass over its bytes; nil when the text has any other
    /// form (spaces, escapes, other values), which a full JSON parser must then read.
    public static func pairs(compactObjectText text: String) -> [(profile: String, value: String)]? {
        var text = text
        return text.withUTF8 { b -> [(profile: String, value: String)]? in
            let quote = UInt8(ascii: "\""), n = b.count
            var i = 1
            // A string without escapes or control characters starting at `i`, which moves past it.
            func string() -> String? {
                guard i < n, b[i] == quote else { return nil }
                let start = i + 1
                var j = start
                while j < n, b[j] != quote {
                    guard b[j] != UInt8(ascii: "\\"), b[j] >= 0x20 else { return nil }
                    j += 1
                }
                guard j < n else { return nil }
                i = j + 1
                return String(decoding: UnsafeBufferPointer(rebasing: b[start..<j]), as: UTF8.self)
            }
            guard n >= 2, b[0] == UInt8(ascii: "{"), b[n - 1] == UInt8(ascii: "}") else { return nil }
            var out: [(profile: String, value: String)] = []
            if n == 2 { return out }
            while true {
                guard let key = string(), i < n, b[i] == UInt8(ascii: ":") else { return nil }
                i += 1
                guard let value = string(), i < n else { return nil }
                out.append((key, value))
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                return i == n - 1 ? out : nil
            }
        }
    }
}
