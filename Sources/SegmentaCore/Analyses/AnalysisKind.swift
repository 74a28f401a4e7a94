/// Segmenta's analyses, in one registry: each one's name (the kind its runs are stored under)
/// and the computed traits it writes — kept together as one group, in words
/// for people. The condition vocabulary, the computed-trait layout, the labels of the profile
/// page and the builder, the analyses API, its OpenAPI enum and the recompute all read this list;
/// adding an analysis is a case here (the compiler then names the switch that runs it).
public enum AnalysisKind: String, Sendable, CaseIterable, Hashable {
    case rfm, lifecycle, cohorts, clv, clusters, churn
    /// The support policy resolved for everyone (``SupportPolicyResolver``): it reads segment
    /// membership, so a recompute runs it after the segment refreshes.
    case support

    /// A computed trait an analysis writes: its name in conditions and its words for people.
    public struct Trait: Sendable, Equatable {
        /// The name conditions use (`{"computed": "rfm_segment", …}`).
        public var name: String
        /// The trait in words (the profile page, the builder, condition sentences).
        public var words: String
        /// Shown before the detailed traits on a profile page (a segment, a stage, a value).
        public var headline: Bool
    }

    /// The computed traits it writes, in display order (none for cohorts: a table, not a trait).
    public var traits: [Trait] {
        switch self {
        case .rfm:
            return [Trait(name: "rfm_recency", words: "days since the last order", headline: false),
                    Trait(name: "rfm_frequency", words: "number of orders", headline: false),
                    Trait(name: "rfm_monetary", words: "total spend", headline: false),
                    Trait(name: "rfm_r", words: "recency score (R, 1–5)", headline: false),
                    Trait(name: "rfm_f", words: "frequency score (F, 1–5)", headline: false),
                    Trait(name: "rfm_m", words: "monetary score (M, 1–5)", headline: false),
                    Trait(name: "rfm_fm", words: "frequency-monetary score (FM, 1–5)", headline: false),
                    Trait(name: "rfm_segment", words: "RFM segment", headline: true)]
        case .lifecycle:
            return [Trait(name: "lifecycle", words: "lifecycle stage", headline: true)]
        case .cohorts:
            return []
        case .clv:
            return [Trait(name: "clv", words: "expected value over the next 12 months (CLV)", headline: true),
                    Trait(name: "p_alive", words: "chance of still being a customer (P(alive))", headline: true),
                    Trait(name: "expected_purchases", words: "expected purchases over the next 12 months", headline: true)]
        case .clusters:
            return [Trait(name: "persona", words: "persona", headline: true),
                    Trait(name: "cluster", words: "cluster", headline: true)]
        case .churn:
            return [Trait(name: "churn_risk", words: "risk of churning soon", headline: true),
                    Trait(name: "churn_risk_decile", words: "churn risk decile (10 = the riskiest tenth)", headline: true)]
        case .support:
            return [Trait(name: "support_tier", words: "support tier", headline: true),
                    Trait(name: "support_priority", words: "ticket priority (support policy)", headline: false),
                    Trait(name: "support_team", words: "support team", headline: false),
                    Trait(name: "support_channels", words: "support channels offered", headline: false),
                    Trait(name: "support_first_response_hours", words: "first response target (hours)", headline: false),
                    Trait(name: "support_resolution_hours", words: "resolution target (hours)", headline: false),
                    Trait(name: "support_rule", words: "support policy rule (1 = the first)", headline: false),
                    Trait(name: "support_account", words: "account the support tier comes from", headline: false)]
        }
    }

    /// Every computed trait Segmenta's analyses write, by analysis.
    public static let allTraits: [(analysis: AnalysisKind, trait: Trait)] = allCases.flatMap { a in a.traits.map { (a, $0) } }

    /// The analysis that writes a computed trait (nil: a trait someone else wrote).
    public static func writing(_ trait: String) -> AnalysisKind? { allTraits.first { $0.trait.name == trait }?.analysis }
}
