import ArgumentParser
import Foundation
import SegmentaCore

/// The drift-alert thresholds, one option group for every command that refreshes segments —
/// `serve` (its scheduled and on-demand refreshes), `segments create --refresh`, `segments
/// refresh` and `demo`: the flag, then `SEGMENTA_ALERT_LEVEL` / `SEGMENTA_ALERT_SIGMA`, then the
/// defaults (0.01 and 3σ). A deployment that sets them once in its environment gets the same
/// alerts from the command line as from its server.
struct DriftOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Drift alerts: level of the χ² tests of a segment's mix, Holm across traits (default: $SEGMENTA_ALERT_LEVEL or 0.01).", valueName: "p"))
    var alertLevel: Double?
    @Option(help: ArgumentHelp("Drift alerts: control limits on a segment's size, in standard deviations of its recent sizes (default: $SEGMENTA_ALERT_SIGMA or 3).", valueName: "sigma"))
    var alertSigma: Double?

    static let levelVariable = "SEGMENTA_ALERT_LEVEL", sigmaVariable = "SEGMENTA_ALERT_SIGMA"

    func validate() throws { _ = try options(environment: ProcessInfo.processInfo.environment) }

    /// The thresholds in force.
    var options: DriftDetector.Options { (try? options(environment: ProcessInfo.processInfo.environment)) ?? DriftDetector.Options() }

    /// The thresholds in force with `environment`: each flag, else its variable, else the default;
    /// a value out of range, or a variable that is not a number, is refused with what to write.
    func options(environment: [String: String]) throws -> DriftDetector.Options {
        var o = DriftDetector.Options()
        if let level = try alertLevel ?? Self.number(environment, Self.levelVariable) {
            guard level > 0, level < 1 else { throw ValidationError("the drift alerts' level (--alert-level or \(Self.levelVariable)) must be between 0 and 1 (e.g. 0.01), got \(level)") }
            o.alpha = level
        }
        if let sigma = try alertSigma ?? Self.number(environment, Self.sigmaVariable) {
            guard sigma >= 1, sigma <= 10 else { throw ValidationError("the drift alerts' size limits (--alert-sigma or \(Self.sigmaVariable)) must be between 1 and 10 standard deviations (e.g. 3), got \(sigma)") }
            o.sizeSigma = sigma
        }
        return o
    }

    static func number(_ environment: [String: String], _ name: String) throws -> Double? {
        guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let value = Double(text), value.isFinite else { throw ValidationError("\(name)=\"\(text)\" is not a number; set it like \(name)=\(name == levelVariable ? "0.01" : "3"), or unset it") }
        return value
    }
}
