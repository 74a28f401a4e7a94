import Foundation

/// Special functions the customer-value models need.
public enum SpecialFunctions {
    /// ln Γ(x) for x > 0.
    public static func logGamma(_ x: Double) -> Double { Foundation.lgamma(x) }

    /// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).
    public static func logBeta(_ a: Double, _ b: Double) -> Double { logGamma(a) + logGamma(b) - logGamma(a + b) }

    /// The Gauss hypergeometric function ₂F₁(a, b; c; z) for |z| < 1, by its power series
    /// (terms added until they no longer change the sum), with Euler's transformation
    /// ₂F₁(a,b;c;z) = (1−z)^(c−a−b) ₂F₁(c−a, c−b; c; z) when that converges faster.
    /// - Complexity: O(terms); the series converges geometrically in |z|.
    public static func hyp2f1(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        guard abs(z) < 1 else { return .nan }   // outside the series' domain: NaN, never a trap
        // Euler's transformation keeps terms from growing when a + b − c is large.
        if z > 0.5, c - a - b < 0, abs((c - a) * (c - b)) < abs(a * b) {
            return pow(1 - z, c - a - b) * series(c - a, c - b, c, z)
        }
        return series(a, b, c, z)
    }

    static func series(_ a: Double, _ b: Double, _ c: Double, _ z: Double) -> Double {
        var term = 1.0, sum = 1.0
        var k = 0.0
        while k < 100_000 {
            term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z
            sum += term
            if abs(term) <= 1e-16 * abs(sum) { break }
            k += 1
        }
        return sum
    }

    /// The digamma function ψ(x) = d/dx ln Γ(x), for x > 0: the recurrence ψ(x) = ψ(x+1) − 1/x up to
    /// x ≥ 6, then the asymptotic series (Abramowitz & Stegun 6.3.18).
    public static func digamma(_ x: Double) -> Double {
        var x = x, result = 0.0
        while x < 6 { result -= 1 / x; x += 1 }
        let f = 1 / (x * x)
        let series = f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))))
        return result + log(x) - 0.5 / x - series
    }

    /// log(exp(x) + exp(y)) without overflow.
    public static func logAddExp(_ x: Double, _ y: Double) -> Double {
        let m = max(x, y)
        guard m.isFinite else { return m }
        return m + Foundation.log(Foundation.exp(x - m) + Foundation.exp(y - m))
    }
}
