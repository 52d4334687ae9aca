import Foundation
import TiltLinearAlgebra

extension FactorPortfolioForm {
    /// A point of the search over the aversion: s = 1/φ, the mean–variance optimum w there, its factor
    /// exposures B_f w and its total variance σ² = wᵀVw (monthly).
    typealias AversionSearchPoint = (s: Double, weights: [Double], exposures: [Double], variance: Double)

    /// Steps of the search over the aversion before it gives up (the interior-point path then solves).
    static let aversionSearchSteps = 40
    /// |log(φσ/c)| below which the search's point is put to the EVaR problem's KKT check: the stationarity
    /// residual left by an aversion off by that relative amount is ωφ·|Vw|·1e-11, well inside the check's
    /// 1e-9 relative tolerance.
    static let aversionSearchTolerance = 1e-11

    /// The optimum of the problem with `evar` for its utility term, and the mean–variance utility whose
    /// optimum it is (φ = c/σ(w*)); nil when a step declines or the search does not settle.
    ///
    /// With x = log φ and w(φ) the mean–variance optimum, g(x) = log(φ·σ(w(φ))/c) is zero at the answer
    /// (and only there: the EVaR problem is strictly convex, σ being a norm of an affine map that misses 0 on
    /// the budget's hyperplane) and negative below it (σ(w(φ)) is bounded as φ → 0). The search starts at
    /// the benchmark's volatility (φ₀ = c/σ(b)) and takes the fixed-point step φ ← c/σ(w(φ)) first. After
    /// that it models the weights as affine in s = 1/φ through the last two points — exact while both lie
    /// on one segment of the optimum's path without a binding risk limit (for a fixed active set w is
    /// affine in 1/φ there) — and solves c²s² = σ²(w(s)), a quadratic in s, for the next point; within the
    /// bracket once the root is bracketed (else the bracket's midpoint). Each mean–variance solve starts
    /// from the previous step's weights. The point is certified against the EVaR problem's own KKT
    /// conditions: the mean–variance conditions at φ* = c/σ of the point itself, with the curvature moved
    /// from ωφ to ωφ* (the multipliers of the budget, the limits and the risk limit kept).
    func meanVolatilitySolution(_ evar: EntropicValueAtRisk, bounds limits: (lower: [Double], upper: [Double]))
        -> (solution: FactorPortfolioSolution, utility: Utility)? {
        let c = evar.volatilityMultiplier
        guard c > 0, c.isFinite, evar.weight > 0, evar.weight.isFinite else { return nil }
        func utility(_ phi: Double) -> Utility {
            Utility(weight: evar.weight, phi: phi, expectedReturns: evar.expectedReturns, exposures: evar.exposures)
        }
        let phi0 = c / totalVariance(benchmark, factorExposures: portfolioExposures(benchmark)).squareRoot()
        guard phi0.isFinite, let base = solverProblem(bounds: limits, utility: utility(phi0)) else { return nil }
        let vb = covarianceTimes(benchmark, factorLoadings: base.loadings)
        /// The mean–variance problem at φ: `base` with α moved by −ω(φ − φ₀)·Vb and the aversion by ω(φ − φ₀)/2
        /// (as `solverProblem` builds it, without recomputing the rest).
        func problem(_ phi: Double) -> FactorPortfolioProblem {
            let shift = evar.weight * (phi - phi0)
            let risk: FactorPortfolioProblem.Risk
            switch base.risk {
            case .riskAversion(let gamma): risk = .riskAversion(gamma + shift / 2)
            case .riskAversionWithinBudget(let gamma, let tau): risk = .riskAversionWithinBudget(aversion: gamma + shift / 2, budget: tau)
            case .trackingErrorBudget: risk = base.risk  // never: the utility's aversion ωφ₀/2 is positive
            }
            return FactorPortfolioProblem(alpha: (0..<base.assetCount).map { base.alpha[$0] - shift * vb[$0] }, loadings: base.loadings,
                                          factorCovariance: base.factorCovariance, residualVariances: base.residualVariances,
                                          benchmark: base.benchmark, risk: risk, lowerBounds: base.lowerBounds,
                                          upperBounds: base.upperBounds, limits: base.limits, trading: base.trading)
        }
        var x = log(phi0)
        var below: Double?, above: Double?
        var last: AversionSearchPoint?
        var iterations = 0
        for _ in 0..<Self.aversionSearchSteps {
            let phi = exp(x)
            guard phi > 0, phi.isFinite, let solution = FactorPortfolioSolver.solve(problem(phi), near: last?.weights) else { return nil }
            iterations += solution.iterations
            let exposures = portfolioExposures(solution.weights)
            let variance = totalVariance(solution.weights, factorExposures: exposures)
            let target = c / variance.squareRoot()
            let g = x - log(target)
            guard g.isFinite else { return nil }
            if abs(g) <= Self.aversionSearchTolerance {
                let answer = utility(target)
                let proposal = FactorPortfolioCertificate.Proposal(
                    weights: solution.weights, curvature: solution.curvature + evar.weight * (target - phi),
                    budgetMultiplier: solution.budgetMultiplier, limitMultipliers: solution.limitMultipliers,
                    turnoverMultiplier: solution.turnoverMultiplier, iterations: iterations)
                guard let certified = FactorPortfolioCertificate.verify(proposal, of: problem(target)) else { return nil }
                return (certified, answer)
            }
            if g < 0 { below = x } else { above = x }
            let point: AversionSearchPoint = (1 / phi, solution.weights, exposures, variance)
            var next = x - g
            if let last, let s = affineModelRoot(from: last, to: point, multiplier: c), s > 0 { next = -log(s) }
            if let below, let above, !(below < next && next < above) { next = (below + above) / 2 }
            last = point
            x = next
        }
        return nil
    }

    /// With w(s) affine through the points `from` and `to` (s = 1/φ), the root s of c²s² = σ²(w(s)) nearest
    /// `to`; nil when the quadratic has no real root.
    private func affineModelRoot(from p: AversionSearchPoint, to q: AversionSearchPoint,
                                 multiplier c: Double) -> Double? {
        let step = q.s - p.s
        guard step != 0 else { return nil }
        let slope = zip(q.weights, p.weights).map { ($0 - $1) / step }
        let slopeExposures = zip(q.exposures, p.exposures).map { ($0 - $1) / step }
        // σ²(q.s + δ) = σ_q² + 2Bδ + Aδ², A = dᵀVd, B = w_qᵀVd; so (c² − A)δ² + 2(c²s_q − B)δ + c²s_q² − σ_q² = 0.
        let a = c * c - totalCovariance(slope, slope, factorExposures: slopeExposures, slopeExposures)
        let b = c * c * q.s - totalCovariance(q.weights, slope, factorExposures: q.exposures, slopeExposures)
        let constant = c * c * q.s * q.s - q.variance
        let discriminant = b * b - a * constant
        guard discriminant >= 0 else { return nil }
        // The smaller root in size, in the form that does not cancel.
        let denominator = b + (b < 0 ? -1 : 1) * discriminant.squareRoot()
        guard denominator != 0 else { return nil }
        let root = q.s - constant / denominator
        return root.isFinite ? root : nil
    }
}
