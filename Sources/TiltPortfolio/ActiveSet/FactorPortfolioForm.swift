import Foundation
import TiltLinearAlgebra
import TiltModeling
import TiltSolver

/// The canonical factor-model portfolio problem — maximise `cᵀf` (minus `γ·risk`) over fully invested
/// weights within per-asset bounds, with exposures `f = B(w − b)`, under at most a tracking-error limit —
/// in the terms `FactorPortfolioSolver` takes (an active-set method on the optimality conditions, O(n·K²)
/// per step, no cone program). `PortfolioProblem.canonicalForm(in:)` builds it from the problem's
/// structured terms, stating what each constraint of the lowered `OptimizationProblem` is, so that the
/// solution reads back in that problem's terms (values of w and f, one dual per constraint); when the
/// structured method declines, the interior-point path solves the lowered problem itself.
public struct FactorPortfolioForm: Sendable {
    /// What one constraint of the problem is, in the order of `OptimizationProblem.constraints`.
    public enum Role: Sendable, Equatable {
        /// `f == B(w − b)`.
        case exposureDefinition
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
    /// K × K factor covariance, monthly.
    public let factorCovariance: Matrix
    /// n residual variances, monthly.
    public let residualVariances: [Double]
    /// n benchmark weights.
    public let benchmark: [Double]
    /// One role per constraint of the problem.
    public let roles: [Role]

    public init(weights: Variable, exposures: Variable, loadings: Matrix, objectiveExposureWeights: [Double],
                riskAversion: Double, factorCovariance: Matrix, residualVariances: [Double], benchmark: [Double],
                roles: [Role]) {
        self.weights = weights
        self.exposures = exposures
        self.loadings = loadings
        self.objectiveExposureWeights = objectiveExposureWeights
        self.riskAversion = riskAversion
        self.factorCovariance = factorCovariance
        self.residualVariances = residualVariances
        self.benchmark = benchmark
        self.roles = roles
    }

    private var trackingErrorLimit: (scale: Double, limit: Double)? {
        for role in roles { if case .trackingErrorLimit(let scale, let limit) = role { return (scale, limit) } }
        return nil
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
            case .exposureDefinition, .budget, .trackingErrorLimit: continue
            }
        }
        return (lower, upper, lowerOwner, upperOwner)
    }

    /// The problem in the solver's terms: α = Bᵀc on the weights, the factor rows of B, the bounds `limits`
    /// (from `bounds(assets:)`), and the risk as a monthly budget τ = limit / scale or the aversion γ. Nil
    /// when the form states neither or both.
    private func solverProblem(bounds limits: (lower: [Double], upper: [Double])) -> FactorPortfolioProblem? {
        let n = benchmark.count, k = factorCovariance.rows
        guard loadings.rows == k + 1, loadings.cols == n, objectiveExposureWeights.count == k + 1 else { return nil }
        let risk: FactorPortfolioProblem.Risk
        switch (trackingErrorLimit, riskAversion > 0) {
        case (let limit?, false):
            guard limit.scale > 0 else { return nil }
            risk = .trackingErrorBudget(limit.limit / limit.scale)
        case (nil, true): risk = .riskAversion(riskAversion)
        default: return nil
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
        return FactorPortfolioProblem(alpha: alpha, loadings: factorLoadings, factorCovariance: factorCovariance,
                                      residualVariances: residualVariances, benchmark: benchmark, risk: risk,
                                      lowerBounds: limits.lower, upperBounds: limits.upper)
    }

    /// The problem's solution from the structured method, in the problem's terms (values of w and f, the
    /// stated objective, one dual per constraint with `ConeCompiler`'s CVXPY signs); nil when the method
    /// declines or the roles do not cover `constraintCount` constraints.
    func solve(constraintCount: Int) -> ProblemSolution? {
        let n = benchmark.count, k = factorCovariance.rows
        guard roles.count == constraintCount, let limits = bounds(assets: n),
              let problem = solverProblem(bounds: (limits.lower, limits.upper)) else { return nil }
        let start = Date()
        guard let solution = FactorPortfolioSolver.solve(problem) else { return nil }
        var exposureValues = [Double](repeating: 0, count: k + 1)
        for i in 0..<n {
            let active = solution.weights[i] - benchmark[i]
            for r in 0...k { exposureValues[r] += loadings[r, i] * active }
        }
        // Duals with the cone path's signs, from the Lagrangian of the minimisation of −objective,
        //   −cᵀf + γ·risk + ν_fᵀ(f − B(w − b)) + ν(1ᵀw − 1) − λᵀ(w − l) + μᵀ(w − u) + η(scale·‖v‖ − limit),
        // ‖v‖² = risk: stationarity in f gives ν_f = c − κ[0; Σ_f f₁…f_K] with κ = 2γ, or κ = η·scale/‖v‖
        // under the limit (‖v‖ = τ there, so η = κτ/scale); in w it gives the solver's
        // α − κΣ(w − b) − ν1 + λ − μ = 0. Each bound's multiplier goes to the constraint that sets it.
        let factorPart = Array(exposureValues.dropFirst())
        var exposureDual = objectiveExposureWeights
        for r in 0..<k {
            var product = 0.0
            for c in 0..<k { product += factorCovariance[r, c] * factorPart[c] }
            exposureDual[r + 1] -= solution.curvature * product
        }
        /// A bound constraint's dual: the multipliers of the bounds it sets.
        func boundDual(_ index: Int) -> Matrix {
            Matrix(column: (0..<n).map { i in
                (limits.lowerOwner[i] == index ? solution.lowerBoundMultipliers[i] : 0)
                    + (limits.upperOwner[i] == index ? solution.upperBoundMultipliers[i] : 0)
            })
        }
        let duals: [Matrix] = roles.enumerated().map { index, role in
            switch role {
            case .exposureDefinition: return Matrix(column: exposureDual)
            case .budget: return Matrix(column: [solution.budgetMultiplier])
            case .lowerBound, .upperBound, .activeWeightBound: return boundDual(index)
            case .trackingErrorLimit(let scale, let limit):
                return Matrix(column: [solution.curvature * (limit / scale) / scale])
            }
        }
        var objective = zip(objectiveExposureWeights, exposureValues).reduce(0) { $0 + $1.0 * $1.1 }
        objective -= riskAversion * solution.activeVariance
        return ProblemSolution(status: .optimal, objective: objective,
                               values: [(weights, Matrix(column: solution.weights)), (exposures, Matrix(column: exposureValues))],
                               duals: duals, iterations: solution.iterations, solveTime: Date().timeIntervalSince(start),
                               method: .factorPortfolio)
    }
}
