/// Nelder–Mead simplex minimisation (Nelder & Mead 1965; the adaptive coefficients of Gao & Han
/// 2012), the method `lifetimes` uses through scipy.
public enum NelderMead {
    /// The result of a minimisation.
    public struct Result: Sendable {
        /// The parameters at the minimum found.
        public var point: [Double]
        /// The objective there.
        public var value: Double
        /// Iterations taken.
        public var iterations: Int
        /// True when the simplex shrank below the tolerance within the iteration limit.
        public var converged: Bool
    }

    /// Minimises `f` from `start`.
    /// - Parameters:
    ///   - f: the function; return `.infinity` outside its domain.
    ///   - start: the first point.
    ///   - step: the initial simplex size along each axis.
    ///   - tolerance: stop when the simplex's values and points differ by less than this.
    ///   - maxIterations: at most this many iterations.
    public static func minimize(_ f: ([Double]) -> Double, start: [Double], step: Double = 0.1, tolerance: Double = 1e-10,
                                maxIterations: Int = 20_000) -> Result {
        let n = start.count
        let d = Double(n)
        let alpha = 1.0, beta = 1 + 2 / d, gamma = 0.75 - 1 / (2 * d), delta = 1 - 1 / d
        var simplex = [start]
        for i in 0..<n {
            var p = start
            p[i] = p[i] != 0 ? p[i] * (1 + step) : step
            simplex.append(p)
        }
        var values = simplex.map(f)
        var iterations = 0
        while iterations < maxIterations {
            iterations += 1
            let order = values.indices.sorted { values[$0] < values[$1] }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            let spread = values[n] - values[0]
            var size = 0.0
            for p in simplex.dropFirst() { for j in 0..<n { size = max(size, abs(p[j] - simplex[0][j])) } }
            if abs(spread) <= tolerance * (1 + abs(values[0])) && size <= tolerance * 10 { return Result(point: simplex[0], value: values[0], iterations: iterations, converged: true) }
            var centroid = [Double](repeating: 0, count: n)
            for p in simplex.dropLast() { for j in 0..<n { centroid[j] += p[j] / d } }
            func along(_ t: Double) -> [Double] { (0..<n).map { centroid[$0] + t * (simplex[n][$0] - centroid[$0]) } }
            let reflected = along(-alpha), fr = f(reflected)
            if fr < values[0] {
                let expanded = along(-alpha * beta), fe = f(expanded)
                if fe < fr { simplex[n] = expanded; values[n] = fe } else { simplex[n] = reflected; values[n] = fr }
            } else if fr < values[n - 1] {
                simplex[n] = reflected; values[n] = fr
            } else {
                let outside = fr < values[n]
                let contracted = along(outside ? -alpha * gamma : gamma), fc = f(contracted)
                if fc < (outside ? fr : values[n]) {
                    simplex[n] = contracted; values[n] = fc
                } else {
                    for i in 1...n {
                        simplex[i] = (0..<n).map { simplex[0][$0] + delta * (simplex[i][$0] - simplex[0][$0]) }
                        values[i] = f(simplex[i])
                    }
                }
            }
        }
        let best = values.indices.min { values[$0] < values[$1] } ?? 0   // the simplex is never empty
        return Result(point: simplex[best], value: values[best], iterations: iterations, converged: false)
    }

    /// Minimises `f` from `start`, then restarts from the best point with a smaller simplex
    /// until a restart no longer improves the value (guards against premature collapse).
    public static func minimizeWithRestarts(_ f: ([Double]) -> Double, start: [Double], maxRestarts: Int = 10, maxIterations: Int = 20_000) -> Result {
        var best = minimize(f, start: start, step: 0.5, tolerance: 1e-12, maxIterations: maxIterations)
        for _ in 0..<maxRestarts {
            let next = minimize(f, start: best.point, step: 0.05, tolerance: 1e-12, maxIterations: maxIterations)
            let improved = best.value - next.value > 1e-9
            if next.value < best.value { best = next }
            if !improved { break }
        }
        return best
    }
}
