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
    ///   - edge: stop once the best point has had a coordinate beyond ±`edge` for 50 iterations in
    ///     a row: the function keeps falling towards infinity there, and no minimum inside will be
    ///     found (a caller that refuses such points then refuses at once instead of after every
    ///     iteration). Nil: no such stop.
    ///   - stop: asked before each iteration; true ends the search where it is (not converged).
    public static func minimize(_ f: ([Double]) -> Double, start: [Double], step: Double = 0.1, tolerance: Double = 1e-10,
                                maxIterations: Int = 20_000, edge: Double? = nil, stop: () -> Bool = { false }) -> Result {
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
        var iterations = 0, outside = 0
        while iterations < maxIterations && !stop() {
            iterations += 1
            let order = values.indices.sorted { values[$0] < values[$1] }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            if let edge, simplex[0].contains(where: { abs($0) > edge }) {
                outside += 1
                if outside >= 50 { return Result(point: simplex[0], value: values[0], iterations: iterations, converged: false) }
            } else {
                outside = 0
            }
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
                let beyond = fr < values[n]
                let contracted = along(beyond ? -alpha * gamma : gamma), fc = f(contracted)
                if fc < (beyond ? fr : values[n]) {
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
    /// With `edge`, a run stopped beyond it (see ``minimize(_:start:step:tolerance:maxIterations:edge:stop:)``) is not restarted;
    /// once `stop` says so, neither is any.
    public static func minimizeWithRestarts(_ f: ([Double]) -> Double, start: [Double], maxRestarts: Int = 10, maxIterations: Int = 20_000,
                                            edge: Double? = nil, stop: () -> Bool = { false }) -> Result {
        func beyond(_ r: Result) -> Bool { edge.map { e in r.point.contains { abs($0) > e } } ?? false }
        var best = minimize(f, start: start, step: 0.5, tolerance: 1e-12, maxIterations: maxIterations, edge: edge, stop: stop)
        for _ in 0..<maxRestarts where !beyond(best) && !stop() {
            let next = minimize(f, start: best.point, step: 0.05, tolerance: 1e-12, maxIterations: maxIterations, edge: edge, stop: stop)
            let improved = best.value - next.value > 1e-9
            if next.value < best.value { best = next }
            if !improved { break }
        }
        return best
    }
}
