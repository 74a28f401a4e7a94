/// BFGS quasi-Newton minimisation with a backtracking (Armijo) line search
/// (Nocedal & Wright, "Numerical Optimization", 2nd ed., algorithm 6.1).
public enum BFGS {
    /// Where the minimiser stopped.
    public struct Result: Sendable {
        /// The parameters at the minimum found.
        public var point: [Double]
        /// The objective there.
        public var value: Double
        /// Iterations taken.
        public var iterations: Int
        /// True when the gradient criterion was met within the iteration limit.
        public var converged: Bool
        /// The gradient at `point`.
        public var gradient: [Double]
    }

    /// Minimises a function given with its gradient.
    /// - Parameters:
    ///   - f: value and gradient at a point (value `.infinity` outside the domain).
    ///   - start: the first point.
    ///   - gradientTolerance: stop when every gradient component is at most this × max(1, |value|).
    ///   - edge: stop once the point has had a coordinate beyond ±`edge` for 10 iterations in a
    ///     row (the function keeps falling towards infinity: each further iteration costs a line
    ///     search and finds no minimum inside). Nil: no such stop.
    ///   - stop: asked before each iteration and line-search step; true ends the search where it is.
    public static func minimize(_ f: ([Double]) -> (Double, [Double]), start: [Double], gradientTolerance: Double = 1e-10,
                                maxIterations: Int = 500, edge: Double? = nil, stop: () -> Bool = { false }) -> Result {
        let n = start.count
        var x = start
        var (fx, g) = f(x)
        var h = identity(n)
        var iterations = 0, outside = 0
        func small(_ g: [Double], _ fx: Double) -> Bool { g.allSatisfy { abs($0) <= gradientTolerance * max(1, abs(fx)) } }
        while iterations < maxIterations && !small(g, fx) && !stop() {
            if let edge, x.contains(where: { abs($0) > edge }) {
                outside += 1
                if outside > 10 { break }
            } else {
                outside = 0
            }
            iterations += 1
            var p = (0..<n).map { i in -(0..<n).reduce(0) { $0 + h[i][$1] * g[$1] } }
            var slope = zip(g, p).reduce(0) { $0 + $1.0 * $1.1 }
            if slope >= 0 {
                h = identity(n)
                p = g.map { -$0 }
                slope = -g.reduce(0) { $0 + $1 * $1 }
            }
            var t = 1.0
            var next = x, fNext = Double.infinity, gNext = g
            var accepted = false
            for _ in 0..<60 where !stop() {
                next = (0..<n).map { x[$0] + t * p[$0] }
                (fNext, gNext) = f(next)
                if fNext.isFinite && fNext <= fx + 1e-4 * t * slope { accepted = true; break }
                t *= 0.5
            }
            guard accepted else { break }
            let s = (0..<n).map { next[$0] - x[$0] }, y = (0..<n).map { gNext[$0] - g[$0] }
            let sy = zip(s, y).reduce(0) { $0 + $1.0 * $1.1 }
            let improvement = fx - fNext
            x = next
            fx = fNext
            g = gNext
            if sy > 1e-300 {
                let rho = 1 / sy
                // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ
                let hy = (0..<n).map { i in (0..<n).reduce(0) { $0 + h[i][$1] * y[$1] } }
                let yhy = zip(y, hy).reduce(0) { $0 + $1.0 * $1.1 }
                for i in 0..<n {
                    for j in 0..<n {
                        h[i][j] += -rho * (s[i] * hy[j] + hy[i] * s[j]) + (rho * rho * yhy + rho) * s[i] * s[j]
                    }
                }
            }
            if improvement >= 0 && improvement <= 1e-15 * max(1, abs(fx)) && small(g.map { $0 * 1e-2 }, fx) { break }
        }
        return Result(point: x, value: fx, iterations: iterations, converged: small(g, fx), gradient: g)
    }

    static func identity(_ n: Int) -> [[Double]] { (0..<n).map { i in (0..<n).map { $0 == i ? 1.0 : 0.0 } } }
}
