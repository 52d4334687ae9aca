import TiltLinearAlgebra
import TiltSolver

/// The check `FactorPortfolioSolver` makes before it answers: the KKT conditions of the problem,
/// recomputed from scratch at a proposed point (weights and the multipliers of the budget, the linear
/// limits, the turnover limit and the risk), with Σ applied through the factors. For this convex problem
/// they prove optimality, so a point that passes is the optimum whatever the method did to find it.
///
/// The bound multipliers are not proposed but derived: at each asset, with
/// ρ_i = α_i − κ (Σ(w − b))_i − ν − Σ_j y_j a_ji and π = c + η the price of trading, stationarity asks
/// ρ_i + λ_i − μ_i ∈ π ∂|w_i − w₀_i| (the interval [−π, π] at the weight held before, ±π off it, {0}
/// without trading terms); λ_i ≥ 0 may only be used at the lower bound and μ_i ≥ 0 at the upper, each
/// the smallest that works. The residual left over, relative to the largest term, must be within
/// `tolerance`; so must the budget, the limits (each end where its multiplier pushes), the turnover and
/// the variance (at the budget where its multiplier is positive).
enum FactorPortfolioCertificate {
    /// Relative KKT residual accepted as optimal.
    static let tolerance = 1e-9

    /// What the method proposes: weights and multipliers (κ, ν, y, η as in `FactorPortfolioSolution`).
    struct Proposal {
        var weights: [Double]
        var curvature: Double
        var budgetMultiplier: Double
        var limitMultipliers: [Double]
        var turnoverMultiplier: Double
        var iterations: Int
    }

    /// The proposal as a solution when it satisfies the KKT conditions to `tolerance`; nil otherwise.
    static func verify(_ proposal: Proposal, of problem: FactorPortfolioProblem) -> FactorPortfolioSolution? {
        let n = problem.assetCount, k = problem.factorCount
        let w = proposal.weights, kappa = proposal.curvature, nu = proposal.budgetMultiplier
        let y = proposal.limitMultipliers, eta = proposal.turnoverMultiplier
        guard w.count == n, y.count == problem.limits.count, kappa >= 0, eta >= 0, kappa.isFinite, nu.isFinite,
              eta.isFinite, y.allSatisfy(\.isFinite), w.allSatisfy(\.isFinite) else { return nil }
        if problem.trading?.turnoverLimit == nil { guard eta == 0 else { return nil } }
        let loadings = problem.loadings.storage, e = problem.residualVariances, alpha = problem.alpha
        let sigmaF = problem.factorCovariance.storage, bench = problem.benchmark
        let lowerBounds = problem.lowerBounds, upperBounds = problem.upperBounds
        var d = [Double](repeating: 0, count: n), exposure = [Double](repeating: 0, count: k)
        for i in 0..<n {
            d[i] = w[i] - bench[i]
            for r in 0..<k { exposure[r] += loadings[i * k + r] * d[i] }
        }
        var sigmaExposure = [Double](repeating: 0, count: k)
        for r in 0..<k { for c in 0..<k { sigmaExposure[r] += sigmaF[r + c * k] * exposure[c] } }
        var variance = VectorMath.dot(exposure, sigmaExposure)

        // Each limit's pull on each weight, Σ_j y_j a_ji, and each limit's value aᵀw.
        var limitPull = [Double](repeating: 0, count: n)
        for (j, limit) in problem.limits.enumerated() where y[j] != 0 {
            for i in 0..<n { limitPull[i] += y[j] * limit.coefficients[i] }
        }
        let price = problem.costPerUnit + eta
        let previous = problem.trading?.previousWeights
        var lambda = [Double](repeating: 0, count: n), mu = [Double](repeating: 0, count: n)
        var residual = 0.0, scale = abs(nu)
        for i in 0..<n {
            guard lowerBounds[i] <= w[i], w[i] <= upperBounds[i] else { return nil }
            var load = 0.0
            for r in 0..<k { load += loadings[i * k + r] * sigmaExposure[r] }
            let riskGradient = kappa * (load + e[i] * d[i])
            variance += e[i] * d[i] * d[i]
            let rho = alpha[i] - riskGradient - nu - limitPull[i]
            // π ∂|w_i − w₀_i| = [low, high].
            var low = 0.0, high = 0.0
            if let previous {
                low = w[i] > previous[i] ? price : -price
                high = w[i] < previous[i] ? -price : price
            }
            if w[i] == lowerBounds[i] { lambda[i] = max(0, low - rho) }
            if w[i] == upperBounds[i] { mu[i] = max(0, rho - high) }
            let x = rho + lambda[i] - mu[i]
            residual = max(max(residual, low - x), x - high)
            // Pairwise: the variadic max would build an array per asset.
            scale = max(max(max(max(max(max(scale, abs(alpha[i])), abs(riskGradient)), abs(limitPull[i])), price), lambda[i]), mu[i])
        }
        guard variance.isFinite, residual <= tolerance * max(scale, .leastNormalMagnitude),
              abs(w.reduce(0, +) - 1) <= tolerance else { return nil }

        for (j, limit) in problem.limits.enumerated() {
            let value = limit.value(w)
            let slack = tolerance * max(1, zip(limit.coefficients, w).reduce(0) { $0 + abs($1.0 * $1.1) })
            guard limit.lower - slack <= value, value <= limit.upper + slack else { return nil }
            if y[j] > 0 { guard value >= limit.upper - slack else { return nil } }
            if y[j] < 0 { guard value <= limit.lower + slack else { return nil } }
        }
        let turnover = problem.turnover(w)
        if let limit = problem.trading?.turnoverLimit {
            let slack = tolerance * max(1, limit)
            guard turnover <= limit + slack, eta == 0 || turnover >= limit - slack else { return nil }
        }

        let gamma = problem.risk.aversion
        let budgetCurvature = kappa - 2 * gamma
        switch problem.risk {
        case .riskAversion:
            guard abs(budgetCurvature) <= 1e-12 * 2 * gamma else { return nil }
        case .trackingErrorBudget(let tau), .riskAversionWithinBudget(_, let tau):
            let excess = variance - tau * tau, slack = tolerance * tau * tau
            guard excess <= slack, budgetCurvature >= -1e-12 * 2 * gamma else { return nil }
            // Complementarity: the budget's multiplier only where the variance is at the budget.
            if budgetCurvature > tolerance * max(2 * gamma, 0) { guard abs(excess) <= slack else { return nil } }
        }
        let objective = VectorMath.dot(alpha, w) - problem.costPerUnit * turnover - gamma * variance
        return FactorPortfolioSolution(
            weights: w, budgetMultiplier: nu, lowerBoundMultipliers: lambda, upperBoundMultipliers: mu,
            limitMultipliers: y, turnoverMultiplier: eta, curvature: kappa, budgetCurvature: max(0, budgetCurvature),
            objective: objective, activeVariance: variance, turnover: turnover, iterations: proposal.iterations)
    }
}
