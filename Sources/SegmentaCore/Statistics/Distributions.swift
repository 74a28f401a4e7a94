import Foundation

/// The distributions the tests need, from the regularised incomplete beta and gamma functions
/// (Numerical Recipes, 3rd ed., §6.2 and §6.4: continued fractions and series).
public enum Distributions {
    /// Standard normal CDF Φ(x).
    public static func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// Upper tail 1 − Φ(x), accurate far in the tail.
    public static func normalSurvival(_ x: Double) -> Double { 0.5 * erfc(x / 2.0.squareRoot()) }

    /// Inverse standard normal CDF (Acklam's rational approximation refined by one Newton step;
    /// relative error below 1e-15).
    public static func normalQuantile(_ p: Double) -> Double {
        guard p > 0 && p < 1 else { return p == 0 ? -.infinity : p == 1 ? .infinity : .nan }   // total: no trap outside (0, 1)
        // Symmetry keeps the upper tail as accurate as the lower one (1 − p is exact for p ≥ 0.5).
        if p > 0.5 { return -normalQuantile(1 - p) }
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        func horner(_ coefficients: [Double], _ x: Double) -> Double { coefficients.reduce(0) { $0 * x + $1 } }
        var x: Double
        if p < 0.02425 {
            let q = (-2 * log(p)).squareRoot()
            x = horner(c, q) / horner(d + [1], q)
        } else if p > 1 - 0.02425 {
            let q = (-2 * log(1 - p)).squareRoot()
            x = -horner(c, q) / horner(d + [1], q)
        } else {
            let q = p - 0.5, r = q * q
            x = horner(a, r) * q / horner(b + [1], r)
        }
        let e = normalCDF(x) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        return x - u / (1 + x * u / 2)
    }

    /// Regularised incomplete beta I_x(a, b).
    public static func incompleteBeta(_ a: Double, _ b: Double, _ x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let lnBeta: Double = lgamma(a) + lgamma(b) - lgamma(a + b)
        let lnPowers: Double = a * log(x) + b * log(1 - x)
        let lnFront = lnPowers - lnBeta
        if x < (a + 1) / (a + b + 2) { return exp(lnFront) * betaFraction(a, b, x) / a }
        return 1 - exp(lnFront) * betaFraction(b, a, 1 - x) / b
    }

    static func betaFraction(_ a: Double, _ b: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0, d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let md = Double(m)
            var aa = md * (b - md) * x / ((a + 2 * md - 1) * (a + 2 * md))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d; h *= d * c
            aa = -(a + md) * (a + b + md) * x / ((a + 2 * md) * (a + 2 * md + 1))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }

    /// Regularised lower incomplete gamma P(a, x).
    public static func incompleteGammaP(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 0 }
        if x < a + 1 {
            var sum = 1 / a, term = sum, n = a
            for _ in 0..<100_000 {
                n += 1
                term *= x / n
                sum += term
                if abs(term) < abs(sum) * 1e-16 { break }
            }
            let lnFront: Double = a * log(x) - x - lgamma(a)
            return sum * exp(lnFront)
        }
        return 1 - incompleteGammaQContinued(a, x)
    }

    /// Regularised upper incomplete gamma Q(a, x) = 1 − P(a, x).
    public static func incompleteGammaQ(_ a: Double, _ x: Double) -> Double {
        if x <= 0 { return 1 }
        return x < a + 1 ? 1 - incompleteGammaP(a, x) : incompleteGammaQContinued(a, x)
    }

    static func incompleteGammaQContinued(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1...100_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b; if abs(d) < tiny { d = tiny }
            c = b + an / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        let lnFront: Double = a * log(x) - x - lgamma(a)
        return exp(lnFront) * h
    }

    /// Two-sided p-value of Student's t with ν degrees of freedom.
    public static func studentTTwoSided(_ t: Double, df: Double) -> Double {
        incompleteBeta(df / 2, 0.5, df / (df + t * t))
    }

    /// Quantile of Student's t (by bisection on the CDF; for confidence intervals).
    public static func studentTQuantile(_ p: Double, df: Double) -> Double {
        guard df.isFinite else { return normalQuantile(p) }
        func cdf(_ t: Double) -> Double {
            let tail = 0.5 * incompleteBeta(df / 2, 0.5, df / (df + t * t))
            return t >= 0 ? 1 - tail : tail
        }
        var lo = -1e3, hi = 1e3
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if cdf(mid) < p { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    /// Upper tail of χ² with k degrees of freedom.
    public static func chiSquareSurvival(_ x: Double, df: Double) -> Double { incompleteGammaQ(df / 2, x / 2) }
}
