import SegmentaCore

/// Numbers as the dashboard's pages show them: the same formats as the CLI and the analyses' sentences.
enum Figures {
    /// 1,234,567.
    static func thousands(_ n: Int) -> String { NumberText.thousands(n) }

    /// `v` with `digits` decimals.
    static func fixed(_ v: Double, _ digits: Int) -> String { NumberText.fixed(v, digits) }

    /// A share as a percentage ("3.1%").
    static func percent(_ v: Double) -> String { NumberText.percent(v, 1) }
}
