public import SegmentaCore
import Foundation
import Mustache

/// Renders pages with the package's templates (`Resources/templates/*.mustache`) and serves its
/// assets (`Resources/assets`): the stylesheet shared by the dashboard and the report, and the
/// segment builder's script. Loaded once per process.
public struct PageRenderer: Sendable {
    let library: MustacheLibrary
    /// The stylesheet (`app.css`).
    public let stylesheet: String
    /// The segment builder's script (`builder.js`).
    public let builderScript: String

    /// The renderer of the bundled templates, or why they cannot be read.
    public static func bundled() throws(SegmentaError) -> PageRenderer { try loaded.get() }

    private static let loaded: Result<PageRenderer, SegmentaError> = Result { () throws(SegmentaError) in
        guard let root = Bundle.module.url(forResource: "Resources", withExtension: nil) else {
            throw SegmentaError(.storage, "the page templates are missing: keep the segmenta_SegmentaPages.resources folder beside the segmenta binary")
        }
        return try PageRenderer(directory: root)
    }

    /// A renderer of the templates and assets under `root` (`templates/`, `assets/`).
    init(directory root: URL) throws(SegmentaError) {
        var library = MustacheLibrary()
        let templates = root.appendingPathComponent("templates")
        do {
            for file in try FileManager.default.contentsOfDirectory(atPath: templates.path) where file.hasSuffix(".mustache") {
                // A file's final newline is not part of its template (partials are used inline).
                var text = try String(contentsOf: templates.appendingPathComponent(file), encoding: .utf8)
                while text.last == "\n" { text.removeLast() }
                try library.register(text, named: String(file.dropLast(".mustache".count)))
            }
            stylesheet = try String(contentsOf: root.appendingPathComponent("assets/app.css"), encoding: .utf8)
            builderScript = try String(contentsOf: root.appendingPathComponent("assets/builder.js"), encoding: .utf8)
        } catch {
            throw SegmentaError(.storage, "cannot read the page templates in \(root.path): \(error)", underlying: error)
        }
        guard library.getTemplate(named: "layout") != nil else {
            throw SegmentaError(.storage, "the page templates in \(root.path) have no layout.mustache")
        }
        self.library = library
    }

    /// The page as an HTML document.
    public func render(_ page: Page) -> String {
        library.render(page, withTemplate: "layout") ?? ""
    }

    /// Blocks as an HTML fragment, for a page of someone else's (a helpdesk's sidebar): the same
    /// templates, so every value is escaped as on a page of ours.
    public func fragment(_ blocks: [Block]) -> String {
        blocks.map { library.render($0, withTemplate: "block") ?? "" }.joined()
    }
}
