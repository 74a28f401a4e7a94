import Testing
import SegmentaCore

/// The registry of analyses (``AnalysisKind``) is what the condition vocabulary, the labels and
/// the computed-trait layout are read from; checked against the lists they were written as before
/// the registry existed, by hand.
@Suite struct AnalysisKindTests {
    @Test func theVocabularyIsTheTraitsTheAnalysesWrite() {
        #expect(Set(Condition.builtInComputedTraits) == ["rfm_recency", "rfm_frequency", "rfm_monetary", "rfm_r", "rfm_f", "rfm_m", "rfm_fm", "rfm_segment",
                                                         "lifecycle", "clv", "p_alive", "expected_purchases", "cluster", "persona",
                                                         "churn_risk", "churn_risk_decile",
                                                         "support_tier", "support_priority", "support_team", "support_channels",
                                                         "support_first_response_hours", "support_resolution_hours", "support_rule", "support_account"])
        #expect(Condition.builtInComputedTraits.count == 24)   // no name written by two analyses
        #expect(AnalysisKind.allCases.map(\.rawValue) == ["rfm", "lifecycle", "cohorts", "clv", "clusters", "churn", "support"])
    }

    @Test func eachTraitIsWrittenByOneAnalysis() {
        #expect(AnalysisKind.writing("rfm_fm") == .rfm && AnalysisKind.writing("rfm_segment") == .rfm)
        #expect(AnalysisKind.writing("p_alive") == .clv && AnalysisKind.writing("persona") == .clusters)
        #expect(AnalysisKind.writing("churn_risk_decile") == .churn && AnalysisKind.writing("lifecycle") == .lifecycle)
        #expect(AnalysisKind.writing("support_tier") == .support && AnalysisKind.writing("plan") == nil && AnalysisKind.cohorts.traits.isEmpty)
    }

    @Test func headlineTraitsComeFirstInWords() {
        let labels = ConditionSentence.computedLabels
        #expect(labels.count == 24)
        #expect(labels.prefix(2).map(\.name) == ["rfm_segment", "lifecycle"])
        #expect(labels.suffix(14).prefix(7).map(\.name) == ["rfm_recency", "rfm_frequency", "rfm_monetary", "rfm_r", "rfm_f", "rfm_m", "rfm_fm"])
        #expect(labels.suffix(7).map(\.name) == ["support_priority", "support_team", "support_channels", "support_first_response_hours",
                                                  "support_resolution_hours", "support_rule", "support_account"])
        #expect(ConditionSentence.label(computed: "rfm_m") == "monetary score (M, 1–5)")
    }
}
