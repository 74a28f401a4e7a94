/// Lists of names as people type them: `a, b,,a` → `[a, b]`.
public enum NameList {
    /// Comma-separated names, trimmed, blanks dropped, each kept once in first-seen order (a name
    /// given twice is never an error, and never a crash in code that keys by name).
    public static func parse(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: " \t") }.filter { !$0.isEmpty }.withoutRepeats()
    }
}

extension Sequence where Element: Hashable {
    /// The elements, each once, in first-seen order.
    public func withoutRepeats() -> [Element] {
        var seen: Set<Element> = []
        return filter { seen.insert($0).inserted }
    }
}

extension Substring {
    func trimmingCharacters(in blanks: String) -> String {
        var s = self
        while let c = s.first, blanks.contains(c) { s = s.dropFirst() }
        while let c = s.last, blanks.contains(c) { s = s.dropLast() }
        return String(s)
    }
}
