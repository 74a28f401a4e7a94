import Mustache
import SegmentaCore
import Testing
@testable import SegmentaPages

/// Pages rendered by the bundled templates: escaping by default, parts drawn once where they
/// are nested, the frames of the dashboard and the report.
@Suite("Page templates")
struct PageRendererTests {
    let renderer: PageRenderer

    init() throws { renderer = try PageRenderer.bundled() }

    func count(_ needle: String, in haystack: String) -> Int { haystack.components(separatedBy: needle).count - 1 }

    func dashboard(_ blocks: [Block], active: String = "/") -> String {
        renderer.render(Page("T", chrome: .dashboard(DashboardChrome(csrf: "tok\"en", admin: false, active: active)), blocks))
    }

    @Test("text from the data is escaped everywhere it appears: headings, cells, links, titles, form values")
    func escapesByDefault() {
        let evil = "<script>alert('x')</script>&\""
        let html = dashboard([.section(evil, [
            .table([evil], [[Cell(evil), Cell(.link("/p?a=1&b=\"2\"", evil)), Cell(.styled(evil, class: "note", hover: evil))]]),
            .form(Form("get", "/s", [.input(InputField(id: "q", name: "q", value: evil))])),
            .paragraph([.strong(evil), .time(TimeText(iso: evil, shown: evil))]),
        ], note: evil)])
        let escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"
        #expect(!html.contains("<script>alert"))
        // heading, header cell, cell, link label, span and its title, input value, strong, time (datetime, title, shown), note
        #expect(count(escaped, in: html) == 12)
        #expect(html.contains(#"<a href="/p?a=1&amp;b=&quot;2&quot;">"#))
        #expect(html.contains(#"<meta name="csrf" content="tok&quot;en">"#))
    }

    @Test("a chart from SegmentaCharts is inserted as it is, once")
    func chartsPassThrough() {
        let svg = #"<svg class="chart"><title id="c1-t">a &amp; b</title></svg>"#
        let html = dashboard([.row([.chart(svg), .column([.table(["x"], [[Cell(.chart(svg))]])])])])
        #expect(count(svg, in: html) == 2)
    }

    @Test("nested parts are drawn once each, and a part never picks up its parent's fields")
    func nestedBlocks() {
        let html = dashboard([.section("Outer", [.row([.section("Inner", [.table(["h"], [["v"]])]), .empty("nothing")])], note: "outer note")])
        #expect(count("<section>", in: html) == 2)
        #expect(count("<table>", in: html) == 1)
        #expect(count(#"<div class="row">"#, in: html) == 1)
        #expect(count("outer note", in: html) == 1)   // the inner section has no note and shows none
        #expect(html.contains(#"<p class="empty">nothing</p>"#))
    }

    @Test("terms are explained on hover, the first use in each text only")
    func glossary() {
        let pieces = Glossary.explained("mean P(alive), CLV and again CLV")
        #expect(pieces.count == 5)
        let html = dashboard([.note("mean P(alive), CLV and again CLV")])
        #expect(count("<abbr title=", in: html) == 2)
        #expect(html.contains(#"<abbr title="Customer lifetime value"#))
    }

    @Test("a control without an id, placeholder or value has none of those attributes; select options keep their choice")
    func formAttributes() {
        let html = dashboard([.form(Form("get", "/rfm", [.input(InputField(name: "q")), .select(SelectField("from", name: "from", [SelectOption("a"), SelectOption("b", selected: true)])),
                                                          .button(Button("Show", secondary: true)), .heading(FormHeading("Rule 1")), .input(InputField(name: "t", size: 12))]))])
        #expect(html.contains(#"<form class="inline" method="get" action="/rfm"><input name="q" type="text"><label>from <select name="from"><option value="a">a</option><option value="b" selected>b</option></select></label><button class="secondary">Show</button><strong class="form-heading">Rule 1</strong><input name="t" type="text" size="12"></form>"#))
    }

    /// A page using every kind of part, piece and control.
    static let everything: [Page] = {
        let pieces: [Inline] = [.text("t"), .strong("s"), .link("/x", "x", class: "pill"), .when(Timestamp(milliseconds: 0)), .styled("w", class: "note", hover: "h"),
                                .abbr(Abbr(term: "CLV", meaning: "m")), .chart("<svg/>")]
        let form = Form("get", "/f", [.hidden(HiddenField("a", "b")), .label(FieldLabel(for: "q", "Q")), .input(InputField(id: "q", name: "q", value: "v", size: 4)),
                                      .select(SelectField("s", name: "s", [SelectOption("o", selected: true)])), .button(Button("Go")), .link(Link("/l", "L")), .heading(FormHeading("H"))])
        let blocks: [Block] = [
            .section("S", [.stats([("n", "1")]), .table(["h"], [[Cell(pieces)]], numeric: [0]), .paragraph(pieces, class: "c", role: "status"),
                           .row([.column([.chart("<svg/>")])]), .list([ListItem(pieces, title: "t", sublist: ListBlock([ListItem([.text("i")])]))]),
                           .definitions(Definitions(pairs: [Definition(term: "a", detail: "b")])), .form(form), .actions(Actions(forms: [form]))], note: "n"),
            .builder(BuilderBody(vocabularyJSON: "{}")), .login(LoginBody(problem: "p", next: "/n")),
        ]
        return [Page("D", chrome: .dashboard(DashboardChrome(csrf: "c", admin: true, active: "/")), blocks),
                Page("B", chrome: .bare(BareChrome(showHeading: true)), blocks),
                Page("R", chrome: .report(ReportChrome(generated: TimeText(iso: "i", shown: "s"), style: "")), blocks)]
    }()

    /// Every value reachable from `value` (its fields, the elements of its arrays, enum payloads).
    static func walk(_ value: Any, _ visit: (Any) -> Void) {
        visit(value)
        for child in Mirror(reflecting: value).children { walk(child.value, visit) }
    }

    @Test("every field of every value a page is made of is answered to templates by name (a field left out of TemplateFields would render as nothing)")
    func everyFieldIsAnswered() {
        var checked = Set<String>()
        for page in Self.everything {
            Self.walk(page) { value in
                let mirror = Mirror(reflecting: value)
                guard mirror.displayStyle == .struct, let parent = value as? any MustacheParent else { return }
                for case let (label?, _) in mirror.children {
                    #expect(parent.child(named: label) != nil, "\(type(of: value)).\(label)")
                }
                checked.insert(String(describing: type(of: value)))
            }
        }
        #expect(checked.count >= 30)
        #expect(renderer.render(Self.everything[0]).contains("<dl class=\"card\"><dt>a</dt><dd>b</dd></dl>"))
    }

    @Test("the dashboard frame links the stylesheet and marks the current page; the report's inlines it and fetches nothing")
    func frames() {
        let html = dashboard([], active: "/rfm")
        #expect(html.contains(#"<link rel="stylesheet" href="/assets/app.css">"#))
        #expect(html.contains(#"<a href="/rfm" aria-current="page">RFM</a>"#))
        #expect(count("aria-current", in: html) == 1)
        #expect(html.contains("<span class=\"who\">read-only</span>"))
        let report = renderer.render(Page("R", documentTitle: "R", chrome: .report(ReportChrome(generated: TimeText(iso: "2026-12-04T00:00:00Z", shown: "4 Dec 2026"),
                                                                                             style: renderer.stylesheet)), [.stats([("orders", "3")])]))
        #expect(report.contains("<style>" + renderer.stylesheet + "</style>"))
        #expect(!report.contains("href=") && !report.contains("src="))
        #expect(report.contains(#"<div class="stat"><b>3</b>orders</div>"#))
        #expect(report.contains("<title>R</title>"))
    }
}
