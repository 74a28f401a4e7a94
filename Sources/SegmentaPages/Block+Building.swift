public import SegmentaCore

/// Short ways to build the parts pages are made of.
extension Block {
    /// A section titled `title` holding `blocks`, with `note` under it.
    public static func section(_ title: String, _ blocks: [Block], note: String = "") -> Block {
        .section(Section(title, blocks, note: note))
    }

    /// Big figures, each with its caption.
    public static func stats(_ items: [(label: String, value: String)]) -> Block {
        .stats(Stats(statItems: items.map { Stat(figure: $0.value, caption: Glossary.explained($0.label)) }))
    }

    /// A table with `header` (terms explained on hover) and `rows`; columns in `numeric` are numbers.
    public static func table(_ header: [String], _ rows: [[Cell]], numeric: Set<Int> = []) -> Block {
        func marked(_ cells: [Cell]) -> [Cell] {
            cells.enumerated().map { i, c in
                var c = c
                c.numeric = numeric.contains(i)
                return c
            }
        }
        return .table(Table(headers: marked(header.map { Cell(Glossary.explained($0)) }), bodyRows: rows.map { TableRow(cells: marked($0)) }))
    }

    /// A paragraph of `words` with class `style` and ARIA `role`.
    public static func paragraph(_ words: [Inline], class style: String = "", role: String = "") -> Block {
        .paragraph(Paragraph(paraClass: style, role: role, words: words))
    }

    /// A quiet note (terms explained on hover).
    public static func note(_ text: String) -> Block { .paragraph(Glossary.explained(text), class: "note") }

    /// A quiet note made of pieces.
    public static func note(_ words: [Inline]) -> Block { .paragraph(words, class: "note") }

    /// What an empty part says instead.
    public static func empty(_ text: String) -> Block { .paragraph([.text(text)], class: "empty") }

    /// Parts side by side.
    public static func row(_ items: [Block]) -> Block { .row(Group(items: items)) }

    /// Parts stacked in one column of a row.
    public static func column(_ items: [Block]) -> Block { .column(Group(items: items)) }

    /// A list of items.
    public static func list(class style: String = "", _ items: [ListItem]) -> Block { .list(ListBlock(class: style, items)) }
}

extension Inline {
    /// A time as people read it ("22 Nov 2026, 15:20 UTC", or the date alone), ISO-8601 on hover.
    public static func when(_ t: Timestamp, time: Bool = true) -> Inline {
        .time(TimeText(iso: t.iso8601, shown: time ? t.readable : t.readableDate))
    }

    /// A link to `href` reading `label`.
    public static func link(_ href: String, _ label: String, class style: String = "") -> Inline { .link(Link(href, label, class: style)) }

    /// `words` in a span of class `style`, `hover` on hover.
    public static func styled(_ words: String, class style: String = "", hover: String = "") -> Inline {
        .styled(Styled(words, class: style, hover: hover))
    }
}
