import TiltSolver

/// The budget-slack case of `FactorPortfolioSolver`: under a tracking-error budget without aversion, when
/// the limits or the turnover bind before the risk does, the optimum is a vertex of the linear program
///
///     maximize αᵀw − c·Σ|w − w₀|   s.t.  1ᵀw = 1,  l ≤ w ≤ u,  lo_j ≤ a_jᵀw ≤ hi_j,  Σ|w − w₀| ≤ T
///
/// inside the budget, with κ = 0 — a point the active-set steps, which move along the budget, do not
/// reach. Each limit gets a slack column σ_j = a_jᵀw bounded by the limit; with trading terms
/// w = w₀ + p − q (purchases p and sales q, each bounded so that w stays within its bounds) and the
/// turnover limit bounds Σ(p + q). The rows are few, so `BoundedSimplex` solves it; its row prices are the
/// multipliers ν, y and η.
extension FreeSetModel {
    /// The linear program's optimum (`linearProgramOptimum`, nil when it has none) when its active
    /// variance is within the budget (certified); nil when the budget binds there, the risk is not a budget
    /// alone, or the program is out of the simplex's scope (a weight without a finite lower bound, a limit
    /// without a finite end).
    func vertexWithinBudget(_ optimum: LinearProgramOptimum?) -> FactorPortfolioSolution? {
        guard case .trackingErrorBudget(let tau) = problem.risk, let optimum,
              activeVariance(optimum.weights) <= tau * tau else { return nil }
        return FactorPortfolioCertificate.verify(optimum.proposal, of: problem)
    }

    /// The linear program's optimum: its weights, what it proposes as the optimum (κ = 0, its row prices
    /// as multipliers) and, without trading terms, the guess its basis makes — the basic weights free, the
    /// others at the bound they sit on, the limits whose slack sits at a bound active at that end.
    struct LinearProgramOptimum {
        var weights: [Double]
        var proposal: FactorPortfolioCertificate.Proposal
        var guess: Guess?
    }

    /// Nil when the program is out of the simplex's scope (see `vertexWithinBudget`) or has no optimum.
    func linearProgramOptimum() -> LinearProgramOptimum? {
        guard problem.lowerBounds.allSatisfy(\.isFinite) else { return nil }
        let limits = problem.limits
        guard limits.allSatisfy({ $0.lower.isFinite || $0.upper.isFinite }) else { return nil }
        let m = limits.count, turnoverLimit = problem.trading?.turnoverLimit
        let rows = 1 + m + (turnoverLimit == nil ? 0 : 1)
        let weightColumns = hasTrading ? 2 * n : n, columns = weightColumns + rows - 1
        var matrix = [Double](repeating: 0, count: rows * columns), cost = [Double](repeating: 0, count: columns)
        var lower = [Double](repeating: 0, count: columns), upper = [Double](repeating: 0, count: columns)
        var h = [Double](repeating: 0, count: rows)
        let l = problem.lowerBounds, u = problem.upperBounds, alpha = problem.alpha
        // The start: every weight column at a bound but one, basic in the budget row; the slacks basic in the
        // other rows (their basis is triangular, so nonsingular).
        var start: [Double], basis = Array(weightColumns..<columns)
        if let trading = problem.trading {
            let w0 = trading.previousWeights, c = trading.costPerUnit
            h[0] = 1 - w0.reduce(0, +)
            for (j, limit) in limits.enumerated() { h[1 + j] = -limit.value(w0) }
            for (side, sign) in [1.0, -1.0].enumerated() {
                for (j, limit) in limits.enumerated() {
                    for (i, a) in limit.coefficients.enumerated() { matrix[(side * n + i) * rows + 1 + j] = sign * a }
                }
                for i in 0..<n {
                    let column = side * n + i
                    matrix[column * rows] = sign
                    if turnoverLimit != nil { matrix[column * rows + rows - 1] = 1 }
                    // Purchases keep w ≤ u (and reach l when w₀ is below it); sales keep w ≥ l (and reach u).
                    let room = sign > 0 ? (max(0, l[i] - w0[i]), u[i] - w0[i]) : (max(0, w0[i] - u[i]), w0[i] - l[i])
                    cost[column] = sign * alpha[i] - c
                    lower[column] = room.0
                    upper[column] = max(room.0, room.1)
                }
            }
            // No trade beyond what the bounds force; the purchase of the largest α fills the budget.
            start = Array(lower.prefix(weightColumns))
            basis.insert(alpha.indices.max { alpha[$0] < alpha[$1] } ?? 0, at: 0)
        } else {
            h[0] = 1
            for i in 0..<n { matrix[i * rows] = 1 }
            for (j, limit) in limits.enumerated() {
                for (i, a) in limit.coefficients.enumerated() { matrix[i * rows + 1 + j] = a }
            }
            cost.replaceSubrange(0..<n, with: alpha)
            lower.replaceSubrange(0..<n, with: l)
            upper.replaceSubrange(0..<n, with: u)
            // The best corner without the rows: the largest α at their upper bounds while the budget has room,
            // the first that does not fit basic.
            start = l
            var left = 1 - l.reduce(0, +), partial: Int?
            byDescendingAlpha { i in
                if u[i] - l[i] > left { partial = i; return false }
                start[i] = u[i]
                left -= u[i] - l[i]
                return true
            }
            basis.insert(partial ?? alpha.indices.max { alpha[$0] < alpha[$1] } ?? 0, at: 0)
        }
        // Slack σ_j = a_jᵀw within the limit (−σ_j when only its upper end is finite, so that the column has
        // a finite lower bound).
        for (j, limit) in limits.enumerated() {
            let column = weightColumns + j
            if limit.lower.isFinite {
                matrix[column * rows + 1 + j] = -1
                (lower[column], upper[column]) = (limit.lower, limit.upper)
            } else {
                matrix[column * rows + 1 + j] = 1
                (lower[column], upper[column]) = (-limit.upper, .infinity)
            }
        }
        if let turnoverLimit {
            matrix[columns * rows - 1] = -1
            upper[columns - 1] = turnoverLimit
        }
        start += lower[weightColumns...]
        guard let optimum = BoundedSimplex.maximize(c: cost, matrix: matrix, rows: rows, h: h, lower: lower, upper: upper,
                                                    start: start, basis: basis)
        else { return nil }
        var weights = Array(optimum.x.prefix(n))
        if let w0 = problem.trading?.previousWeights {
            // w₀ + p − q, exactly at a bound when a purchase or sale fills its room.
            weights = (0..<n).map { i in
                if optimum.x[i] == upper[i], upper[i] == u[i] - w0[i] { return u[i] }
                if optimum.x[n + i] == upper[n + i], upper[n + i] == w0[i] - l[i] { return l[i] }
                return w0[i] + optimum.x[i] - optimum.x[n + i]
            }
        }
        // A row whose slack lies strictly inside its bounds has price 0 (its rounding left out).
        let slackStart = cost.count - m - (turnoverLimit == nil ? 0 : 1)
        func price(_ row: Int, slack: Int) -> Double {
            lower[slack] < optimum.x[slack] && optimum.x[slack] < upper[slack] ? 0 : optimum.prices[row]
        }
        let proposal = FactorPortfolioCertificate.Proposal(
            weights: weights, curvature: 0, budgetMultiplier: optimum.prices[0],
            limitMultipliers: (0..<m).map { price(1 + $0, slack: slackStart + $0) },
            turnoverMultiplier: turnoverLimit == nil ? 0 : max(0, price(rows - 1, slack: cost.count - 1)), iterations: 1)
        var guess: Guess?
        if !hasTrading {
            var basic = [Bool](repeating: false, count: cost.count)
            for j in optimum.basis { basic[j] = true }
            let places = (0..<n).map { i -> Place in basic[i] ? .free : optimum.x[i] == lower[i] ? .lower : .upper }
            let limitPlaces = limits.indices.map { j -> LimitPlace in
                let slack = slackStart + j, limit = limits[j]
                if basic[slack] { return .inactive }
                if limit.isEquality { return .upper }
                // σ_j's column is −e_j when the limit's lower end is finite, else +e_j (holding −σ_j).
                return (optimum.x[slack] == lower[slack]) == limit.lower.isFinite ? .lower : .upper
            }
            guess = Guess(places: places, limits: limitPlaces, turnoverActive: false)
        }
        return LinearProgramOptimum(weights: weights, proposal: proposal, guess: guess)
    }

    /// (w − b)ᵀΣ(w − b) through the factors.
    func activeVariance(_ w: [Double]) -> Double {
        let loadings = problem.loadings.storage, e = problem.residualVariances
        var exposure = [Double](repeating: 0, count: k), specific = 0.0
        for i in 0..<n {
            let d = w[i] - problem.benchmark[i]
            specific += e[i] * d * d
            for r in 0..<k { exposure[r] += loadings[i * k + r] * d }
        }
        return specific + VectorMath.dot(exposure, factorCovarianceTimes(exposure))
    }
}
