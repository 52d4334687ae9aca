import TiltLinearAlgebra

/// The portfolio problem a strategy poses at most rebalances, in its own terms rather than as a cone
/// program: long-only, fully invested weights `w` against a benchmark `b`, a factor risk model
/// `Σ = Bᵀ Σ_f B + diag(E)` (B: K factors × n assets; never formed as n × n), and either
///
///     maximize αᵀw   s.t. (w − b)ᵀ Σ (w − b) ≤ τ²        (`.trackingErrorBudget(τ)`)
///     maximize αᵀw − γ (w − b)ᵀ Σ (w − b)                 (`.riskAversion(γ)`)
///
/// with `1ᵀw = 1`, `w ≥ 0`. All quantities monthly decimals (τ a monthly standard deviation, γ per unit of
/// monthly variance).
public struct FactorPortfolioProblem: Sendable {
    public enum Risk: Sendable, Equatable {
        /// Ex-ante tracking error at most τ (monthly, decimal): the budget binds at the optimum unless the
        /// best corner portfolio is already inside it.
        case trackingErrorBudget(Double)
        /// A penalty γ·(active variance) on the objective; γ > 0.
        case riskAversion(Double)
    }

    /// n expected returns: the objective's coefficients on w.
    public let alpha: [Double]
    /// K × n factor loadings (column i: asset i's exposures).
    public let loadings: Matrix
    /// K × K factor covariance (symmetric positive semidefinite).
    public let factorCovariance: Matrix
    /// n residual variances, each positive.
    public let residualVariances: [Double]
    /// n benchmark weights, summing to 1.
    public let benchmark: [Double]
    public let risk: Risk

    public init(alpha: [Double], loadings: Matrix, factorCovariance: Matrix, residualVariances: [Double],
                benchmark: [Double], risk: Risk) {
        self.alpha = alpha
        self.loadings = loadings
        self.factorCovariance = factorCovariance
        self.residualVariances = residualVariances
        self.benchmark = benchmark
        self.risk = risk
    }

    var assetCount: Int { alpha.count }
    var factorCount: Int { loadings.rows }

    /// Whether the data have the shape and signs the method needs (otherwise the caller keeps the general
    /// solver): matching sizes, finite entries, positive residual variances, a symmetric positive definite
    /// factor covariance (so that the problem is convex and its KKT points are optima), a positive budget
    /// or aversion.
    var isWellPosed: Bool {
        let n = assetCount, k = factorCount
        guard n >= 1, k >= 1, loadings.cols == n, factorCovariance.rows == k, factorCovariance.cols == k,
              residualVariances.count == n, benchmark.count == n else { return false }
        let covarianceScale = factorCovariance.storage.map(abs).max() ?? 0
        for r in 0..<k {
            for c in 0..<r where abs(factorCovariance[r, c] - factorCovariance[c, r]) > 1e-12 * covarianceScale { return false }
        }
        guard (try? factorCovariance.cholesky()) != nil else { return false }
        switch risk {
        case .trackingErrorBudget(let tau): guard tau > 0, tau.isFinite else { return false }
        case .riskAversion(let gamma): guard gamma > 0, gamma.isFinite else { return false }
        }
        return alpha.allSatisfy(\.isFinite) && loadings.storage.allSatisfy(\.isFinite)
            && factorCovariance.storage.allSatisfy(\.isFinite) && benchmark.allSatisfy(\.isFinite)
            && residualVariances.allSatisfy { $0 > 0 && $0.isFinite }
    }
}

/// The optimum of a `FactorPortfolioProblem` with its multipliers, certified by the KKT conditions
/// `α − κ Σ (w − b) − ν 1 + μ = 0`, `μ ≥ 0`, `μ ∘ w = 0`, `w ≥ 0`, `1ᵀw = 1` (and, for a budget, active
/// variance equal to τ² with κ > 0, or within it with κ = 0), which for this convex problem prove optimality.
public struct FactorPortfolioSolution: Sendable {
    public let weights: [Double]
    /// ν, the multiplier of `1ᵀw = 1`.
    public let budgetMultiplier: Double
    /// μ ≥ 0, the multipliers of `w ≥ 0` (zero where the weight is positive).
    public let boundMultipliers: [Double]
    /// κ: 2γ for risk aversion; for a budget, twice the multiplier of `(w − b)ᵀΣ(w − b) ≤ τ²` (0 when the
    /// budget does not bind).
    public let curvature: Double
    /// αᵀw, minus γ·(active variance) for risk aversion.
    public let objective: Double
    /// Active variance (w − b)ᵀΣ(w − b), monthly.
    public let activeVariance: Double
    /// Active-set iterations (one pair of (K+1) × (K+1) solves each).
    public let iterations: Int
}

/// Solves `FactorPortfolioProblem`s by a primal–dual active-set method (Hintermüller, Ito & Kunisch 2003)
/// on the optimality conditions, with the factor structure kept: for a guessed set F of held assets the
/// conditions are linear in t = 1/κ, `w_F(t) = b_F + t·u + v`, where u and v solve
/// `Σ_FF x + ν 1 = r, 1ᵀx = c` — by the Woodbury identity a (K+1) × (K+1) system, O(|F|·K²) per guess.
/// A budget fixes t as the root of the quadratic `active variance(t) = τ²`; aversion sets t = 1/(2γ).
/// The guess then moves assets with negative weight out and assets with negative multiplier in, until
/// it repeats. A budget too loose to bind is recognised first: the best single asset, if within it.
///
/// Written by hand: no maintained library offers this structured method. It returns nil — and the caller
/// runs the interior-point solver — whenever the data are out of its scope, a guess degenerates (fewer
/// than two held assets under a budget, no real root, t ≤ 0), it does not settle in `maximumIterations`,
/// or the final KKT residuals are not below `tolerance` relative to the data. So it never returns an
/// uncertified point.
public enum FactorPortfolioSolver {
    public static let maximumIterations = 50
    /// Relative KKT residual accepted as optimal.
    public static let tolerance = 1e-9

    public static func solve(_ problem: FactorPortfolioProblem) -> FactorPortfolioSolution? {
        guard problem.isWellPosed else { return nil }
        let model = FreeSetModel(problem)
        if let corner = model.bestCornerWithinBudget() { return corner }
        var held = [Bool](repeating: true, count: problem.assetCount)
        for iteration in 1...maximumIterations {
            guard let point = model.optimum(holding: held) else { return nil }
            var next = held
            for i in held.indices {
                next[i] = held[i] ? point.weights[i] > 0 : point.scaledBoundMultipliers[i] < 0
            }
            if next == held { return model.certified(point, iterations: iteration) }
            held = next
        }
        return nil
    }
}

/// The data of a `FactorPortfolioProblem` arranged for the active-set steps, and the steps themselves.
private struct FreeSetModel {
    let problem: FactorPortfolioProblem
    let n: Int, k: Int
    /// Σ_f's entries, column-major (symmetric: `isWellPosed` checks it).
    let sigmaF: [Double]

    init(_ problem: FactorPortfolioProblem) {
        self.problem = problem
        n = problem.assetCount
        k = problem.factorCount
        sigmaF = problem.factorCovariance.storage
    }

    /// A guess's stationary point: weights, t = 1/κ, ν·t and μ·t (the scaled multipliers; μ·t on the
    /// unheld assets, 0 on the held), the active variance.
    struct Point {
        var weights: [Double]
        var t: Double
        var scaledBudgetMultiplier: Double
        var scaledBoundMultipliers: [Double]
        var activeVariance: Double
    }

    /// y ← Σ_f x for K-vectors.
    private func factorCovarianceTimes(_ x: [Double]) -> [Double] {
        (0..<k).map { r in (0..<k).reduce(0) { $0 + sigmaF[r + $1 * k] * x[$1] } }
    }

    private func dot(_ x: [Double], _ y: [Double]) -> Double { zip(x, y).reduce(0) { $0 + $1.0 * $1.1 } }

    /// Solves the optimality conditions with the assets not `held` at zero weight; nil when the guess
    /// degenerates (see `FactorPortfolioSolver`).
    func optimum(holding held: [Bool]) -> Point? {
        let loadings = problem.loadings.storage, e = problem.residualVariances, alpha = problem.alpha,
            bench = problem.benchmark
        // Unheld assets: d_i = −b_i, contributing h_A = B_A b_A to the exposures.
        var unheldExposure = [Double](repeating: 0, count: k)
        var heldBenchmarkWeight = 0.0, unheldSpecific = 0.0, heldCount = 0
        // Woodbury sums over the held assets: M = Σ B_i B_iᵀ/E_i, e = Σ B_i/E_i, h = Σ B_i α_i/E_i,
        // s0 = Σ 1/E_i, s1 = Σ α_i/E_i.
        var m = [Double](repeating: 0, count: k * k)
        var eSum = [Double](repeating: 0, count: k), h = [Double](repeating: 0, count: k)
        var s0 = 0.0, s1 = 0.0
        for i in 0..<n {
            let column = i * k
            if held[i] {
                heldCount += 1
                heldBenchmarkWeight += bench[i]
                let inverse = 1 / e[i]
                s0 += inverse
                s1 += alpha[i] * inverse
                for r in 0..<k {
                    let scaled = loadings[column + r] * inverse
                    eSum[r] += scaled
                    h[r] += scaled * alpha[i]
                    for c in 0...r { m[r * k + c] += scaled * loadings[column + c] }
                }
            } else {
                unheldSpecific += e[i] * bench[i] * bench[i]
                for r in 0..<k { unheldExposure[r] += loadings[column + r] * bench[i] }
            }
        }
        guard heldCount >= 1 else { return nil }
        for r in 0..<k { for c in 0..<r { m[c * k + r] = m[r * k + c] } }

        // x = D⁻¹(r − B Σ_f g − ν 1) with g = B_Fᵀ x: (I + M Σ_f) g + ν e = B_Fᵀ D⁻¹ r, (Σ_f e)ᵀ g + ν s0 = 1ᵀD⁻¹r − c.
        // Right-hand sides: r = α_F (c = 0) for u; r = B_F q with q = Σ_f h_A (c = 1 − Σ_F b_i, so that
        // 1ᵀw = 1) for v.
        let q = factorCovarianceTimes(unheldExposure)
        let mq = (0..<k).map { r in (0..<k).reduce(0) { $0 + m[r * k + $1] * q[$1] } }
        var system = Matrix(rows: k + 1, cols: k + 1, repeating: 0)
        for r in 0..<k {
            for c in 0..<k {
                var value = r == c ? 1.0 : 0.0
                for l in 0..<k { value += m[r * k + l] * sigmaF[l + c * k] }
                system[r, c] = value
            }
            system[r, k] = eSum[r]
        }
        let sigmaE = factorCovarianceTimes(eSum)
        for c in 0..<k { system[k, c] = sigmaE[c] }
        system[k, k] = s0
        var rhs = Matrix(rows: k + 1, cols: 2, repeating: 0)
        for r in 0..<k { rhs[r, 0] = h[r]; rhs[r, 1] = mq[r] }
        rhs[k, 0] = s1
        rhs[k, 1] = dot(eSum, q) - (1 - heldBenchmarkWeight)
        guard let solved = try? Matrix.solve(system, rhs) else { return nil }
        let gU = (0..<k).map { solved[$0, 0] }, gV = (0..<k).map { solved[$0, 1] }
        let nuU = solved[k, 0], nuV = solved[k, 1]
        let sigmaGU = factorCovarianceTimes(gU), sigmaGV = factorCovarianceTimes(gV)

        // Held assets: d = t·u + v. Active variance(t) = a t² + 2 b t + c.
        var u = [Double](repeating: 0, count: n), v = [Double](repeating: 0, count: n)
        var a = 0.0, b = 0.0, c = unheldSpecific
        for i in 0..<n where held[i] {
            let column = i * k
            var loadU = 0.0, loadV = 0.0, loadQ = 0.0
            for r in 0..<k {
                loadU += loadings[column + r] * sigmaGU[r]
                loadV += loadings[column + r] * sigmaGV[r]
                loadQ += loadings[column + r] * q[r]
            }
            u[i] = (alpha[i] - loadU - nuU) / e[i]
            v[i] = (loadQ - loadV - nuV) / e[i]
            a += e[i] * u[i] * u[i]
            b += e[i] * u[i] * v[i]
            c += e[i] * v[i] * v[i]
        }
        // Exposures of d: Bd = t·g_u + (g_v − h_A).
        let constantExposure = (0..<k).map { gV[$0] - unheldExposure[$0] }
        let sigmaConstant = factorCovarianceTimes(constantExposure)
        a += dot(gU, sigmaGU)
        b += dot(gU, sigmaConstant)
        c += dot(constantExposure, sigmaConstant)

        let t: Double
        switch problem.risk {
        case .riskAversion(let gamma): t = 1 / (2 * gamma)
        case .trackingErrorBudget(let tau):
            // The larger root: αᵀu = uᵀΣ_FF u ≥ 0, so the objective grows with t.
            let discriminant = b * b - a * (c - tau * tau)
            guard heldCount >= 2, a > 0, discriminant >= 0 else { return nil }
            t = (-b + discriminant.squareRoot()) / a
        }
        guard t > 0, t.isFinite else { return nil }

        var weights = bench
        for i in 0..<n where held[i] { weights[i] = bench[i] + t * u[i] + v[i] }
        let scaledNu = t * nuU + nuV
        let exposure = (0..<k).map { t * gU[$0] + constantExposure[$0] }
        let sigmaExposure = factorCovarianceTimes(exposure)
        var scaledMu = [Double](repeating: 0, count: n)
        for i in 0..<n where !held[i] {
            weights[i] = 0
            var load = 0.0
            for r in 0..<k { load += loadings[i * k + r] * sigmaExposure[r] }
            // μ_i·t = (Σd)_i + ν·t − t α_i with d_i = −b_i.
            scaledMu[i] = load - e[i] * bench[i] + scaledNu - t * alpha[i]
        }
        let variance = a * t * t + 2 * b * t + c
        guard weights.allSatisfy(\.isFinite), scaledMu.allSatisfy(\.isFinite), variance.isFinite else { return nil }
        return Point(weights: weights, t: t, scaledBudgetMultiplier: scaledNu, scaledBoundMultipliers: scaledMu,
                     activeVariance: variance)
    }

    /// A guess's stationary point as a solution, once verified (`certified`).
    func certified(_ point: Point, iterations: Int) -> FactorPortfolioSolution? {
        let kappa = 1 / point.t
        return certified(weights: point.weights, curvature: kappa, budgetMultiplier: point.scaledBudgetMultiplier * kappa,
                         boundMultipliers: point.scaledBoundMultipliers.map { $0 * kappa }, iterations: iterations)
    }

    /// Under a budget too loose to bind, the linear program's optimum: everything in the asset of largest
    /// α (κ = 0, ν = max α, μ_i = ν − α_i), when its active variance is within the budget; nil otherwise.
    func bestCornerWithinBudget() -> FactorPortfolioSolution? {
        guard case .trackingErrorBudget = problem.risk, let best = problem.alpha.indices.max(by: { problem.alpha[$0] < problem.alpha[$1] })
        else { return nil }
        var weights = [Double](repeating: 0, count: n)
        weights[best] = 1
        let nu = problem.alpha[best]
        return certified(weights: weights, curvature: 0, budgetMultiplier: nu, boundMultipliers: problem.alpha.map { nu - $0 },
                         iterations: 1)
    }

    /// The point as a solution once the KKT conditions are verified from scratch (stationarity recomputed
    /// with Σ applied through the factors, feasibility, signs, the budget: active at κ > 0, within at κ = 0);
    /// nil otherwise.
    private func certified(weights w: [Double], curvature kappa: Double, budgetMultiplier nu: Double,
                           boundMultipliers mu: [Double], iterations: Int) -> FactorPortfolioSolution? {
        let loadings = problem.loadings.storage, e = problem.residualVariances, alpha = problem.alpha
        let d = (0..<n).map { w[$0] - problem.benchmark[$0] }
        var exposure = [Double](repeating: 0, count: k)
        for i in 0..<n { for r in 0..<k { exposure[r] += loadings[i * k + r] * d[i] } }
        let sigmaExposure = factorCovarianceTimes(exposure)
        var residual = 0.0, scale = abs(nu), variance = dot(exposure, sigmaExposure)
        for i in 0..<n {
            var load = 0.0
            for r in 0..<k { load += loadings[i * k + r] * sigmaExposure[r] }
            let riskGradient = kappa * (load + e[i] * d[i])
            residual = max(residual, abs(alpha[i] - riskGradient - nu + mu[i]))
            scale = max(scale, abs(alpha[i]), abs(riskGradient), mu[i])
            variance += e[i] * d[i] * d[i]
            guard w[i] >= 0, mu[i] >= 0, w[i] == 0 || mu[i] == 0 else { return nil }
        }
        let budgetError = abs(w.reduce(0, +) - 1)
        guard residual <= FactorPortfolioSolver.tolerance * max(scale, .leastNormalMagnitude),
              budgetError <= FactorPortfolioSolver.tolerance, variance.isFinite else { return nil }
        let objective: Double
        switch problem.risk {
        case .trackingErrorBudget(let tau):
            let excess = variance - tau * tau, tolerance = FactorPortfolioSolver.tolerance * tau * tau
            guard kappa > 0 ? abs(excess) <= tolerance : excess <= tolerance else { return nil }
            objective = dot(alpha, w)
        case .riskAversion(let gamma):
            objective = dot(alpha, w) - gamma * variance
        }
        return FactorPortfolioSolution(weights: w, budgetMultiplier: nu, boundMultipliers: mu, curvature: kappa,
                                       objective: objective, activeVariance: variance, iterations: iterations)
    }
}
