/// A whole page: its title, the frame around it and its parts. The dashboard, its sign-in and
/// error pages, and `segmenta report` all render through `layout.mustache`.
public struct Page: Sendable {
    /// The document's title (the browser tab).
    public var documentTitle: String
    /// The page's heading.
    public var heading: String
    /// The frame: dashboard navigation, a bare card, or a report's header.
    public var chrome: Chrome
    /// What the page holds.
    public var blocks: [Block]

    /// A page headed `heading` in `chrome`, holding `blocks`.
    public init(_ heading: String, documentTitle: String? = nil, chrome: Chrome, _ blocks: [Block]) {
        self.documentTitle = documentTitle ?? heading + " · Segmenta"
        self.heading = heading
        self.chrome = chrome
        self.blocks = blocks
    }
}

/// The frame around a page.
public enum Chrome: Sendable {
    /// The signed-in dashboard: navigation, who is signed in, sign out.
    case dashboard(DashboardChrome)
    /// A bare card (sign-in, errors).
    case bare(BareChrome)
    /// A self-contained report: styles inline, a generation time.
    case report(ReportChrome)
}

extension Chrome: TemplateCase {
    /// ``TemplateCase/caseNames``.
    public static let caseNames: Set<String> = ["dashboard", "bare", "report"]

    /// ``TemplateCase/named``.
    public var named: (name: String, payload: Any) {
        switch self {
        case .dashboard(let v): ("dashboard", v)
        case .bare(let v): ("bare", v)
        case .report(let v): ("report", v)
        }
    }
}

/// The dashboard's frame.
public struct DashboardChrome: Sendable {
    /// The session's CSRF token (in a meta tag for scripts, and in the sign-out form).
    public var csrf: String
    /// The navigation.
    public var navLinks: [NavLink]
    /// `admin` or `read-only`.
    public var role: String
    /// Whether the page loads the segment builder's script.
    public var builderScript: Bool

    /// The frame for a viewer with `csrf`, `admin` or not, `active` being the current path.
    public init(csrf: String, admin: Bool, active: String, builderScript: Bool = false) {
        self.csrf = csrf
        self.navLinks = Self.navigation.map { NavLink(href: $0.path, caption: $0.title, current: $0.path == active) }
        self.role = admin ? "admin" : "read-only"
        self.builderScript = builderScript
    }

    /// The dashboard's pages, in the navigation's order.
    public static let navigation: [(path: String, title: String)] = [("/", "Overview"), ("/rfm", "RFM"), ("/cohorts", "Cohorts"), ("/value", "Value & personas"),
                                                                      ("/churn", "Churn risk"), ("/support", "Support"), ("/builder", "New segment"), ("/profiles", "Profiles")]
}

/// One link of the navigation.
public struct NavLink: Sendable {
    /// Where.
    public var href: String
    /// The words.
    public var caption: String
    /// Whether it is the page shown.
    public var current: Bool
}

/// A bare card's frame.
public struct BareChrome: Sendable {
    /// Whether the page's heading is shown above its parts.
    public var showHeading: Bool

    /// A bare frame, with or without the heading.
    public init(showHeading: Bool) { self.showHeading = showHeading }
}

/// A report's frame.
public struct ReportChrome: Sendable {
    /// When it was made.
    public var generated: TimeText
    /// The stylesheet, inline (the report fetches nothing).
    public var style: String

    /// A report made at `generated`, styled by `style`.
    public init(generated: TimeText, style: String) {
        self.generated = generated
        self.style = style
    }
}
