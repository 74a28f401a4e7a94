import Dispatch
import Foundation

/// The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy
/// Way"): while alive a customer buys at a Poisson rate λ ~ Gamma(r, α); after each purchase they
/// drop out with probability p ~ Beta(a, b).
public struct BGNBDModel: Sendable, Equatable {
    /// The fitted parameters: r and α of the purchase-rate Gamma, a and b of the dropout Beta.
    public var r: Double, alpha: Double, a: Double, b: Double
    /// Log-likelihood at the fit, with all constants.
    public var logLikelihood: Double
    /// Standard errors of (r, α, a, b) from the observed information (nil when not computed).
    public var standardErrors: [Double]?

    /// A model with these parameters.
    public init(r: Double, alpha: Double, a: Double, b: Double, logLikelihood: Double = .nan, standardErrors: [Double]? = nil) {
        self.r = r
        self.alpha = alpha
        self.a = a
        self.b = b
        self.logLikelihood = logLikelihood
        self.standardErrors = standardErrors
    }

    /// One customer's log-likelihood (FHL 2005, eq. 6), computed in logs for stability.
    public static func logLikelihood(r: Double, alpha: Double, a: Double, b: Double, x: Double, tx: Double, T: Double) -> Double {
        let a1 = SpecialFunctions.logGamma(r + x) - SpecialFunctions.logGamma(r) + r * log(alpha)
        let a2 = SpecialFunctions.logGamma(a + b) + SpecialFunctions.logGamma(b + x) - SpecialFunctions.logGamma(b) - SpecialFunctions.logGamma(a + b + x)
        let a3 = -(r + x) * log(alpha + T)
        guard x > 0 else { return a1 + a2 + a3 }
        let a4 = log(a) - log(b + x - 1) - (r + x) * log(alpha + tx)
        return a1 + a2 + SpecialFunctions.logAddExp(a3, a4)
    }

    /// Fits by maximum likelihood.
    ///
    /// Identical (x, tₓ, T) rows are grouped and weighted; times are scaled so that max T = 10
    /// while optimising (as `lifetimes` does); BFGS runs on log-parameters with the analytic
    /// gradient (digamma), falling back to a restarted Nelder–Mead simplex if it does not converge.
    /// - Parameters:
    ///   - frequency: repeat purchases of each customer; `recency`, `T` in the same unit.
    ///   - budget: the work allowed; a fit with no maximum found when it runs out is refused.
    /// - Complexity: O(u) per evaluation for u distinct rows.
    public static func fit(frequency: [Double], recency: [Double], T: [Double], standardErrors wantErrors: Bool = true,
                           budget: FitBudget = FitBudget()) throws(SegmentaError) -> BGNBDModel {
        guard !frequency.isEmpty, frequency.count == recency.count, recency.count == T.count else {
            throw SegmentaError(.invalidInput, "BG/NBD needs at least one customer with frequency, recency and T")
        }
        for i in frequency.indices where frequency[i] < 0 || recency[i] < 0 || T[i] < recency[i] || (frequency[i] == 0 && recency[i] != 0) {
            throw SegmentaError(.invalidInput, "customer \(i + 1): frequency \(frequency[i]), recency \(recency[i]), T \(T[i]) is not a valid summary (need 0 ≤ recency ≤ T, and recency 0 when frequency is 0)")
        }
        guard frequency.contains(where: { $0 > 0 }) else {
            throw SegmentaError(.invalidInput, "no customer bought more than once: the BG/NBD model cannot be fitted")
        }
        struct Key: Hashable { let x: Double, tx: Double, T: Double }
        var weights: [Key: Double] = [:]
        for i in frequency.indices { weights[Key(x: frequency[i], tx: recency[i], T: T[i]), default: 0] += 1 }
        let longest = T.max() ?? 0
        let scale = 10 / (longest > 0 ? longest : 1)
        // Sorted, so that sums (and so the fit) do not depend on the dictionary's per-process hash seed.
        let sortedWeights = weights.sorted { ($0.key.x, $0.key.tx, $0.key.T) < ($1.key.x, $1.key.tx, $1.key.T) }
        let rows = sortedWeights.map { (x: $0.key.x, tx: $0.key.tx * scale, T: $0.key.T * scale, w: $0.value) }
        // Terms that depend on x only (the log-gammas) are computed once per distinct x.
        let xs = Array(Set(rows.map(\.x))).sorted()
        let xIndex = Dictionary(xs.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let rowX = rows.map { xIndex[$0.x] ?? 0 }   // every x is in xs
        let parts = rows.count >= 20_000 ? 2 : 1
        func negLL(_ p: [Double]) -> Double {
            budget.spend(rows: rows.count)
            guard p.allSatisfy({ abs($0) <= 30 }) else { return .infinity }
            let r = exp(p[0]), alpha = exp(p[1]), a = exp(p[2]), b = exp(p[3])
            let base = -SpecialFunctions.logGamma(r) + r * log(alpha) + SpecialFunctions.logGamma(a + b) - SpecialFunctions.logGamma(b)
            let perX = xs.map { x in
                base + SpecialFunctions.logGamma(r + x) + SpecialFunctions.logGamma(b + x) - SpecialFunctions.logGamma(a + b + x)
                    + (x > 0 ? log(a) - log(b + x - 1) : 0)
            }
            let sums = ChunkResults<Double>(count: parts, empty: 0)
            let chunk = (rows.count + parts - 1) / parts
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                var total = 0.0
                for i in (part * chunk)..<min(rows.count, (part + 1) * chunk) {
                    let row = rows[i]
                    let a3 = -(r + row.x) * log(alpha + row.T)
                    var ll = perX[rowX[i]]
                    if row.x > 0 {
                        // perX holds log(a) − log(b + x − 1) for x > 0: remove it from the common part.
                        let a4 = -(r + row.x) * log(alpha + row.tx)
                        let extra = log(a) - log(b + row.x - 1)
                        ll += SpecialFunctions.logAddExp(a3 - extra, a4)
                    } else {
                        ll += a3
                    }
                    total += row.w * ll
                }
                sums.set(part, total)
            }
            var total = 0.0
            for part in 0..<parts { total += sums.get(part) }
            return total.isFinite ? -total : .infinity
        }
        // −LL and its gradient in log-parameters (analytic, with digamma), for BFGS.
        func negLLAndGradient(_ p: [Double]) -> (Double, [Double]) {
            budget.spend(rows: rows.count)
            // Parameters beyond e^±30 are outside any sensible fit and where log-gammas lose all precision.
            guard p.allSatisfy({ abs($0) <= 30 }) else { return (.infinity, [0, 0, 0, 0]) }
            let r = exp(p[0]), alpha = exp(p[1]), a = exp(p[2]), b = exp(p[3])
            let base = -SpecialFunctions.logGamma(r) + r * log(alpha) + SpecialFunctions.logGamma(a + b) - SpecialFunctions.logGamma(b)
            let perX = xs.map { x in base + SpecialFunctions.logGamma(r + x) + SpecialFunctions.logGamma(b + x) - SpecialFunctions.logGamma(a + b + x) }
            let psiR = SpecialFunctions.digamma(r), psiAB = SpecialFunctions.digamma(a + b), psiB = SpecialFunctions.digamma(b)
            // Per distinct x: the x-only parts of ∂/∂r, ∂/∂a, ∂/∂b.
            let dR = xs.map { SpecialFunctions.digamma(r + $0) - psiR + log(alpha) }
            let dA = xs.map { psiAB - SpecialFunctions.digamma(a + b + $0) }
            let dB = xs.map { psiAB + SpecialFunctions.digamma(b + $0) - psiB - SpecialFunctions.digamma(a + b + $0) }
            let parts = rows.count >= 20_000 ? 2 : 1
            let chunk = (rows.count + parts - 1) / parts
            let sums = ChunkResults<[Double]>(count: parts, empty: [])
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                var ll = 0.0, gr = 0.0, gal = 0.0, ga = 0.0, gb = 0.0
                for i in (part * chunk)..<min(rows.count, (part + 1) * chunk) {
                    let row = rows[i], k = rowX[i], w = row.w
                    let lT = log(alpha + row.T)
                    let termB = -(r + row.x) * lT
                    var value = perX[k], weightC = 0.0
                    var dr = dR[k], dal = r / alpha, da = dA[k], db = dB[k]
                    if row.x > 0 {
                        let lTx = log(alpha + row.tx)
                        let termC = log(a) - log(b + row.x - 1) - (r + row.x) * lTx
                        let m = max(termB, termC)
                        let eB = exp(termB - m), eC = exp(termC - m)
                        value += m + log(eB + eC)
                        weightC = eC / (eB + eC)
                        dr += -(1 - weightC) * lT - weightC * lTx
                        dal += -(1 - weightC) * (r + row.x) / (alpha + row.T) - weightC * (r + row.x) / (alpha + row.tx)
                        da += weightC / a
                        db += -weightC / (b + row.x - 1)
                    } else {
                        value += termB
                        dr += -lT
                        dal += -(r + row.x) / (alpha + row.T)
                    }
                    ll += w * value
                    gr += w * dr
                    gal += w * dal
                    ga += w * da
                    gb += w * db
                }
                sums.set(part, [ll, gr, gal, ga, gb])
            }
            var t = [0.0, 0, 0, 0, 0]
            for part in 0..<parts { let s = sums.get(part); for j in 0..<5 { t[j] += s[j] } }
            guard t[0].isFinite else { return (.infinity, [0, 0, 0, 0]) }
            // Chain rule to log-parameters, and negate for minimisation.
            return (-t[0], [-t[1] * r, -t[2] * alpha, -t[3] * a, -t[4] * b])
        }
        var best = NelderMead.Result(point: [0, 0, 0, 0], value: .infinity, iterations: 0, converged: false)
        let stop = { budget.exhausted }
        let quasiNewton = BFGS.minimize(negLLAndGradient, start: [0, 0, 0, 0], edge: Self.edge, stop: stop)
        if budget.exhausted { throw budget.error(model: "BG/NBD", advice: Self.advice) }
        let nearlyFlat = quasiNewton.gradient.allSatisfy { abs($0) <= 1e-7 * max(1, abs(quasiNewton.value)) }
        if quasiNewton.converged || nearlyFlat {
            best = NelderMead.Result(point: quasiNewton.point, value: quasiNewton.value, iterations: quasiNewton.iterations, converged: true)
        } else {
            // A parameter running off to e^±25 means the likelihood has no maximum inside: no simplex will find one.
            try Self.refuseDiverged(quasiNewton.point, scale: scale)
            // Fall back to the derivative-free simplex, from where BFGS stopped; its work is bounded
            // by the data's size (each evaluation walks every distinct row), so a fit ends in seconds.
            let iterations = min(20_000, max(500, 400_000_000 / max(1, rows.count)))
            best = NelderMead.minimizeWithRestarts(negLL, start: quasiNewton.value.isFinite ? quasiNewton.point : [0, 0, 0, 0],
                                                   maxRestarts: rows.count > 50_000 ? 2 : 10, maxIterations: iterations, edge: Self.edge, stop: stop)
            if budget.exhausted {
                // Parameters at the edge explain themselves better than "no convergence".
                try Self.refuseDiverged(best.point, scale: scale)
                throw budget.error(model: "BG/NBD", advice: Self.advice)
            }
        }
        try Self.refuseDiverged(best.point, scale: scale)
        let p = best.point.map { exp($0) }
        var model = BGNBDModel(r: p[0], alpha: p[1] / scale, a: p[2], b: p[3])
        var total = 0.0
        for row in rows { total += row.w * logLikelihood(r: model.r, alpha: model.alpha, a: model.a, b: model.b, x: row.x, tx: row.tx / scale, T: row.T / scale) }
        model.logLikelihood = total
        if wantErrors {
            // In key order: the numerical Hessian is sensitive to summation order (the dictionary's
            // order changes with each process's hash seed, and the errors changed in the 4th digit).
            model.standardErrors = Self.standardErrors(model, rows: sortedWeights.map { ($0.key.x, $0.key.tx, $0.key.T, $0.value) })
        }
        return model
    }

    /// What to try when the fit is refused for lack of a maximum.
    static let advice = "P(alive) and CLV would mean nothing. Check that the orders cover long enough for customers to come back "
        + "and to drop out (a year or more, with --calibration-end before the last orders), or use RFM and lifecycle stages, which need no model"

    /// How far a log-parameter may go (e^±25) before the fit is refused; the simplex stops there too.
    static let edge = 25.0

    /// Throws when a fitted log-parameter is beyond ±25: the likelihood keeps rising towards an
    /// edge (typically no customer appears to drop out, so a → 0 or b → ∞) and the model says nothing.
    static func refuseDiverged(_ logParameters: [Double], scale: Double) throws(SegmentaError) {
        guard logParameters.count == 4, logParameters.contains(where: { abs($0) > edge }) else { return }
        let p = logParameters.map { exp($0) }
        let shown = "r = \(JSONValue.format(p[0])), alpha = \(JSONValue.format(p[1] / scale)), a = \(JSONValue.format(p[2])), b = \(JSONValue.format(p[3]))"
        throw SegmentaError(.invalidInput, "the BG/NBD model does not fit these purchases: its parameters run off to the edge (\(shown)). "
            + "This happens when no customer appears to drop out (purchases at a steady rate until the end of the data); "
            + "P(alive) and CLV would mean nothing. Use RFM or lifecycle stages for these customers, or a longer history with churn in it")
    }

    /// Standard errors from the inverse of the numerical Hessian of −LL at the estimate.
    static func standardErrors(_ m: BGNBDModel, rows: [(Double, Double, Double, Double)]) -> [Double]? {
        let theta = [m.r, m.alpha, m.a, m.b]
        func nll(_ p: [Double]) -> Double {
            var total = 0.0
            for (x, tx, T, w) in rows { total += w * logLikelihood(r: p[0], alpha: p[1], a: p[2], b: p[3], x: x, tx: tx, T: T) }
            return -total
        }
        let n = 4
        var h = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        let steps = theta.map { 1e-4 * max(abs($0), 1e-3) }
        for i in 0..<n {
            for j in i..<n {
                func at(_ di: Double, _ dj: Double) -> Double {
                    var p = theta
                    p[i] += di * steps[i]
                    p[j] += dj * steps[j]
                    return nll(p)
                }
                let v = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * steps[i] * steps[j])
                h[i][j] = v
                h[j][i] = v
            }
        }
        guard let inverse = Matrix.inverse(h) else { return nil }
        return (0..<n).map { inverse[$0][$0] > 0 ? inverse[$0][$0].squareRoot() : .nan }
    }

    /// P(alive | x, tₓ, T) (FHL 2005, eq. 11).
    public func probabilityAlive(frequency x: Double, recency tx: Double, T: Double) -> Double {
        guard x > 0 else { return 1 }
        let logRatio = log(a) - log(b + x - 1) + (r + x) * (log(alpha + T) - log(alpha + tx))
        return 1 / (1 + exp(logRatio))
    }

    /// E[X(T, T + t) | x, tₓ, T]: expected purchases in the next t (FHL 2005, eq. 10).
    public func expectedPurchases(_ t: Double, frequency x: Double, recency tx: Double, T: Double) -> Double {
        guard t > 0 else { return 0 }
        let first = (a + b + x - 1) / (a - 1)
        let hyp = SpecialFunctions.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
        let second = 1 - hyp * pow((alpha + T) / (alpha + T + t), r + x)
        let denominator = 1 + (x > 0 ? (a / (b + x - 1)) * pow((alpha + T) / (alpha + tx), r + x) : 0)
        return first * second / denominator
    }

    /// E[X(t)] for a customer picked at random at time 0 (FHL 2005, eq. 9).
    public func unconditionalExpectedPurchases(_ t: Double) -> Double {
        let hyp = SpecialFunctions.hyp2f1(r, b, a + b - 1, t / (alpha + t))
        return (a + b - 1) / (a - 1) * (1 - pow(alpha / (alpha + t), r) * hyp)
    }

    /// P(X(t) = n) for a customer picked at random at time 0 (FHL 2005, eq. 8).
    public func probabilityOfPurchases(_ n: Int, in t: Double) -> Double {
        let x = Double(n)
        let lp = alpha / (alpha + t), lq = t / (alpha + t)
        var term = exp(SpecialFunctions.logBeta(a, b + x) - SpecialFunctions.logBeta(a, b) + SpecialFunctions.logGamma(r + x)
                       - SpecialFunctions.logGamma(r) - SpecialFunctions.logGamma(x + 1) + r * log(lp) + x * log(lq))
        if n > 0 {
            var partial = 0.0
            for j in 0..<n {
                let jd = Double(j)
                partial += exp(SpecialFunctions.logGamma(r + jd) - SpecialFunctions.logGamma(r) - SpecialFunctions.logGamma(jd + 1) + jd * log(lq))
            }
            term += exp(SpecialFunctions.logBeta(a + 1, b + x - 1) - SpecialFunctions.logBeta(a, b)) * (1 - pow(lp, r) * partial)
        }
        return term
    }
}

/// Small dense matrix helpers.
enum Matrix {
    /// Inverse by Gauss–Jordan elimination with partial pivoting; nil when singular.
    static func inverse(_ m: [[Double]]) -> [[Double]]? {
        let n = m.count
        var a = m
        var inv = (0..<n).map { i in (0..<n).map { $0 == i ? 1.0 : 0.0 } }
        for col in 0..<n {
            guard let pivot = (col..<n).max(by: { abs(a[$0][col]) < abs(a[$1][col]) }), abs(a[pivot][col]) > 1e-300 else { return nil }
            a.swapAt(col, pivot)
            inv.swapAt(col, pivot)
            let d = a[col][col]
            for j in 0..<n { a[col][j] /= d; inv[col][j] /= d }
            for row in 0..<n where row != col {
                let f = a[row][col]
                guard f != 0 else { continue }
                for j in 0..<n { a[row][j] -= f * a[col][j]; inv[row][j] -= f * inv[col][j] }
            }
        }
        return inv
    }
}
