import SegmentaCharts
import SegmentaCore

/// Server-rendered HTML: the page layout and small building blocks. Every text goes through
/// `e(_:)`; charts are inline SVG from `SegmentaCharts`; styles and the builder's script are
/// served from `/assets` (the Content-Security-Policy allows nothing inline, nothing external).
enum HTML {
    /// Escapes text for HTML.
    static func e(_ s: String) -> String { SVG.escape(s) }

    static let nav: [(path: String, title: String)] = [("/", "Overview"), ("/rfm", "RFM"), ("/cohorts", "Cohorts"), ("/value", "Value & personas"),
                                                        ("/churn", "Churn risk"),
                                                        ("/builder", "New segment"), ("/profiles", "Profiles")]

    static func page(_ title: String, viewer: Viewer, active: String, _ body: String, script: Bool = false) -> String {
        let links = nav.map { "<a href=\"\($0.path)\"\($0.path == active ? " aria-current=\"page\"" : "")>\(e($0.title))</a>" }.joined()
        return """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="csrf" content="\(e(viewer.session.csrf))"><title>\(e(title)) · Segmenta</title><link rel="stylesheet" href="/assets/app.css"></head>
        <body><header><a class="brand" href="/">Segmenta</a><nav>\(links)</nav>
        <form method="post" action="/logout" class="logout"><input type="hidden" name="csrf" value="\(e(viewer.session.csrf))">
        <span class="who">\(viewer.isAdmin ? "admin" : "read-only")</span><button>Sign out</button></form></header>
        <main><h1>\(e(title))</h1>\(body)</main>\(script ? "<script src=\"/assets/builder.js\"></script>" : "")</body></html>
        """
    }

    static func bare(_ title: String, _ body: String) -> String {
        """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(e(title)) · Segmenta</title><link rel="stylesheet" href="/assets/app.css"></head><body class="bare"><main>\(body)</main></body></html>
        """
    }

    static func section(_ title: String, _ body: String, note: String? = nil) -> String {
        "<section><h2>\(glossed(e(title)))</h2>\(body)\(note.map { "<p class=\"note\">\(glossed(e($0)))</p>" } ?? "")</section>"
    }

    static func stats(_ items: [(label: String, value: String)]) -> String {
        "<div class=\"stats\">" + items.map { "<div class=\"stat\"><b>\(e($0.value))</b>\(glossed(e($0.label)))</div>" }.joined() + "</div>"
    }

    /// Terms a first-time reader may not know, explained on hover wherever a heading, a figure's
    /// label, a table header or a note uses them.
    static let glossary: [(term: String, meaning: String)] = [
        ("P(alive)", "The chance the customer has not silently stopped buying (BG/NBD model), from how often and how recently they bought."),
        ("CLV", "Customer lifetime value: what the customer is expected to spend over the next 12 months, discounted 1 % a month (BG/NBD + Gamma-Gamma)."),
        ("silhouette", "How well people fit their persona rather than the next one, from −1 (misplaced) to 1 (clearly apart); above 0.25 the personas are real structure."),
        ("Holm", "p-values adjusted for testing several KPIs (or traits) at once, so that 5 % stays 5 % for the whole table (Holm's method)."),
        ("AUC", "Area under the ROC curve: the chance the model ranks a random churner above a random stayer (0.5 = a coin toss, 1 = perfect)."),
        ("censored", "Periods after the end of the data: not observable yet, so left empty rather than counted as zero."),
        ("χ²", "The chi-square test: whether two mixes of values differ by more than chance allows."),
    ]

    /// Escaped text with the first use of each ``glossary`` term explained on hover.
    static func glossed(_ escaped: String) -> String {
        var out = escaped
        for (term, meaning) in glossary {
            guard let r = out.range(of: term) else { continue }
            out.replaceSubrange(r, with: "<abbr title=\"\(e(meaning))\">\(term)</abbr>")
        }
        return out
    }

    /// A table; cells are raw HTML (escape text with `e`).
    static func table(_ header: [String], _ rows: [[String]], numeric: Set<Int> = []) -> String {
        "<table><thead><tr>" + header.enumerated().map { "<th\(numeric.contains($0.offset) ? " class=\"num\"" : "")>\(glossed(e($0.element)))</th>" }.joined() + "</tr></thead><tbody>"
            + rows.map { "<tr>" + $0.enumerated().map { "<td\(numeric.contains($0.offset) ? " class=\"num\"" : "")>\($0.element)</td>" }.joined() + "</tr>" }.joined()
            + "</tbody></table>"
    }

    static func link(_ href: String, _ text: String) -> String { "<a href=\"\(e(href))\">\(e(text))</a>" }

    static func csrfField(_ viewer: Viewer) -> String { "<input type=\"hidden\" name=\"csrf\" value=\"\(e(viewer.session.csrf))\">" }

    static func empty(_ text: String) -> String { "<p class=\"empty\">\(e(text))</p>" }

    static func thousands(_ n: Int) -> String { NumberText.thousands(n) }

    static func fixed(_ v: Double, _ digits: Int) -> String { NumberText.fixed(v, digits) }

    /// A share as a percentage, as the CLI and the analyses' sentences write it ("3.1%").
    static func percent(_ v: Double) -> String { NumberText.percent(v, 1) }

    /// A time as people read it ("22 Nov 2026, 15:20 UTC", or the date alone), ISO-8601 on hover
    /// and in `datetime`.
    static func when(_ t: Timestamp, time: Bool = true) -> String {
        "<time datetime=\"\(t.iso8601)\" title=\"\(t.iso8601)\">\(e(time ? t.readable : t.readableDate))</time>"
    }
}
