/// A piece of running text on a page: words, a link, a time, a hover term, a chart. Templates
/// escape every text; only a chart (SVG from SegmentaCharts) is inserted as it is.
public enum Inline: Sendable {
    /// Plain text.
    case text(String)
    /// Bold text.
    case strong(String)
    /// A link.
    case link(Link)
    /// A time people read, ISO-8601 on hover.
    case time(TimeText)
    /// Text in a styled span (a tone such as `error` or `note`, and/or a hover title).
    case styled(Styled)
    /// A term explained on hover.
    case abbr(Abbr)
    /// An SVG chart drawn by SegmentaCharts.
    case chart(String)
}

extension Inline: TemplateCase {
    /// ``TemplateCase/caseNames``.
    public static let caseNames: Set<String> = ["text", "strong", "link", "time", "styled", "abbr", "chart"]

    /// ``TemplateCase/named``.
    public var named: (name: String, payload: Any) {
        switch self {
        case .text(let v): ("text", v)
        case .strong(let v): ("strong", v)
        case .link(let v): ("link", v)
        case .time(let v): ("time", v)
        case .styled(let v): ("styled", v)
        case .abbr(let v): ("abbr", v)
        case .chart(let v): ("chart", v)
        }
    }
}

/// A link: where, the words shown, and an optional class (`pill`, `button`).
public struct Link: Sendable {
    /// The address.
    public var href: String
    /// The words shown.
    public var label: String
    /// A class for the anchor, or "".
    public var linkClass: String

    /// A link to `href` reading `label`.
    public init(_ href: String, _ label: String, class linkClass: String = "") {
        self.href = href
        self.label = label
        self.linkClass = linkClass
    }
}

/// A time as people read it, with its ISO-8601 form for machines and on hover.
public struct TimeText: Sendable {
    /// ISO-8601.
    public var iso: String
    /// As shown ("22 Nov 2026, 15:20 UTC").
    public var shown: String

    /// A time shown as `shown`, ISO-8601 `iso`.
    public init(iso: String, shown: String) {
        self.iso = iso
        self.shown = shown
    }
}

/// Words in a span with a class and/or a hover title.
public struct Styled: Sendable {
    /// The class (`error`, `ok`, `note`, `pill pass`…), or "".
    public var styleClass: String
    /// A hover title, or "".
    public var hover: String
    /// The words.
    public var words: String

    /// `words` styled by `styleClass`, with `hover` on hover.
    public init(_ words: String, class styleClass: String = "", hover: String = "") {
        self.styleClass = styleClass
        self.hover = hover
        self.words = words
    }
}

/// A term explained on hover.
public struct Abbr: Sendable {
    /// The term as written.
    public var term: String
    /// What it means.
    public var meaning: String
}
