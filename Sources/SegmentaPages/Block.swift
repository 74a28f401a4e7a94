import Foundation

/// A part of a page, drawn by `block.mustache`: a section, figures, a table, a paragraph, a row
/// of parts, a chart, a list, a form… Pages are values of these; templates make them HTML.
public enum Block: Sendable {
    /// A titled card holding other parts.
    case section(Section)
    /// Big figures with a caption each.
    case stats(Stats)
    /// A table.
    case table(Table)
    /// A paragraph (a note, an empty state, a banner).
    case paragraph(Paragraph)
    /// Parts side by side, wrapping.
    case row(Group)
    /// Parts stacked in one column of a row.
    case column(Group)
    /// An SVG chart drawn by SegmentaCharts.
    case chart(String)
    /// A list, possibly nested.
    case list(ListBlock)
    /// Terms and their details.
    case definitions(Definitions)
    /// A form.
    case form(Form)
    /// Forms side by side (buttons that act on the page's object).
    case actions(Actions)
    /// The segment builder's body (`builder.mustache`).
    case builder(BuilderBody)
    /// The sign-in form (`login.mustache`).
    case login(LoginBody)
}

extension Block: TemplateCase {
    /// ``TemplateCase/caseNames``.
    public static let caseNames: Set<String> = ["section", "stats", "table", "paragraph", "row", "column", "chart", "list", "definitions", "form", "actions", "builder", "login"]

    /// ``TemplateCase/named``.
    public var named: (name: String, payload: Any) {
        switch self {
        case .section(let v): ("section", v)
        case .stats(let v): ("stats", v)
        case .table(let v): ("table", v)
        case .paragraph(let v): ("paragraph", v)
        case .row(let v): ("row", v)
        case .column(let v): ("column", v)
        case .chart(let v): ("chart", v)
        case .list(let v): ("list", v)
        case .definitions(let v): ("definitions", v)
        case .form(let v): ("form", v)
        case .actions(let v): ("actions", v)
        case .builder(let v): ("builder", v)
        case .login(let v): ("login", v)
        }
    }
}

/// A titled card.
public struct Section: Sendable {
    /// The title (terms explained on hover).
    public var sectionTitle: [Inline]
    /// What it holds.
    public var blocks: [Block]
    /// A note under it, or nothing.
    public var note: [Inline]

    /// A section titled `title` holding `blocks`, with `note` under it ("" for none).
    public init(_ title: String, _ blocks: [Block], note: String = "") {
        self.sectionTitle = Glossary.explained(title)
        self.blocks = blocks
        self.note = note.isEmpty ? [] : Glossary.explained(note)
    }
}

/// Big figures.
public struct Stats: Sendable {
    /// The figures.
    public var statItems: [Stat]

    /// These figures.
    public init(statItems: [Stat]) { self.statItems = statItems }
}

/// One big figure and its caption.
public struct Stat: Sendable {
    /// The figure as shown.
    public var figure: String
    /// What it counts (terms explained on hover).
    public var caption: [Inline]

    /// `figure`, captioned.
    public init(figure: String, caption: [Inline]) {
        self.figure = figure
        self.caption = caption
    }
}

/// A table: header cells and rows of cells; numeric columns are right-aligned.
public struct Table: Sendable {
    /// The header.
    public var headers: [Cell]
    /// The rows.
    public var bodyRows: [TableRow]

    /// A table of `headers` and `bodyRows`.
    public init(headers: [Cell], bodyRows: [TableRow]) {
        self.headers = headers
        self.bodyRows = bodyRows
    }
}

/// One row of a table.
public struct TableRow: Sendable {
    /// Its cells.
    public var cells: [Cell]

    /// A row of `cells`.
    public init(cells: [Cell]) { self.cells = cells }
}

/// One cell of a table.
public struct Cell: Sendable, ExpressibleByStringLiteral {
    /// What it shows.
    public var words: [Inline]
    /// Whether it is a number (right-aligned, tabular figures).
    public var numeric = false

    /// A cell of text.
    public init(_ text: String) { words = [.text(text)] }
    /// A cell of one piece.
    public init(_ piece: Inline) { words = [piece] }
    /// A cell of several pieces.
    public init(_ pieces: [Inline]) { words = pieces }
    /// A cell of literal text.
    public init(stringLiteral text: String) { words = [.text(text)] }
}

/// A paragraph with an optional class and ARIA role.
public struct Paragraph: Sendable {
    /// `note`, `empty`, `banner`, `error`…, or "".
    public var paraClass: String
    /// An ARIA role (`status`, `alert`), or "".
    public var role: String
    /// What it says.
    public var words: [Inline]

    /// A paragraph of `words`.
    public init(paraClass: String, role: String, words: [Inline]) {
        self.paraClass = paraClass
        self.role = role
        self.words = words
    }
}

/// Parts grouped in a row or a column.
public struct Group: Sendable {
    /// The parts.
    public var items: [Block]

    /// A group of `items`.
    public init(items: [Block]) { self.items = items }
}

/// A list; items may hold lists of their own.
public struct ListBlock: Sendable {
    /// A class for the list, or "".
    public var listClass: String
    /// The items.
    public var listItems: [ListItem]

    /// A list of `items` with class `listClass`.
    public init(class listClass: String = "", _ items: [ListItem]) {
        self.listClass = listClass
        self.listItems = items
    }
}

/// One item of a list.
public struct ListItem: Sendable {
    /// A hover title, or "".
    public var itemTitle: String
    /// What it says.
    public var words: [Inline]
    /// A nested list (none or one).
    public var sublists: [ListBlock]

    /// An item saying `words`, with a hover title and a nested list.
    public init(_ words: [Inline], title: String = "", sublist: ListBlock? = nil) {
        self.itemTitle = title
        self.words = words
        self.sublists = sublist.map { [$0] } ?? []
    }
}

/// Terms and details (a segment's profile card).
public struct Definitions: Sendable {
    /// The pairs.
    public var pairs: [Definition]

    /// These pairs.
    public init(pairs: [Definition]) { self.pairs = pairs }
}

/// A term and its detail.
public struct Definition: Sendable {
    /// The term.
    public var term: String
    /// Its detail.
    public var detail: String

    /// `term` and its `detail`.
    public init(term: String, detail: String) {
        self.term = term
        self.detail = detail
    }
}

/// Forms side by side.
public struct Actions: Sendable {
    /// The forms.
    public var forms: [Form]

    /// These forms side by side.
    public init(forms: [Form]) { self.forms = forms }
}

/// The builder's data: the vocabulary it offers, as JSON with `<` escaped (inserted in a
/// `<script type="application/json">` block, which the browser never runs).
public struct BuilderBody: Sendable {
    /// The JSON text.
    public var vocabulary: String

    /// The builder offering `vocabulary` (any `<` is escaped here, so no value can close the block).
    public init(vocabularyJSON: String) { vocabulary = vocabularyJSON.replacingOccurrences(of: "<", with: "\\u003c") }
}

/// The sign-in form's state.
public struct LoginBody: Sendable {
    /// Why the last attempt failed, or "".
    public var problem: String
    /// Where to go after signing in, or "".
    public var next: String

    /// A sign-in form showing `problem`, going to `next` after.
    public init(problem: String, next: String) {
        self.problem = problem
        self.next = next
    }
}
