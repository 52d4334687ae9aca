import Foundation
import TiltLinearAlgebra
import TiltModeling
import TiltSolver

/// The factor-model portfolio problems `FactorPortfolioSolver` takes — maximise `cᵀf` plus the
/// single-component `regime_utility` (OLS: mean–variance) or minus the single-component `evar` (OLS:
/// mean–volatility, by a search over the aversion), minus `γ·risk` and a cost per unit of turnover,
/// over fully invested weights within per-asset bounds, with exposures `f = B(w − b)`, under at most one
/// limit on the risk (`tev` or `risk`), linear limits (sector weights, sector bands around the benchmark's,
/// factor exposures) and a turnover limit — in the terms the solver takes (an active-set method on the
/// optimality conditions, O(n·K²) per step, no cone program). `PortfolioProblem.canonicalForm(in:)` builds
/// it from the problem's structured terms, stating what each constraint of the lowered
/// `OptimizationProblem` is, so that the solution reads back in that problem's terms (values of w, f and
/// the regime exposure variable, one dual per constraint); when the structured method declines, the
/// interior-point path solves the lowered problem itself.
public struct FactorPortfolioForm: Sendable {
    /// What one constraint of the problem is, in the order of `OptimizationProblem.constraints`.
    public enum Role: Sendable, Equatable {
        /// `f == B(w − b)`.
        case exposureDefinition
        /// `f_portfolio == B w`: the exposures the single-component `regime_utility` is written with.
        case utilityExposureDefinition
        /// `sum(w) == 1`.
        case budget
        /// `w >= l` (one value per asset).
        case lowerBound([Double])
        /// `w <= u` (one value per asset).
        case upperBound([Double])
        /// `|w − center| <= radius` (one value each per asset).
        case activeWeightBound(center: [Double], radius: [Double])
        /// `scale·‖active risk vector‖ <= limit`: the tracking error (annualised: scale √12) at most `limit`.
        case trackingErrorLimit(scale: Double, limit: Double)
        /// `risk <= limit`: the monthly active variance at most `limit`.
        case varianceLimit(Double)
        /// `lower ≤ aᵀw ≤ upper` (a sector's weight, or a band around the benchmark's) or, with `exposure`
        /// the row of f it bounds, `lower ≤ f_r ≤ upper` (`aᵀw` = `f_r` + the benchmark's exposure). The
        /// dual reported is `dual` applied to the limit's multiplier y.
        case linearLimit(coefficients: [Double], lower: Double, upper: Double, exposure: Int?, dual: LimitDual)
        /// `turnover <= limit`.
        case turnoverLimit(Double)
    }

    /// How a linear limit's multiplier y (≥ 0 at its upper end, ≤ 0 at its lower end) reads as the dual of
    /// the constraint as written (the cone path's signs: an inequality's dual is ≥ 0).
    public enum LimitDual: Sendable, Equatable {
        /// `x <= v` or `x == v`: y.
        case upper
        /// `x >= v`: −y.
        case lower
        /// `|x − c| <= r`: |y|.
        case band
    }

    /// `ω · regime_utility(phi: φ)` with a single component: `ω(Rᵀw − φ/2·wᵀVw)`, V = B_fᵀΣ_f B_f + diag(E).
    public struct Utility: Sendable, Equatable {
        public let weight: Double
        public let phi: Double
        /// R = Bᵀmu, the n expected returns (intercept included), monthly.
        public let expectedReturns: [Double]
        /// The exposure variable f_portfolio = B_f w.
        public let exposures: Variable
    }

    /// `ω · evar(confidence)` with a single component, a penalty on the maximised objective: with a normal
    /// return, EVaR = −Rᵀw + c·σ(w), c = √(−2 log(1 − confidence)) and σ(w)² = wᵀVw, V as `Utility`'s.
    ///
    /// Its optimum is the optimum of the mean–variance problem `ω(Rᵀw − φ/2·wᵀVw)` with φ = c/σ(w*): the two
    /// problems' KKT conditions are the same there (the gradient of c·σ is (c/σ)·Vw). So `solve` searches
    /// φ, solving the mean–variance problem by `FactorPortfolioSolver` at each step, and certifies the last
    /// point against the KKT conditions of the EVaR problem itself (those of the mean–variance problem at
    /// φ = c/σ of that very point). The cone form's scale variable `evar_t` exists only in the lowered
    /// problem and is not among the values (at the optimum it is σ/c).
    public struct EntropicValueAtRisk: Sendable, Equatable {
        /// ω > 0 (a loss, monthly decimal, subtracted from the maximised objective).
        public let weight: Double
        /// c = √(−2 log α), α = 1 − confidence: the Gaussian EVaR's multiple of the volatility.
        public let volatilityMultiplier: Double
        /// R = Bᵀmu, the n expected returns (intercept included), monthly.
        public let expectedReturns: [Double]
        /// The exposure variable f_portfolio = B_f w.
        public let exposures: Variable
    }

    public let weights: Variable
    /// The exposures f, K + 1 of them: the intercept (alpha) exposure, then the K factors.
    public let exposures: Variable
    /// (K + 1) × n loadings B of `f = B(w − b)`, intercept row first.
    public let loadings: Matrix
    /// c of the objective `cᵀf` (K + 1 entries).
    public let objectiveExposureWeights: [Double]
    /// γ of `− γ·risk` in the objective (0: none), risk the monthly active variance.
    public let riskAversion: Double
    /// The objective's `regime_utility` term, if any.
    public let utility: Utility?
    /// The objective's `evar` term, if any (never with `utility`).
    public let evar: EntropicValueAtRisk?
    /// Whether the problem as stated minimises: its objective is then the negative of the one maximised here
    /// (the sign `solve` reports it with).
    public let minimised: Bool
    /// The cost per unit of turnover in the objective (`− c·turnover`; 0: none).
    public let costPerTurnover: Double
    /// K × K factor covariance, monthly.
    public let factorCovariance: Matrix
    /// n residual variances, monthly.
    public let residualVariances: [Double]
    /// n benchmark weights.
    public let benchmark: [Double]
    /// n weights held before the rebalance (what turnover is measured against).
    public let previousWeights: [Double]
    /// One role per constraint of the problem.
    public let roles: [Role]

    public init(weights: Variable, exposures: Variable, loadings: Matrix, objectiveExposureWeights: [Double],
                riskAversion: Double, utility: Utility? = nil, evar: EntropicValueAtRisk? = nil, minimised: Bool = false,
                costPerTurnover: Double = 0, factorCovariance: Matrix,
                residualVariances: [Double], benchmark: [Double], previousWeights: [Double]? = nil, roles: [Role]) {
        self.weights = weights
        self.exposures = exposures
        self.loadings = loadings
        self.objectiveExposureWeights = objectiveExposureWeights
        self.riskAversion = riskAversion
        self.utility = utility
        self.evar = evar
        self.minimised = minimised
        self.costPerTurnover = costPerTurnover
        self.factorCovariance = factorCovariance
        self.residualVariances = residualVariances
        self.benchmark = benchmark
        self.previousWeights = previousWeights ?? [Double](repeating: 0, count: benchmark.count)
        self.roles = roles
    }

    /// The monthly budget τ of each risk limit (`tev`, `risk`) among the roles.
    private var riskBudgets: [Double] {
        roles.compactMap { role in
            switch role {
            case .trackingErrorLimit(let scale, let limit): return limit / scale
            case .varianceLimit(let limit): return limit.squareRoot()
            default: return nil
            }
        }
    }

    /// The weights' bounds from all bound constraints (the tightest per asset; −∞/+∞ where none), and the
    /// index of the constraint that sets each (nil where none; the first on a tie), to which its dual goes;
    /// nil when a bound does not have one value per asset.
    private func bounds(assets n: Int) -> (lower: [Double], upper: [Double], lowerOwner: [Int?], upperOwner: [Int?])? {
        var lower = [Double](repeating: -.infinity, count: n), upper = [Double](repeating: .infinity, count: n)
        var lowerOwner = [Int?](repeating: nil, count: n), upperOwner = [Int?](repeating: nil, count: n)
        func tighten(_ index: Int, lower l: [Double]?, upper u: [Double]?) {
            for i in 0..<n {
                if let l, l[i] > lower[i] { lower[i] = l[i]; lowerOwner[i] = index }
                if let u, u[i] < upper[i] { upper[i] = u[i]; upperOwner[i] = index }
            }
        }
        for (index, role) in roles.enumerated() {
            switch role {
            case .lowerBound(let l) where l.count == n: tighten(index, lower: l, upper: nil)
            case .upperBound(let u) where u.count == n: tighten(index, lower: nil, upper: u)
            case .activeWeightBound(let center, let radius) where center.count == n && radius.count == n:
                tighten(index, lower: (0..<n).map { center[$0] - radius[$0] }, upper: (0..<n).map { center[$0] + radius[$0] })
            case .lowerBound, .upperBound, .activeWeightBound: return nil
            default: continue
            }
        }
        return (lower, upper, lowerOwner, upperOwner)
    }

    /// The problem in the solver's terms with `utility` for the objective's utility term: α = Bᵀc (plus
    /// the utility's ω(R − φVb)) on the weights, the factor rows of B, the bounds `limits` (from
    /// `bounds(assets:)`), the linear limits in role order, the trading terms, and the risk as an aversion
    /// (γ plus the utility's ωφ/2: its wᵀVw is the active variance plus terms linear in w), a monthly
    /// budget, or both. Nil when the form states neither or two budgets.
    func solverProblem(bounds limits: (lower: [Double], upper: [Double]), utility: Utility?) -> FactorPortfolioProblem? {
        let n = benchmark.count, k = factorCovariance.rows
        guard loadings.rows == k + 1, loadings.cols == n, objectiveExposureWeights.count == k + 1,
              previousWeights.count == n, riskBudgets.count <= 1 else { return nil }
        let budget = riskBudgets.first
        let gamma = riskAversion + (utility.map { $0.weight * $0.phi / 2 } ?? 0)
        let risk: FactorPortfolioProblem.Risk
        switch (budget, gamma > 0) {
        case (let tau?, false): risk = .trackingErrorBudget(tau)
        case (nil, true): risk = .riskAversion(gamma)
        case (let tau?, true): risk = .riskAversionWithinBudget(aversion: gamma, budget: tau)
        case (nil, false): return nil
        }
        var alpha = [Double](repeating: 0, count: n)
        var factorLoadings = Matrix(rows: k, cols: n, repeating: 0)
        for i in 0..<n {
            for r in 0...k {
                let loading = loadings[r, i]
                alpha[i] += objectiveExposureWeights[r] * loading
                if r > 0 { factorLoadings[r - 1, i] = loading }
            }
        }
        if let utility {
            // ω(Rᵀw − φ/2·wᵀVw) = ω(R − φVb)ᵀw − (ωφ/2)(w − b)ᵀV(w − b) + a constant.
            let vb = covarianceTimes(benchmark, factorLoadings: factorLoadings)
            for i in 0..<n { alpha[i] += utility.weight * (utility.expectedReturns[i] - utility.phi * vb[i]) }
        }
        var linearLimits: [FactorPortfolioProblem.LinearLimit] = []
        var turnoverLimit: Double?
        for role in roles {
            switch role {
            case .linearLimit(let a, let lower, let upper, _, _):
                linearLimits.append(.init(coefficients: a, lower: lower, upper: upper))
            case .turnoverLimit(let limit):
                guard turnoverLimit == nil else { return nil }
                turnoverLimit = limit
            default: continue
            }
        }
        let trading = costPerTurnover > 0 || turnoverLimit != nil
            ? FactorPortfolioProblem.Trading(previousWeights: previousWeights, costPerUnit: costPerTurnover, turnoverLimit: turnoverLimit)
            : nil
        return FactorPortfolioProblem(alpha: alpha, loadings: factorLoadings, factorCovariance: factorCovariance,
                                      residualVariances: residualVariances, benchmark: benchmark, risk: risk,
                                      lowerBounds: limits.lower, upperBounds: limits.upper, limits: linearLimits,
                                      trading: trading)
    }

    /// V x = B_fᵀΣ_f B_f x + E∘x, through the factors.
    func covarianceTimes(_ x: [Double], factorLoadings: Matrix) -> [Double] {
        let n = x.count, k = factorLoadings.rows
        let exposure = (0..<k).map { r in (0..<n).reduce(0) { $0 + factorLoadings[r, $1] * x[$1] } }
        let sigmaExposure = (0..<k).map { r in (0..<k).reduce(0) { $0 + factorCovariance[r, $1] * exposure[$1] } }
        return (0..<n).map { i in (0..<k).reduce(residualVariances[i] * x[i]) { $0 + factorLoadings[$1, i] * sigmaExposure[$1] } }
    }

    /// The problem's solution from the structured method, in the problem's terms (values of w, f and the
    /// utility's exposures, the stated objective, one dual per constraint with `ConeCompiler`'s CVXPY
    /// signs); nil when the method declines or the roles do not cover `constraintCount` constraints.
    func solve(constraintCount: Int) -> ProblemSolution? {
        let n = benchmark.count, k = factorCovariance.rows
        guard roles.count == constraintCount, let limits = bounds(assets: n) else { return nil }
        let start = Date()
        // The mean–variance problem solved: the objective's own, or the one whose optimum is the EVaR's.
        let solution: FactorPortfolioSolution, utility: Utility?
        if let evar {
            guard let solved = meanVolatilitySolution(evar, bounds: (limits.lower, limits.upper)) else { return nil }
            (solution, utility) = solved
        } else {
            guard let problem = solverProblem(bounds: (limits.lower, limits.upper), utility: self.utility),
                  let solved = FactorPortfolioSolver.solve(problem) else { return nil }
            (solution, utility) = (solved, self.utility)
        }
        var exposureValues = [Double](repeating: 0, count: k + 1)
        for i in 0..<n {
            let active = solution.weights[i] - benchmark[i]
            for r in 0...k { exposureValues[r] += loadings[r, i] * active }
        }
        let factorPart = Array(exposureValues.dropFirst())
        // Duals with the cone path's signs, from the Lagrangian of the minimisation of −objective,
        //   −cᵀf + γ·risk + c_t·turnover − ω·utility + ν_fᵀ(f − B(w − b)) + ν_pᵀ(f_p − B_f w) + ν(1ᵀw − 1)
        //   − λᵀ(w − l) + μᵀ(w − u) + y(aᵀw or f_r − bound) + η(scale·‖v‖ − limit) + η_t(turnover − T),
        // ‖v‖² = risk: stationarity in f gives ν_f = c − κ_f[0; Σ_f f₁…f_K] − Σ y_j e_{r_j} over the limits
        // on f, with κ_f = 2γ plus the risk limit's share (κ_τ = η·scale/‖v‖ under `tev`, so η = κ_ττ/scale;
        // 2η under `risk`); in f_p it gives ν_p = −ωφ Σ_f f_p (with `evar`, whose ω c·σ has the gradient
        // ω(c/σ)Σ_f f_p in f_p, the same at the search's φ = c/σ); in w the solver's conditions. Each bound's
        // multiplier goes to the constraint that sets it.
        var exposureDual = objectiveExposureWeights
        let exposureCurvature = 2 * riskAversion + solution.budgetCurvature
        for r in 0..<k {
            var product = 0.0
            for c in 0..<k { product += factorCovariance[r, c] * factorPart[c] }
            exposureDual[r + 1] -= exposureCurvature * product
        }
        var limitIndex = 0
        for role in roles {
            guard case .linearLimit(_, _, _, let row, _) = role else { continue }
            if let row { exposureDual[row] -= solution.limitMultipliers[limitIndex] }
            limitIndex += 1
        }
        let utilityExposures = utility == nil ? [] : portfolioExposures(solution.weights)
        /// A bound constraint's dual: the multipliers of the bounds it sets.
        func boundDual(_ index: Int) -> Matrix {
            Matrix(column: (0..<n).map { i in
                (limits.lowerOwner[i] == index ? solution.lowerBoundMultipliers[i] : 0)
                    + (limits.upperOwner[i] == index ? solution.upperBoundMultipliers[i] : 0)
            })
        }
        limitIndex = 0
        let duals: [Matrix] = roles.enumerated().map { index, role in
            switch role {
            case .exposureDefinition: return Matrix(column: exposureDual)
            case .utilityExposureDefinition:
                let scale = (utility?.weight ?? 0) * (utility?.phi ?? 0)
                return Matrix(column: (0..<k).map { r in -scale * (0..<k).reduce(0) { $0 + factorCovariance[r, $1] * utilityExposures[$1] } })
            case .budget: return Matrix(column: [solution.budgetMultiplier])
            case .lowerBound, .upperBound, .activeWeightBound: return boundDual(index)
            case .trackingErrorLimit(let scale, let limit):
                return Matrix(column: [solution.budgetCurvature * (limit / scale) / scale])
            case .varianceLimit: return Matrix(column: [solution.budgetCurvature / 2])
            case .linearLimit(_, _, _, _, let dual):
                let y = solution.limitMultipliers[limitIndex]
                limitIndex += 1
                switch dual {
                case .upper: return Matrix(column: [y])
                case .lower: return Matrix(column: [-y])
                case .band: return Matrix(column: [abs(y)])
                }
            case .turnoverLimit: return Matrix(column: [solution.turnoverMultiplier])
            }
        }
        var values: [(Variable, Matrix)] = [(weights, Matrix(column: solution.weights)), (exposures, Matrix(column: exposureValues))]
        if let utility { values.append((utility.exposures, Matrix(column: utilityExposures))) }
        let value = objective(solution, utility: utility, exposures: exposureValues, utilityExposures: utilityExposures)
        return ProblemSolution(status: .optimal, objective: minimised ? -value : value,
                               values: values, duals: duals, iterations: solution.iterations,
                               solveTime: Date().timeIntervalSince(start), method: .factorPortfolio)
    }

    /// The maximised objective at the solution: cᵀf − γ·risk − c_t·turnover + ω(Rᵀw − φ/2·wᵀVw), or with
    /// `evar` − ω(−Rᵀw + c·σ(w)) in place of the utility (`utility` then the search's last, and wᵀVw taken
    /// from `utilityExposures`, B_f w, either way).
    private func objective(_ solution: FactorPortfolioSolution, utility: Utility?, exposures: [Double], utilityExposures: [Double]) -> Double {
        var value = zip(objectiveExposureWeights, exposures).reduce(0) { $0 + $1.0 * $1.1 }
        value -= riskAversion * solution.activeVariance + costPerTurnover * solution.turnover
        if let utility {
            let w = solution.weights
            let variance = totalVariance(w, factorExposures: utilityExposures)
            let expected = VectorMath.dot(utility.expectedReturns, w)
            if let evar {
                value -= evar.weight * (-expected + evar.volatilityMultiplier * variance.squareRoot())
            } else {
                value += utility.weight * (expected - utility.phi / 2 * variance)
            }
        }
        return value
    }

    /// B_f w, the exposures of the weights themselves (the loadings' factor rows).
    func portfolioExposures(_ w: [Double]) -> [Double] {
        (0..<factorCovariance.rows).map { r in (0..<w.count).reduce(0) { $0 + loadings[r + 1, $1] * w[$1] } }
    }

    /// wᵀVw = (B_f w)ᵀΣ_f(B_f w) + Σ E_i w_i², from the factor exposures B_f w.
    func totalVariance(_ w: [Double], factorExposures: [Double]) -> Double {
        totalCovariance(w, w, factorExposures: factorExposures, factorExposures)
    }

    /// xᵀVy = (B_f x)ᵀΣ_f(B_f y) + Σ E_i x_i y_i, from the factor exposures B_f x and B_f y.
    func totalCovariance(_ x: [Double], _ y: [Double], factorExposures ex: [Double], _ ey: [Double]) -> Double {
        let k = factorCovariance.rows
        var covariance = 0.0
        for i in 0..<x.count { covariance += residualVariances[i] * x[i] * y[i] }
        for r in 0..<k { for c in 0..<k { covariance += ex[r] * factorCovariance[r, c] * ey[c] } }
        return covariance
    }
}
