import Foundation

/// Tick values a person reads at a glance: steps of 1, 2 or 5 times a power of ten (Heckbert,
/// "Nice numbers for graph labels", Graphics Gems, 1990), covering the data, with the axis
/// running from the first tick to the last so that every tick sits on a gridline.
public struct AxisTicks: Sendable, Equatable {
    /// The tick values, lowest first; the axis spans `values.first ... values.last`.
    public let values: [Double]
    /// The distance between ticks.
    public let step: Double
    /// Whether the axis counts things (whole-number steps).
    public let integers: Bool

    /// The class of this axis's tick labels in SVG: `tick count` on count axes (the browser check
    /// reads them back and requires whole numbers), else `tick`.
    public var labelClass: String { integers ? "tick count" : "tick" }

    /// About `count` ticks spanning `low ... high` (zero included when `fromZero`); with
    /// `integers` (counts of people, orders) the step is a whole number, so no tick reads 2.5.
    public init(low: Double, high: Double, count: Int = 5, integers: Bool = false, fromZero: Bool = false) {
        var lo = low.isFinite ? low : 0, hi = high.isFinite ? high : 1
        if fromZero { lo = min(lo, 0); hi = max(hi, 0) }
        if hi < lo { swap(&lo, &hi) }
        if hi == lo { hi = lo + (integers ? 1 : max(abs(lo), 1)) }
        var step = Self.nice((hi - lo) / Double(max(1, count - 1)), round: true)
        if integers { step = max(1, step.rounded(.up)) }
        if !(step > 0 && step.isFinite) { step = 1 }   // a span too small (or large) for a power of ten
        var first = (lo / step).rounded(.down), last = (hi / step).rounded(.up)
        if !(first.isFinite && last.isFinite) { first = 0; last = 1 }
        let span = last - first
        let n = span.isFinite ? Int(min(max(span, 1), 100)) : 1
        // Multiples of the step; below 1, whole numbers divided by 1/step (5 for 0.2), which is
        // exact where 3 × 0.2 is not (0.6000000000000001).
        let inverse = step < 1 ? (1 / step).rounded() : 1
        values = (0...n).map { k in step < 1 ? (first + Double(k)) / inverse : (first + Double(k)) * step }
        self.step = step
        self.integers = integers
    }

    /// The lowest and highest tick: the axis range.
    public var range: (low: Double, high: Double) { (values.first ?? 0, values.last ?? 1) }

    /// A tick's label: integers without a fraction, others with as many decimals as the step needs.
    public func label(_ v: Double) -> String {
        let decimals = step >= 1 ? 0 : min(6, Int((-log10(step) - 1e-9).rounded(.up)))
        if decimals == 0 { return v.magnitude < 9e15 ? String(Int64(v.rounded())) : SVG.n(v) }
        let text = String(format: "%.\(decimals)f", v)
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
    }

    /// 1, 2, 5 or 10 times the power of ten at or below `x` (the closest when `round`, else the
    /// next at or above).
    static func nice(_ x: Double, round: Bool) -> Double {
        guard x > 1e-300, x < 1e300 else { return 1 }
        var p = 1.0
        while p * 10 <= x { p *= 10 }
        while p > x { p /= 10 }
        let f = x / p
        let nf: Double
        if round { nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10 } else { nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10 }
        return nf * p
    }
}
