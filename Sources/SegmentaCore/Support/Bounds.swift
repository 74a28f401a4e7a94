/// Bounds on numbers that come from outside (flags, query strings, request bodies, stored data),
/// so that no input can overflow an integer or ask for unbounded work.
public enum Bounds {
    /// The longest window, in days, any option takes (100 years): `active:N`, `within_days`, windows.
    public static let maxDays = 36_500
    /// Days as an option takes them: 1…``maxDays``.
    public static let days: ClosedRange<Int> = 1...maxDays
}

extension JSONValue {
    /// The number as an `Int` when it is a whole number inside `range`; nil otherwise (fractions,
    /// out-of-range or non-numbers), so that converting untrusted JSON can never trap.
    public func integer(in range: ClosedRange<Int>) -> Int? {
        guard case .number(let d) = self, d.rounded() == d,
              d >= Double(range.lowerBound), d <= Double(range.upperBound) else { return nil }
        // Double(Int.max) rounds up to 2^63: compare before converting.
        guard d < 9.2e18, d > -9.2e18 else { return nil }
        return Int(d)
    }
}

extension Int {
    /// `value` truncated toward zero and clamped to `Int`'s range; NaN gives 0. For numbers read
    /// back from stored JSON, where a trap would take the server down.
    public init(saturating value: Double) {
        if value.isNaN { self = 0 } else if value >= 9.2e18 { self = .max } else if value <= -9.2e18 { self = .min } else { self = Int(value) }
    }
}
