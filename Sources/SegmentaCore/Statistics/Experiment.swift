import Foundation

/// An A/B test inside a segment: deterministic assignment by a stable hash of (experiment,
/// profile), a goal event, and results per variant with lift, interval, p-value and a
/// sample-ratio-mismatch check.
public struct Experiment: Sendable, Equatable {
    /// The experiment's name (letters, digits, `-`, `_`, `.`).
    public var name: String
    /// The segment whose members take part.
    public var segment: String
    /// Variant names; the first is the control.
    public var variants: [String]
    /// Weights, summing to 100.
    public var split: [Int]
    /// The track event that counts as a conversion.
    public var goal: String
    /// A conversion counts when the goal event happens within this many days of first exposure.
    public var windowDays: Int

    /// Checks and creates an experiment: 2–26 distinct variants, one weight each summing to 100, a window within ``Bounds/days``.
    public init(name: String, segment: String, variants: [String], split: [Int], goal: String, windowDays: Int = 14) throws(SegmentaError) {
        guard SegmentDefinition.isValidName(name) else { throw SegmentaError(.invalidInput, "\"\(name)\" is not a valid name; use 1–64 letters, digits, -, _ or .") }
        guard variants.count >= 2, Set(variants).count == variants.count, variants.allSatisfy({ !$0.isEmpty }) else {
            throw SegmentaError(.invalidInput, "--variants needs at least two distinct names, e.g. control,treatment")
        }
        guard variants.count <= 26 else { throw SegmentaError(.invalidInput, "an experiment has at most 26 variants") }
        guard split.count == variants.count, split.allSatisfy({ (1...100).contains($0) }), split.reduce(0, +) == 100 else {
            throw SegmentaError(.invalidInput, "--split needs one positive weight per variant, summing to 100 (e.g. 50,50)")
        }
        guard Bounds.days.contains(windowDays) else { throw SegmentaError(.invalidInput, "--window-days must be a whole number from 1 to \(Bounds.maxDays)") }
        self.name = name
        self.segment = segment
        self.variants = variants
        self.split = split
        self.goal = goal
        self.windowDays = windowDays
    }

    /// The variant of a profile: FNV-1a of "experiment/profile" mapped onto 0…99 and the split.
    /// Stable across runs, machines and languages; independent between experiments.
    public func variant(for profile: String) -> String {
        var h = StableHash()
        h.combine(bytes: Array("\(name)/\(profile)".utf8))
        // Mix the bits before taking a bucket so that similar ids spread evenly.
        var z = h.value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let bucket = Int(z % 100)
        var edge = 0
        for (i, w) in split.enumerated() {
            edge += w
            if bucket < edge { return variants[i] }
        }
        return variants[variants.count - 1]
    }

    /// The definition as stored.
    public var json: JSONValue {
        .object(["name": .string(name), "segment": .string(segment), "variants": .array(variants.map(JSONValue.string)),
                 "split": .array(split.map { .number(Double($0)) }), "goal": .string(goal), "window_days": .number(Double(windowDays))])
    }

    /// An experiment from its stored definition.
    public init(json: JSONValue) throws(SegmentaError) {
        guard let o = json.objectValue, let name = o["name"]?.stringValue, let segment = o["segment"]?.stringValue, let goal = o["goal"]?.stringValue,
              let days = o["window_days"]?.integer(in: Bounds.days) else { throw SegmentaError(.storage, "a stored experiment is malformed") }
        try self.init(name: name, segment: segment, variants: o["variants"]?.arrayValues.compactMap(\.stringValue) ?? [],
                      split: o["split"]?.arrayValues.compactMap { $0.integer(in: 1...100) } ?? [], goal: goal, windowDays: days)
    }

    /// Results of one variant against the first (control).
    public struct VariantResult: Sendable, Equatable {
        /// The variant's name.
        public var variant: String
        /// Profiles first exposed to it.
        public var exposed: Int
        /// Of those, profiles that sent the goal event within the window.
        public var converted: Int
        /// converted ÷ exposed.
        public var rate: Double
        /// Relative lift over control, with a 95 % interval (from the risk ratio's log interval).
        public var lift: Double?, liftLow: Double?, liftHigh: Double?
        /// Two-sided p-value of the difference with control (two-proportion z-test; nil for the control).
        public var pValue: Double?
    }

    /// Every variant's result and the sample-ratio check.
    public struct Results: Sendable, Equatable {
        /// One result per variant, control first.
        public var variants: [VariantResult]
        /// χ² goodness-of-fit p-value of exposures against the planned split (SRM when < 0.001).
        public var sampleRatioPValue: Double
        /// True when the exposures depart from the planned split (p < 0.001): fix assignment before reading results.
        public var sampleRatioMismatch: Bool
    }

    /// Computes results from each exposed profile's variant and whether it converted.
    public func results(_ outcomes: [(variant: String, converted: Bool)]) -> Results {
        var exposed = [Int](repeating: 0, count: variants.count), converted = exposed
        let index = Dictionary(variants.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        for o in outcomes { if let i = index[o.variant] { exposed[i] += 1; if o.converted { converted[i] += 1 } } }
        let total = Double(exposed.reduce(0, +))
        var chi = 0.0
        for i in variants.indices {
            let expected = total * Double(split[i]) / 100
            if expected > 0 { chi += (Double(exposed[i]) - expected) * (Double(exposed[i]) - expected) / expected }
        }
        let srm = total > 0 ? Distributions.chiSquareSurvival(chi, df: Double(variants.count - 1)) : 1
        var rows: [VariantResult] = []
        for i in variants.indices {
            let rate = exposed[i] > 0 ? Double(converted[i]) / Double(exposed[i]) : .nan
            var r = VariantResult(variant: variants[i], exposed: exposed[i], converted: converted[i], rate: rate)
            if i > 0, exposed[i] > 0, converted[0] > 0 {
                let rr = EffectSizes.riskRatio(successes: converted[i], trials: exposed[i], successes: converted[0], trials: exposed[0])
                r.lift = rr.ratio - 1
                r.liftLow = rr.low - 1
                r.liftHigh = rr.high - 1
                r.pValue = HypothesisTests.twoProportions(successes: converted[i], trials: exposed[i], successes: converted[0], trials: exposed[0]).pValue
            }
            rows.append(r)
        }
        return Results(variants: rows, sampleRatioPValue: srm, sampleRatioMismatch: srm < 0.001)
    }
}
