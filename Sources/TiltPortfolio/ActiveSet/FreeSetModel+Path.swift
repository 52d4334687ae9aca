/// The parametric path of `FactorPortfolioSolver`, for limits the primal–dual guesses do not settle on
/// (they can cycle when several limits and many bounds are near-active at once). For κ = 1/t the problem
///
///     maximize αᵀw − (κ/2)(w − b)ᵀΣ(w − b)   s.t.  1ᵀw = 1,  l ≤ w ≤ u,  lo_j ≤ a_jᵀw ≤ hi_j
///
/// is a strictly convex QP whose optimum w(t) is piecewise linear in t, and its active variance falls as κ
/// grows. The path starts at the linear program's optimum (κ = 0, the simplex's basis as the first guess,
/// a vertex) and follows the segments (`FreeSetModel.Segment`) towards larger κ, one change of the guess
/// at each breakpoint — the first event as κ grows: a free weight reaching a bound or an inactive limit
/// reaching an end (weights affine in t), a bound's marginal value or an active limit's multiplier
/// changing sign (affine in κ) — until the variance meets the budget (the larger root on the segment) or
/// κ reaches 2γ under aversion. One change per step, each along the path's own order, so the guesses do
/// not cycle as the simultaneous updates can; a tie (a degenerate breakpoint) still may, and then the
/// step limit ends the path with nil. Without trading terms only (their kinks are stops the simplex's
/// basis does not name). The answer is certified like every other.
extension FreeSetModel {
    /// Breakpoints at most, per asset and row (each weight and limit changes a few times along a path).
    static let pathStepsPerRow = 4
    /// A free weight's slope below this share of the largest is rounding (see `nextBreakpoint`).
    static let pinnedSlope = 1e-12

    /// The optimum by the path from the linear program's optimum (`linearProgramOptimum`, nil: none); nil
    /// when out of scope, degenerate, or not certified.
    func pathFromLinearProgram(_ optimum: LinearProgramOptimum?) -> FactorPortfolioSolution? {
        guard !hasTrading, let start = optimum?.guess else { return nil }
        let gamma = problem.risk.aversion, budget = problem.risk.budget
        // Where the path ends without a budget meeting it first: t = 1/(2γ) (t → 0 under a budget alone).
        let end = gamma > 0 ? 1 / (2 * gamma) : 0
        var guess = start, t = Double.infinity
        for step in 1...(Self.pathStepsPerRow * (n + problem.limits.count)) {
            guard let segment = segment(guess) else { return nil }
            let event = nextBreakpoint(segment, from: t, downTo: end)
            if let tau = budget {
                let (a, b, c) = segment.variance
                let low = event?.t ?? end
                if segment.vertex, c <= tau * tau, gamma == 0 {
                    // A vertex within the budget: the linear program's optimum (κ = 0), the budget slack.
                    guard let point = point(segment, at: t) else { return nil }
                    return certified(point, guess, iterations: step)
                }
                if !segment.vertex, a * low * low + 2 * b * low + c <= tau * tau {
                    // The variance falls to the budget on this segment: at the larger root.
                    guard let root = budgetRoot(segment, tau), root >= low, let point = point(segment, at: min(root, t))
                    else { return nil }
                    return certified(point, guess, iterations: step)
                }
            }
            guard let event else {
                guard gamma > 0, let point = point(segment, at: end) else { return nil }
                return certified(point, guess, iterations: step)
            }
            guess = event.guess
            t = event.t
        }
        return nil
    }

    /// The first breakpoint below t on a segment (the largest t' in [end, t]) and the guess after it; nil
    /// when there is none before `end`.
    func nextBreakpoint(_ segment: Segment, from t: Double, downTo end: Double) -> (t: Double, guess: Guess)? {
        var best: (t: Double, guess: Guess)?
        func consider(_ at: Double, _ change: (inout Guess) -> Void) {
            let at = min(at, t)
            guard at >= end, at > best?.t ?? -.infinity else { return }
            var next = segment.guess
            change(&next)
            best = (at, next)
        }
        let guess = segment.guess, lower = problem.lowerBounds, upper = problem.upperBounds
        if !segment.vertex {
            // Weights w(t) = offset + t·slope: a free weight moving down as t falls (slope > 0) meets its
            // lower bound, one moving up its upper bound; likewise a limit's value.
            // A slope within rounding of 0 is a weight the rows pin (a limit whose other weights sit at their
            // stops): it does not move, however its rounding leans.
            let still = Self.pinnedSlope * segment.slope.reduce(0) { max($0, abs($1)) }
            for i in 0..<n where guess.places[i] == .free {
                let s = segment.slope[i], o = segment.offset[i]
                if s > still, lower[i].isFinite { consider((lower[i] - o) / s) { $0.places[i] = .lower } }
                if s < -still, upper[i].isFinite { consider((upper[i] - o) / s) { $0.places[i] = .upper } }
            }
            for (j, limit) in problem.limits.enumerated() where guess.limits[j] == .inactive {
                let s = limit.value(segment.slope), o = limit.value(segment.offset)
                if s > 0, limit.lower.isFinite { consider((limit.lower - o) / s) { $0.limits[j] = .lower } }
                if s < 0, limit.upper.isFinite { consider((limit.upper - o) / s) { $0.limits[j] = .upper } }
            }
        }
        // Multipliers affine in κ: a sign change at κ' = −offset/slope, t' = 1/κ' (∞ when already past).
        let zero = marginals(segment, 0), one = marginals(segment, 1)
        for i in 0..<n where lower[i] < upper[i] {
            let m0 = zero[i], m1 = one[i] - zero[i]
            // At a lower bound the marginal must stay ≤ 0, at an upper one ≥ 0.
            if guess.places[i] == .lower, m1 > 0 { consider(1 / max(0, -m0 / m1)) { $0.places[i] = .free } }
            if guess.places[i] == .upper, m1 < 0 { consider(1 / max(0, -m0 / m1)) { $0.places[i] = .free } }
        }
        for (r, j) in segment.active.enumerated() where !problem.limits[j].isEquality {
            let y0 = segment.multiplierOffset[r + 1], y1 = segment.multiplierSlope[r + 1]
            // y ≥ 0 at an upper end, ≤ 0 at a lower one.
            if guess.limits[j] == .upper, y1 < 0 { consider(1 / max(0, -y0 / y1)) { $0.limits[j] = .inactive } }
            if guess.limits[j] == .lower, y1 > 0 { consider(1 / max(0, -y0 / y1)) { $0.limits[j] = .inactive } }
        }
        return best
    }
}
