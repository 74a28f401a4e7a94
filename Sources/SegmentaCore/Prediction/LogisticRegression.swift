import Dispatch
import Foundation

/// L2-regularised logistic regression, as scikit-learn's `LogisticRegression(C=…)` defines it:
/// minimise C·Σᵢ [log(1 + e^{zᵢ}) − yᵢzᵢ] + ½‖w‖², with zᵢ = b + xᵢ·w and the intercept b not
/// penalised.
///
/// Solved by Newton's method (the objective is smooth and strictly convex in w): each step solves
/// H·δ = −g with H = C·[1 X]ᵀ diag(pᵢ(1−pᵢ)) [1 X] + diag(0, 1, …, 1) by Cholesky, with a
/// backtracking line search, until the largest gradient component is below `tolerance`. The
/// optimum is the same one scikit-learn's lbfgs converges to (the fixture test compares
/// coefficients to 1e-4). Rows are summed in parallel chunks.
public struct LogisticRegression: Sendable, Equatable {
    /// The fitted intercept (not regularised).
    public var intercept: Double
    /// One coefficient per feature column, in column order.
    public var coefficients: [Double]
    /// Newton steps taken.
    public var iterations: Int
    /// True when the gradient fell below the tolerance within the iteration limit.
    public var converged: Bool

    /// P(label = 1) for a row of features (in the units the model was fitted on).
    public func probability(_ row: ArraySlice<Double>) -> Double {
        var z = intercept
        for (w, x) in zip(coefficients, row) { z += w * x }
        return Self.sigmoid(z)
    }

    /// Probabilities for every row of a matrix.
    public func probabilities(_ m: FeatureMatrix) -> [Double] {
        (0..<m.rows).map { i in probability(m.values[(i * m.columns)..<((i + 1) * m.columns)]) }
    }

    /// Fits the model. `labels` are 0 or 1, one per row of `x`; `c` > 0 is the inverse of the
    /// regularisation strength.
    public static func fit(_ x: FeatureMatrix, labels: [Double], c: Double, tolerance: Double = 1e-8, maxIterations: Int = 100) -> LogisticRegression {
        let p = x.columns, d = p + 1
        var theta = [Double](repeating: 0, count: d)
        var (value, gradient, hessian) = evaluate(x, labels, theta, c: c, withHessian: true)
        var iterations = 0
        var converged = false
        while iterations < maxIterations {
            if gradient.allSatisfy({ abs($0) <= tolerance }) { converged = true; break }
            iterations += 1
            guard let step = Cholesky.solve(hessian, gradient.map { -$0 }, size: d) else { break }
            // Backtracking: Newton's full step almost always; halve while the objective rises. Once
            // the predicted decrease (the Newton decrement, −g·δ) is below what the objective's
            // rounding can show, the full step is taken as it is: it still shrinks the gradient.
            var slope = 0.0
            for j in 0..<d { slope += gradient[j] * step[j] }
            let negligible = -slope <= 1e-12 * max(1, abs(value))
            // Each candidate is evaluated with its Hessian: the full step is nearly always taken, and
            // then that pass is the next iteration's too.
            var t = 1.0, accepted = false
            for _ in 0..<40 {
                let candidate = (0..<d).map { theta[$0] + t * step[$0] }
                let next = evaluate(x, labels, candidate, c: c, withHessian: true)
                if negligible || next.0 <= value + 1e-4 * t * slope {
                    theta = candidate
                    (value, gradient, hessian) = next
                    accepted = true
                    break
                }
                t /= 2
            }
            guard accepted else { break }
        }
        if !converged { converged = gradient.allSatisfy { abs($0) <= tolerance } }
        return LogisticRegression(intercept: theta[0], coefficients: Array(theta.dropFirst()), iterations: iterations, converged: converged)
    }

    static func sigmoid(_ z: Double) -> Double {
        if z >= 0 { return 1 / (1 + exp(-z)) }
        let e = exp(z)
        return e / (1 + e)
    }

    /// log(1 + e^z) without overflow.
    static func softplus(_ z: Double) -> Double { z > 0 ? z + log1p(exp(-z)) : log1p(exp(z)) }

    /// The objective, its gradient and (optionally) its Hessian (row-major d×d) at θ = (b, w).
    static func evaluate(_ x: FeatureMatrix, _ y: [Double], _ theta: [Double], c: Double, withHessian: Bool) -> (Double, [Double], [Double]) {
        let n = x.rows, p = x.columns, d = p + 1
        let chunks = max(1, min(64, n / 20_000))
        let results = ChunkResults<(Double, [Double], [Double])>(count: chunks, empty: (0, [], []))
        x.values.withUnsafeBufferPointer { buffer in
            y.withUnsafeBufferPointer { labelBuffer in
                let shared = UnsafeSendable((buffer, labelBuffer))
                DispatchQueue.concurrentPerform(iterations: chunks) { k in
                    let (values, y) = shared.value
                    let lo = n * k / chunks, hi = n * (k + 1) / chunks
                    var loss = 0.0
                    var g = [Double](repeating: 0, count: d)
                    var h = [Double](repeating: 0, count: withHessian ? d * d : 0)
                    var row = [Double](repeating: 1, count: d)
                    for i in lo..<hi {
                        var z = theta[0]
                        for j in 0..<p {
                            let v = values[i * p + j]
                            row[j + 1] = v
                            z += theta[j + 1] * v
                        }
                        loss += softplus(z) - y[i] * z
                        let s = sigmoid(z)
                        let r = s - y[i]
                        for j in 0..<d { g[j] += r * row[j] }
                        if withHessian {
                            let w = s * (1 - s)
                            for a in 0..<d {
                                let wa = w * row[a]
                                for b in a..<d { h[a * d + b] += wa * row[b] }
                            }
                        }
                    }
                    results.set(k, (loss, g, h))
                }
            }
        }
        let partials = (0..<chunks).map { results.get($0) }
        var loss = 0.0
        var g = [Double](repeating: 0, count: d)
        var h = [Double](repeating: 0, count: withHessian ? d * d : 0)
        for (l, pg, ph) in partials {
            loss += l
            for j in 0..<d { g[j] += pg[j] }
            for j in 0..<h.count { h[j] += ph[j] }
        }
        var value = c * loss
        for j in 0..<d { g[j] *= c }
        for j in 1..<d {
            value += 0.5 * theta[j] * theta[j]
            g[j] += theta[j]
        }
        if withHessian {
            for a in 0..<d {
                for b in a..<d {
                    h[a * d + b] *= c
                    h[b * d + a] = h[a * d + b]
                }
                if a > 0 { h[a * d + a] += 1 }
            }
        }
        return (value, g, h)
    }
}

/// Solving a symmetric positive-definite system by Cholesky factorisation.
enum Cholesky {
    /// x with A·x = b, A row-major size×size; nil when A is not positive definite.
    static func solve(_ a: [Double], _ b: [Double], size n: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var s = a[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard s > 0 else { return nil }
                    l[i * n + i] = s.squareRoot()
                } else {
                    l[i * n + j] = s / l[j * n + j]
                }
            }
        }
        var y = b
        for i in 0..<n {
            for k in 0..<i { y[i] -= l[i * n + k] * y[k] }
            y[i] /= l[i * n + i]
        }
        var x = y
        for i in stride(from: n - 1, through: 0, by: -1) {
            for k in (i + 1)..<n { x[i] -= l[k * n + i] * x[k] }
            x[i] /= l[i * n + i]
        }
        return x
    }
}
