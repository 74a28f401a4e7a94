import Foundation
import SegmentaCore
import Testing

/// The Zendesk app (integrations/zendesk, issue 38 item 3) against the rules of Zendesk's app
/// manifest that can be checked offline (Zendesk's manifest reference and marketplace content
/// rules): required fields, known locations pointing at files that exist, parameters of known
/// types each with a label, secure settings only with a domain whitelist and only used through
/// Zendesk's proxy, the translations, and logos of the sizes Zendesk asks for. The browser check
/// renders the sidebar itself (tests/browser/check.py).
@Suite("The Zendesk app's files follow Zendesk's manifest rules")
struct ZendeskAppTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("integrations/zendesk")

    static func text(_ path: String) throws -> String { try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8) }
    static func json(_ path: String) throws -> JSONValue { try JSONTextParser.parse(try text(path)) }

    @Test func theManifestHasWhatZendeskRequires() throws {
        let m = try Self.json("manifest.json")
        #expect(m["name"]?.stringValue?.isEmpty == false)
        #expect(m["author"]?["name"]?.stringValue?.isEmpty == false)
        #expect(m["author"]?["email"]?.stringValue?.contains("@") == true)
        #expect(m["frameworkVersion"] == "2.0")
        #expect(m["version"]?.stringValue?.split(separator: ".").allSatisfy { Int($0) != nil } == true)
        #expect(m["private"] == true)
        let locale = try #require(m["defaultLocale"]?.stringValue)
        #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent("translations/\(locale).json").path))
        // Locations: Support's known ones, each a page of the app that exists.
        let known: Set<String> = ["ticket_sidebar", "new_ticket_sidebar", "user_sidebar", "organization_sidebar", "top_bar", "nav_bar", "background", "ticket_editor"]
        let locations = try #require(m["location"]?["support"]?.objectValue)
        #expect(!locations.isEmpty && Set(locations.keys).isSubset(of: known), "\(locations.keys)")
        for (name, place) in locations {
            let url = try #require(place["url"]?.stringValue, "\(name) has a url")
            #expect(url.hasPrefix("assets/") && !url.contains(".."), "\(name): \(url)")
            #expect(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(url).path), "\(url) exists")
        }
    }

    @Test func parametersAreKnownLabelledAndSecretsStaySecret() throws {
        let m = try Self.json("manifest.json"), t = try Self.json("translations/en.json")
        let types: Set<String> = ["text", "password", "checkbox", "url", "number", "multiline", "hidden", "oauth"]
        let parameters = m["parameters"]?.arrayValues ?? []
        let names = parameters.compactMap { $0["name"]?.stringValue }
        #expect(names.count == parameters.count && Set(names).count == names.count)
        for p in parameters {
            let name = p["name"]?.stringValue ?? ""
            #expect(name.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) != nil, "\(name)")
            #expect(types.contains(p["type"]?.stringValue ?? ""), "\(name): \(p["type"] ?? .null)")
            #expect(t["app"]?["parameters"]?[name]?["label"]?.stringValue?.isEmpty == false, "\(name) has a label")
        }
        // A secure setting is sent only by Zendesk's proxy, only to whitelisted domains.
        let secure = parameters.filter { $0["secure"] == true }.compactMap { $0["name"]?.stringValue }
        #expect(secure == ["support_key"])
        #expect(!(m["domainWhitelist"]?.arrayValues.isEmpty ?? true))
        let main = try Self.text("assets/main.js")
        #expect(main.contains("Bearer {{setting.support_key}}") && main.contains("secure: true"))
        #expect(!main.contains("settings.support_key"))   // never read in the browser
    }

    @Test func theListingTextsAndLogosAreThere() throws {
        let app = try #require(try Self.json("translations/en.json")["app"])
        let name = try #require(app["name"]?.stringValue)
        #expect(!name.isEmpty && name.count <= 40)
        for key in ["short_description", "long_description", "installation_instructions"] {
            #expect(app[key]?.stringValue?.isEmpty == false, "\(key)")
        }
        // PNG signature, then IHDR's width and height (big-endian) at bytes 16–23.
        for (file, size) in [("assets/logo.png", 320), ("assets/logo-small.png", 128)] {
            let bytes = [UInt8](try Data(contentsOf: Self.root.appendingPathComponent(file)))
            #expect(bytes.count > 24 && Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "\(file) is a PNG")
            func be(_ i: Int) -> Int { bytes[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
            #expect(bytes.count > 24 && be(16) == size && be(20) == size, "\(file) is \(size)×\(size)")
        }
    }

    @Test func thePageLoadsOnlyItsOwnScriptsAndWritesTextNotHTML() throws {
        let page = try Self.text("assets/iframe.html")
        #expect(page.contains("Content-Security-Policy") && !page.contains("<script>"))   // no inline script
        for src in ["card.js", "main.js", "main.css"] {
            #expect(page.contains("\"\(src)\"") && FileManager.default.fileExists(atPath: Self.root.appendingPathComponent("assets/" + src).path), "\(src)")
        }
        for script in ["assets/card.js", "assets/main.js"] {
            let code = try Self.text(script)
            #expect(!code.contains("innerHTML") && !code.contains("outerHTML") && !code.contains("document.write") && !code.contains("eval("), "\(script)")
        }
    }
}
