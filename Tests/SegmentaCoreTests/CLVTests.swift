import Foundation
import Testing
@testable import SegmentaCore

@Suite struct CLVTests {
    /// Rows of a CDNOW summary fixture: (x, t_x, T[, zbar]).
    static func summary(_ name: String) throws -> [[Double]] {
        let text = try String(contentsOf: FixtureFiles.url("cdnow/\(name)"), encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",").dropFirst().map { Double($0)! } }
    }

    @Test func bgnbdReproducesThePublishedCDNOWFit() throws {
        // Fader, Hardie & Lee (2005): r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4.
        let rows = try Self.summary("cdnow_customers_summary.csv")
        #expect(rows.count == 2357)
        let m = try BGNBDModel.fit(frequency: rows.map { $0[0] }, recency: rows.map { $0[1] }, T: rows.map { $0[2] })
        #expect(abs(m.r - 0.243) < 0.0005)
        #expect(abs(m.alpha - 4.414) < 0.0005)
        #expect(abs(m.a - 0.793) < 0.0005)
        #expect(abs(m.b - 2.426) < 0.0005)
        #expect(abs(m.logLikelihood - (-9582.4)) < 0.05)
        #expect(m.standardErrors?.allSatisfy { $0 > 0 && $0 < 1 } == true)
    }

    @Test("customers who never drop out: a clear error at once, not a fit that runs for minutes")
    func noDropoutIsRefusedQuickly() throws {
        // Every customer buys once a week from their first week to the end of the data: nobody churns,
        // so the likelihood rises forever towards a dropout of zero.
        var frequency: [Double] = [], recency: [Double] = [], T: [Double] = []
        for i in 0..<20_000 {
            let weeks = Double(104 - i % 100)
            frequency.append(weeks); recency.append(weeks); T.append(weeks)
        }
        #expect {
            _ = try BGNBDModel.fit(frequency: frequency, recency: recency, T: T)
        } throws: { error in
            (error as? SegmentaError)?.message.contains("does not fit these purchases") == true
        }
    }

    /// Purchases at random days over two years (1–6 each), in days: no pattern of repeat and
    /// dropout for the model to find (`lifetimes` raises ConvergenceError on such orders, see
    /// docs/DEFINITIONS.md).
    static func patternless(_ customers: Int) -> (frequency: [Double], recency: [Double], T: [Double]) {
        var rng = SplitMix64(seed: 20261207)
        var f: [Double] = [], r: [Double] = [], t: [Double] = []
        for _ in 0..<customers {
            let days = Set((0..<Int.random(in: 1...6, using: &rng)).map { _ in Double(Int.random(in: 0...700, using: &rng)) }).sorted()
            f.append(Double(days.count - 1)); r.append(days.last! - days.first!); t.append(730 - days.first!)
        }
        return (f, r, t)
    }

    @Test("a fit whose budget runs out is refused with lifetimes' explanation, in the time the budget allows")
    func exhaustedBudgetIsRefused() throws {
        let (f, r, t) = Self.patternless(3_000)
        let started = ContinuousClock.now
        #expect {
            _ = try BGNBDModel.fit(frequency: f, recency: r, T: t, budget: FitBudget(rowEvaluations: 200_000))
        } throws: { error in
            let message = (error as? SegmentaError)?.message ?? ""
            return message.contains("did not converge") && message.contains("ConvergenceError") && message.contains("RFM")
        }
        #expect(ContinuousClock.now - started < .seconds(10))
        // The wall-clock backstop says so in its own words.
        #expect {
            _ = try BGNBDModel.fit(frequency: f, recency: r, T: t, budget: FitBudget(time: .zero))
        } throws: { ($0 as? SegmentaError)?.message.contains("found no maximum within 0 s") == true }
    }

    @Test("a cancelled fit stops with a cancelled error (a server shutting down), not a result")
    func cancelledFitStops() async throws {
        let (f, r, t) = Self.patternless(3_000)
        // A task added to a cancelled group starts cancelled: the fit sees it at its first check.
        let outcome = await withTaskGroup(of: (any Error)?.self) { group in
            group.cancelAll()
            group.addTask {
                do { _ = try BGNBDModel.fit(frequency: f, recency: r, T: t); return nil } catch { return error }
            }
            return await group.next() ?? nil
        }
        #expect((outcome as? SegmentaError)?.code == .cancelled)
    }

    @Test("budgets change nothing for a fit that converges: CDNOW's published parameters within a budget 75 times smaller than the default")
    func budgetLeavesConvergingFitsAlone() throws {
        let rows = try Self.summary("cdnow_customers_summary.csv")
        let m = try BGNBDModel.fit(frequency: rows.map { $0[0] }, recency: rows.map { $0[1] }, T: rows.map { $0[2] }, standardErrors: false,
                                   budget: FitBudget(rowEvaluations: 2_000_000))
        #expect(abs(m.r - 0.243) < 0.0005 && abs(m.a - 0.793) < 0.0005)
    }

    @Test("the simplex stops soon after its best point passes the edge, and finds an inside minimum as before")
    func simplexStopsAtTheEdge() throws {
        // Falls forever as x → ∞ (the BG/NBD likelihood without dropout does the same in log a),
        // until the function's own domain ends at 30.
        let falling: ([Double]) -> Double = { p in p.contains { abs($0) > 30 } ? .infinity : -p[0] + (p[1] - 1) * (p[1] - 1) }
        // The iteration at which the plain simplex's best point first passes 25 …
        let reached = try #require((1...5_000).first { NelderMead.minimize(falling, start: [0, 0], step: 0.5, maxIterations: $0).point[0] > 25 })
        let free = NelderMead.minimize(falling, start: [0, 0], step: 0.5)
        // … and the simplex with the edge stops 50 iterations later, where the plain one goes on.
        let stopped = NelderMead.minimize(falling, start: [0, 0], step: 0.5, edge: 25)
        #expect(stopped.point[0] > 25 && stopped.point[0] <= 30 && !stopped.converged)
        #expect(stopped.iterations == reached + 50 && free.iterations > stopped.iterations, "\(reached), \(stopped.iterations), \(free.iterations)")
        // With restarts, a run stopped at the edge is not restarted.
        #expect(NelderMead.minimizeWithRestarts(falling, start: [0, 0], edge: 25).iterations == stopped.iterations)
        // Rosenbrock's minimum (1, 1) is inside: the edge changes nothing.
        let rosenbrock: ([Double]) -> Double = { p in 100 * (p[1] - p[0] * p[0]) * (p[1] - p[0] * p[0]) + (1 - p[0]) * (1 - p[0]) }
        let inside = NelderMead.minimizeWithRestarts(rosenbrock, start: [-1.2, 1], edge: 25)
        let plain = NelderMead.minimizeWithRestarts(rosenbrock, start: [-1.2, 1])
        #expect(abs(inside.point[0] - 1) < 1e-5 && abs(inside.point[1] - 1) < 1e-5)
        #expect(inside.point == plain.point && inside.iterations == plain.iterations)
    }

    @Test("BFGS stops ten iterations after its point passes the edge")
    func quasiNewtonStopsAtTheEdge() throws {
        let falling: ([Double]) -> (Double, [Double]) = { p in
            p.contains { abs($0) > 30 } ? (.infinity, [0, 0]) : (-p[0] + (p[1] - 1) * (p[1] - 1), [-1, 2 * (p[1] - 1)])
        }
        let reached = try #require((1...500).first { BFGS.minimize(falling, start: [0, 0], maxIterations: $0).point[0] > 25 })
        let free = BFGS.minimize(falling, start: [0, 0])
        let stopped = BFGS.minimize(falling, start: [0, 0], edge: 25)
        #expect(stopped.point[0] > 25 && stopped.point[0] <= 30 && !stopped.converged)
        #expect(stopped.iterations == reached + 10 && free.iterations > stopped.iterations, "\(reached), \(stopped.iterations), \(free.iterations)")
        // An inside minimum is found as before.
        let bowl: ([Double]) -> (Double, [Double]) = { p in ((p[0] - 3) * (p[0] - 3) + (p[1] + 2) * (p[1] + 2), [2 * (p[0] - 3), 2 * (p[1] + 2)]) }
        let inside = BFGS.minimize(bowl, start: [0, 0], edge: 25), plain = BFGS.minimize(bowl, start: [0, 0])
        #expect(inside.converged && abs(inside.point[0] - 3) < 1e-8 && abs(inside.point[1] + 2) < 1e-8 && inside.point == plain.point)
    }

    @Test func gammaGammaReproducesThePublishedCDNOWFit() throws {
        // lifetimes documentation: 946 repeat customers, p = 6.25, q = 3.74, v = 15.44.
        let rows = try Self.summary("cdnow_customers_summary_with_transactions.csv")
        let repeaters = rows.filter { $0[0] > 0 }
        #expect(repeaters.count == 946)
        let g = try GammaGammaModel.fit(frequency: rows.map { $0[0] }, monetary: rows.map { $0[3] })
        #expect(abs(g.p - 6.25) < 0.005)
        #expect(abs(g.q - 3.74) < 0.005)
        // The documentation prints v truncated: lifetimes itself finds 15.4477.
        #expect(abs(g.v - 15.44) < 0.01)
    }
}

@Suite struct CLVAgainstLifetimesTests {
    static func table(_ name: String) throws -> [[String: Double]] {
        let text = try String(contentsOf: FixtureFiles.url("cdnow/\(name)"), encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline)
        let header = lines[0].split(separator: ",").map(String.init)
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",").map { Double($0)! }))
        }
    }

    @Test func fittedParametersMatchLifetimes() throws {
        let p = try Self.table("expected_clv_params.csv")[0]
        let rows = try Self.table("expected_clv.csv")
        let bg = try BGNBDModel.fit(frequency: rows.map { $0["frequency"]! }, recency: rows.map { $0["recency"]! }, T: rows.map { $0["T"]! }, standardErrors: false)
        let gg = try GammaGammaModel.fit(frequency: rows.map { $0["frequency"]! }, monetary: rows.map { $0["monetary"]! })
        for (ours, theirs) in [(bg.r, p["r"]!), (bg.alpha, p["alpha"]!), (bg.a, p["a"]!), (bg.b, p["b"]!), (gg.p, p["p"]!), (gg.q, p["q"]!), (gg.v, p["v"]!)] {
            #expect(abs(ours / theirs - 1) < 1e-4, "\(ours) vs lifetimes \(theirs)")
        }
    }

    @Test func perCustomerPredictionsMatchLifetimesWithTheSameParameters() throws {
        let p = try Self.table("expected_clv_params.csv")[0]
        let bg = BGNBDModel(r: p["r"]!, alpha: p["alpha"]!, a: p["a"]!, b: p["b"]!)
        let gg = GammaGammaModel(p: p["p"]!, q: p["q"]!, v: p["v"]!)
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(b)) }
        #expect(close(bg.unconditionalExpectedPurchases(39), p["unconditional_39"]!))
        #expect(close(bg.probabilityOfPurchases(2, in: 39), p["p_x2_39"]!))
        var mismatches = 0
        for row in try Self.table("expected_clv.csv") {
            let s = CustomerSummary(customerID: "", frequency: row["frequency"]!, recency: row["recency"]!, T: row["T"]!, monetary: row["monetary"]!)
            let ok = close(bg.probabilityAlive(frequency: s.frequency, recency: s.recency, T: s.T), row["p_alive"]!)
                && close(bg.expectedPurchases(52, frequency: s.frequency, recency: s.recency, T: s.T), row["expected_purchases_52"]!)
                && close(gg.expectedAverageValue(frequency: s.frequency, monetary: s.monetary), row["expected_avg_value"]!)
                && close(CLVCalculator.clv(bgnbd: bg, gammaGamma: gg, summary: s, unit: .week), row["clv_12m"]!)
            if !ok { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test func summariesMergeSameDayOrdersAndLeaveOutTheFirstPurchaseFromMonetary() throws {
        func t(_ s: String) -> Timestamp { try! Timestamp.parse(s) }
        let orders = [Order(customerID: "1", timestamp: t("2026-01-01T09:00:00Z"), amount: 10),
                      Order(customerID: "1", timestamp: t("2026-01-01T18:00:00Z"), amount: 5),
                      Order(customerID: "1", timestamp: t("2026-01-08"), amount: 20),
                      Order(customerID: "1", timestamp: t("2026-01-15"), amount: 40),
                      Order(customerID: "2", timestamp: t("2026-01-10"), amount: 7),
                      Order(customerID: "2", timestamp: t("2026-02-01"), amount: 99)]
        let s = CustomerSummaryBuilder.summarize(orders, calibrationEnd: t("2026-01-29"), unit: .week)
        #expect(s == [CustomerSummary(customerID: "1", frequency: 2, recency: 2, T: 4, monetary: 30),
                      CustomerSummary(customerID: "2", frequency: 0, recency: 0, T: 19.0 / 7, monetary: 0)])
    }
}
