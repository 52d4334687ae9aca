import Foundation
import TiltLinearAlgebra

extension FactorPortfolioForm {
    /// Steps of the search over the aversion before it gives up (the interior-point path then solves).
    static let aversionSearchSteps = 40
    /// |log(φσ/c)| below which the search's point is put to the EVaR problem's KKT check: the stationarity
    /// residual left by an aversion off by that relative amount is ωφ·|Vw|·1e-11, well inside the check's
    /// 1e-9 relative tolerance.
    static let aversionSearchTolerance = 1e-11

    /// The optimum of the problem with `evar` for its utility term, and the mean–variance utility whose
    /// optimum it is (φ = c/σ(w*)); nil when a step declines or the search does not settle.
    ///
    /// Writing x = log φ and w(φ) the mean–variance optimum, g(x) = log(φ·σ(w(φ))/c) is zero at the answer
    /// (and only there: the EVaR problem is strictly convex, σ being a norm of an affine map that misses 0 on
    /// the budget's hyperplane) and negative below it (σ(w(φ)) is bounded as φ → 0). The search starts at
    /// the benchmark's volatility (φ = c/σ(b)), takes the fixed-point step φ ← c/σ(w(φ)) first and secant
    /// steps on g after, within the bracket once the root is bracketed (else the bracket's midpoint). Each
    /// mean–variance solve starts from the previous step's weights. The point is certified against the EVaR
    /// problem's own KKT conditions: the mean–variance conditions at φ* = c/σ of the point itself, with the
    /// curvature moved from ωφ to ωφ* (the multipliers of the budget, the limits and the risk limit kept).
    func meanVolatilitySolution(_ evar: EntropicValueAtRisk, bounds limits: (lower: [Double], upper: [Double]))
        -> (solution: FactorPortfolioSolution, utility: Utility)? {
        let c = evar.volatilityMultiplier
        guard c > 0, c.isFinite, evar.weight > 0, evar.weight.isFinite else { return nil }
        func utility(_ phi: Double) -> Utility {
            Utility(weight: evar.weight, phi: phi, expectedReturns: evar.expectedReturns, exposures: evar.exposures)
        }
        func volatility(_ w: [Double]) -> Double { totalVariance(w, factorExposures: portfolioExposures(w)).squareRoot() }
        var x = log(c / volatility(benchmark))
        var below: (x: Double, g: Double)?, above: (x: Double, g: Double)?, last: (x: Double, g: Double)?
        var weights: [Double]?
        var iterations = 0
        for _ in 0..<Self.aversionSearchSteps {
            let phi = exp(x)
            guard phi > 0, phi.isFinite, let problem = solverProblem(bounds: limits, utility: utility(phi)),
                  let solution = FactorPortfolioSolver.solve(problem, near: weights) else { return nil }
            iterations += solution.iterations
            weights = solution.weights
            let target = c / volatility(solution.weights)
            let g = x - log(target)
            guard g.isFinite else { return nil }
            if abs(g) <= Self.aversionSearchTolerance {
                guard let certified = certify(solution, aversion: phi, at: target, utility: utility(target), bounds: limits,
                                              iterations: iterations) else { return nil }
                return (certified, utility(target))
            }
            if g < 0 { below = (x, g) } else { above = (x, g) }
            var next = x - g
            if let last, last.g != g { next = x - g * (x - last.x) / (g - last.g) }
            if let below, let above, !(below.x < next && next < above.x) { next = (below.x + above.x) / 2 }
            last = (x, g)
            x = next
        }
        return nil
    }

    /// `solution` (the mean–variance optimum at aversion φ = `aversion`) checked as the optimum at φ* = `target`
    /// by `FactorPortfolioCertificate`: the KKT conditions of the EVaR problem at that point. Nil when they
    /// do not hold.
    private func certify(_ solution: FactorPortfolioSolution, aversion phi: Double, at target: Double, utility: Utility,
                         bounds limits: (lower: [Double], upper: [Double]), iterations: Int) -> FactorPortfolioSolution? {
        guard let problem = solverProblem(bounds: limits, utility: utility) else { return nil }
        let proposal = FactorPortfolioCertificate.Proposal(
            weights: solution.weights, curvature: solution.curvature + utility.weight * (target - phi),
            budgetMultiplier: solution.budgetMultiplier, limitMultipliers: solution.limitMultipliers,
            turnoverMultiplier: solution.turnoverMultiplier, iterations: iterations)
        return FactorPortfolioCertificate.verify(proposal, of: problem)
    }
}
