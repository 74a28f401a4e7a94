public import SegmentaCore

/// The marketing-consent rule, written once for every backend and job: a profile whose
/// `consent.marketing` trait is `false`, or the text `"false"` (as CSV imports and some SDKs send
/// it), denied marketing. Such profiles are left out of exports, webhook deliveries and the ids a
/// refresh answers with; `true`, absent or any other value is not a denial. Analytics (sizes,
/// comparisons, RFM) still count everyone.
public enum ConsentRule {
    /// The keys of the trait that holds marketing consent.
    static let marketingKeys = ["consent", "marketing"]

    /// The trait that holds marketing consent, as a dotted path.
    public static var marketingTrait: String { marketingKeys.joined(separator: ".") }

    /// Whether a `consent.marketing` value, as ``ProfileStore/traitValues(_:)`` gives it (a boolean
    /// as its JSON text), denies marketing.
    public static func deniesMarketing(_ value: String?) -> Bool { value == "false" }

    /// SQL in `dialect` that is true when the profile aliased `alias` denied marketing, false
    /// otherwise (never NULL). Its path is a constant written inline, so the fragment needs no
    /// bound value and can sit in any statement, a migration's included.
    package static func deniedMarketing(_ alias: String, _ dialect: SQLDialect) -> String {
        let traits = "\(alias).traits", path = dialect.pathLiteral(marketingKeys)
        return "(COALESCE(\(dialect.boolValue(traits, path, false)) OR \(dialect.text(traits, path)) = 'false', \(dialect.literal(false))))"
    }
}
