/// Terms a first-time reader may not know, explained on hover wherever a heading, a figure's
/// label, a table header or a note uses them (the first use in each piece of text).
public enum Glossary {
    /// The terms and what they mean.
    public static let terms: [(term: String, meaning: String)] = [
        ("P(alive)", "The chance the customer has not silently stopped buying (BG/NBD model), from how often and how recently they bought."),
        ("CLV", "Customer lifetime value: what the customer is expected to spend over the next 12 months, discounted 1 % a month (BG/NBD + Gamma-Gamma)."),
        ("silhouette", "How well people fit their persona rather than the next one, from −1 (misplaced) to 1 (clearly apart); above 0.25 the personas are real structure."),
        ("Holm", "p-values adjusted for testing several KPIs (or traits) at once, so that 5 % stays 5 % for the whole table (Holm's method)."),
        ("AUC", "Area under the ROC curve: the chance the model ranks a random churner above a random stayer (0.5 = a coin toss, 1 = perfect)."),
        ("censored", "Periods after the end of the data: not observable yet, so left empty rather than counted as zero."),
        ("χ²", "The chi-square test: whether two mixes of values differ by more than chance allows."),
    ]

    /// `text` as pieces: the first use of each term becomes a hover explanation.
    public static func explained(_ text: String) -> [Inline] {
        var hits: [(range: Range<String.Index>, term: String, meaning: String)] = []
        for (term, meaning) in terms {
            guard let r = text.range(of: term), !hits.contains(where: { $0.range.overlaps(r) }) else { continue }
            hits.append((r, term, meaning))
        }
        hits.sort { $0.range.lowerBound < $1.range.lowerBound }
        var out: [Inline] = []
        var at = text.startIndex
        for h in hits {
            if at < h.range.lowerBound { out.append(.text(String(text[at..<h.range.lowerBound]))) }
            out.append(.abbr(Abbr(term: h.term, meaning: h.meaning)))
            at = h.range.upperBound
        }
        if at < text.endIndex { out.append(.text(String(text[at...]))) }
        return out
    }
}
