public import SegmentaCore

/// Experiments, exposures, and the outcomes hypotheses and experiments are judged on.
public protocol ExperimentStore: Sendable {
    /// Saves a new experiment.
    func createExperiment(_ e: Experiment) async throws(SegmentaError)
    /// Saves a new hypothesis.
    func createHypothesis(_ h: Hypothesis) async throws(SegmentaError)
    /// Every hypothesis, by name.
    func hypotheses() async throws(SegmentaError) -> [Hypothesis]
    /// One experiment, nil when unknown.
    func experiment(named name: String) async throws(SegmentaError) -> Experiment?
    /// Who was exposed to an experiment: profile, variant and first exposure.
    func exposures(of experiment: String) async throws(SegmentaError) -> [(profile: String, variant: String, at: Timestamp)]
    /// Records a first exposure (a later one for the same profile changes nothing).
    func recordExposure(experiment: String, profile: String, variant: String, at: Timestamp) async throws(SegmentaError)
    /// Per profile, the value of a hypothesis outcome as of a time.
    func outcomeValues(_ outcome: Hypothesis.Outcome, signups: [String: Timestamp], asOf: Timestamp) async throws(SegmentaError) -> [String: Double]
    /// The exposed profiles that did `event` within `windowDays` after their exposure.
    func converted(event: String, exposures: [(profile: String, variant: String, at: Timestamp)], windowDays: Int, asOf: Timestamp) async throws(SegmentaError) -> Set<String>
}
