import TiltLinearAlgebra
import TiltSolver

/// The portfolio problem a strategy poses at most rebalances, in its own terms rather than as a cone
/// program: fully invested weights `w` within per-asset bounds (long-only by default) against a benchmark
/// `b`, a factor risk model `Σ = Bᵀ Σ_f B + diag(E)` (B: K factors × n assets; never formed as n × n), and
/// either
///
///     maximize αᵀw   s.t. (w − b)ᵀ Σ (w − b) ≤ τ²        (`.trackingErrorBudget(τ)`)
///     maximize αᵀw − γ (w − b)ᵀ Σ (w − b)                 (`.riskAversion(γ)`)
///
/// with `1ᵀw = 1`, `l ≤ w ≤ u`. All quantities monthly decimals (τ a monthly standard deviation, γ per unit
/// of monthly variance).
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
    /// n benchmark weights.
    public let benchmark: [Double]
    public let risk: Risk
    /// n lower bounds on the weights (finite or −∞); 0 by default (long-only).
    public let lowerBounds: [Double]
    /// n upper bounds on the weights (finite or +∞); +∞ by default.
    public let upperBounds: [Double]

    public init(alpha: [Double], loadings: Matrix, factorCovariance: Matrix, residualVariances: [Double],
                benchmark: [Double], risk: Risk, lowerBounds: [Double]? = nil, upperBounds: [Double]? = nil) {
        self.alpha = alpha
        self.loadings = loadings
        self.factorCovariance = factorCovariance
        self.residualVariances = residualVariances
        self.benchmark = benchmark
        self.risk = risk
        self.lowerBounds = lowerBounds ?? [Double](repeating: 0, count: alpha.count)
        self.upperBounds = upperBounds ?? [Double](repeating: .infinity, count: alpha.count)
    }

    var assetCount: Int { alpha.count }
    var factorCount: Int { loadings.rows }

    /// Whether the data have the shape and signs the method needs (otherwise the caller keeps the general
    /// solver): matching sizes, finite entries, positive residual variances, a symmetric positive definite
    /// factor covariance (so that the problem is convex and its KKT points are optima), a positive budget
    /// or aversion, bounds with `l ≤ u` (not NaN, l not +∞, u not −∞) that leave room for `1ᵀw = 1`.
    var isWellPosed: Bool {
        let n = assetCount, k = factorCount
        guard n >= 1, k >= 1, loadings.cols == n, factorCovariance.rows == k, factorCovariance.cols == k,
              residualVariances.count == n, benchmark.count == n, lowerBounds.count == n, upperBounds.count == n
        else { return false }
        for i in 0..<n {
            guard lowerBounds[i] <= upperBounds[i], lowerBounds[i] < .infinity, upperBounds[i] > -.infinity else { return false }
        }
        guard lowerBounds.reduce(0, +) <= 1, upperBounds.reduce(0, +) >= 1 else { return false }
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
/// `α − κ Σ (w − b) − ν 1 + λ − μ = 0`, `λ, μ ≥ 0`, `λ ∘ (w − l) = 0`, `μ ∘ (u − w) = 0`, `l ≤ w ≤ u`,
/// `1ᵀw = 1` (and, for a budget, active variance equal to τ² with κ > 0, or within it with κ = 0), which for
/// this convex problem prove optimality.
public struct FactorPortfolioSolution: Sendable {
    public let weights: [Double]
    /// ν, the multiplier of `1ᵀw = 1`.
    public let budgetMultiplier: Double
    /// λ ≥ 0, the multipliers of `w ≥ l` (zero where the weight is above its lower bound).
    public let lowerBoundMultipliers: [Double]
    /// μ ≥ 0, the multipliers of `w ≤ u` (zero where the weight is below its upper bound).
    public let upperBoundMultipliers: [Double]
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
/// on the optimality conditions, with the factor structure kept: for a guess of which weights sit at a
/// bound (the rest free, set F) the conditions are linear in t = 1/κ, `w_F(t) = b_F + t·u + v`, where u and
/// v solve `Σ_FF x + ν 1 = r, 1ᵀx = c` — by the Woodbury identity a (K+1) × (K+1) system, O(n·K²) per
/// guess. A budget fixes t as the root of the quadratic `active variance(t) = τ²`; aversion sets
/// t = 1/(2γ). The guess then moves free weights past a bound onto it and bound weights whose multiplier
/// has the wrong sign back to the free set, until it repeats (should the updates cycle, one change at a
/// time from then on; should a guess leave too few free weights, the weakest bound ones are released). A
/// budget too loose to bind is recognised first: the linear program's optimum (fill the largest α up to
/// their bounds), if within it.
///
/// Written by hand: no maintained library offers this structured method. It returns nil — and the caller
/// runs the interior-point solver — whenever the data are out of its scope, a guess degenerates (fewer
/// than two free weights under a budget, no real root, t ≤ 0), it does not settle in `maximumIterations`,
/// or the final KKT residuals are not below `tolerance` relative to the data. So it never returns an
/// uncertified point.
public enum FactorPortfolioSolver {
    public static let maximumIterations = 50
    /// The iteration from which guesses are remembered to detect cycling.
    static let cycleWatchStart = 8
    /// Relative KKT residual accepted as optimal.
    public static let tolerance = 1e-9

    public static func solve(_ problem: FactorPortfolioProblem) -> FactorPortfolioSolution? {
        guard problem.isWellPosed else { return nil }
        let model = FreeSetModel(problem)
        if let corner = model.bestCornerWithinBudget() { return corner }
        let lower = problem.lowerBounds, upper = problem.upperBounds
        var guess = [FreeSetModel.Place](repeating: .free, count: problem.assetCount)
        // Guesses seen, recorded from `cycleWatchStart` on (most solves settle before; hashing a guess is O(n)).
        var seen: Set<[FreeSetModel.Place]> = []
        var cycling = false
        for iteration in 1...maximumIterations {
            guard let point = model.optimum(guess) else { return nil }
            var next = guess
            for i in guess.indices {
                switch guess[i] {
                case .free: next[i] = point.weights[i] <= lower[i] ? .lower : point.weights[i] >= upper[i] ? .upper : .free
                case .lower: next[i] = point.scaledBoundMultipliers[i] < 0 ? .free : .lower
                case .upper: next[i] = point.scaledBoundMultipliers[i] > 0 ? .free : .upper
                }
            }
            if next == guess { return model.certified(point, guess, iterations: iteration) }
            if cycling { next = singleChange(from: guess, to: next, point, lower: lower, upper: upper) }
            keepFree(model.minimumFree, in: &next, from: guess, point, lower: lower, upper: upper)
            // A guess seen before: the full updates cycle. From then on, one change per step.
            if iteration >= cycleWatchStart, !seen.insert(next).inserted {
                cycling = true
                next = singleChange(from: guess, to: next, point, lower: lower, upper: upper)
                keepFree(model.minimumFree, in: &next, from: guess, point, lower: lower, upper: upper)
            }
            guess = next
        }
        return nil
    }

    /// `guess` with only the most violated of the changes `next` makes: the bound weight whose multiplier
    /// has the wrong sign by most, else the free weight furthest past its bound.
    private static func singleChange(from guess: [FreeSetModel.Place], to next: [FreeSetModel.Place],
                                     _ point: FreeSetModel.Point, lower: [Double], upper: [Double]) -> [FreeSetModel.Place] {
        let changed = guess.indices.filter { guess[$0] != next[$0] }
        let release = changed.filter { guess[$0] != .free }.max {
            abs(point.scaledBoundMultipliers[$0]) < abs(point.scaledBoundMultipliers[$1])
        }
        func crossing(_ i: Int) -> Double { max(lower[i] - point.weights[i], point.weights[i] - upper[i]) }
        guard let index = release ?? changed.max(by: { crossing($0) < crossing($1) }) else { return next }
        var single = guess
        single[index] = next[index]
        return single
    }

    /// A guess with fewer free weights than a stationary point needs (the budget alone fixes the last free
    /// weight; a tracking-error budget needs one more to trade off) has no solution: the full update
    /// overshot. Then weights that were already at a bound are released until there are `minimum` free
    /// ones: on the side that can restore the budget (upper-bound weights when the guess, filled in with the
    /// current point, holds more than 1; lower-bound ones when less), the weakest multipliers first (the
    /// weights closest to leaving their bound).
    private static func keepFree(_ minimum: Int, in next: inout [FreeSetModel.Place], from guess: [FreeSetModel.Place],
                                 _ point: FreeSetModel.Point, lower: [Double], upper: [Double]) {
        var missing = minimum - next.filter { $0 == .free }.count
        guard missing > 0 else { return }
        let total = next.indices.reduce(0.0) { sum, i in
            sum + (next[i] == .lower ? lower[i] : next[i] == .upper ? upper[i] : point.weights[i])
        }
        let side: FreeSetModel.Place? = total > 1 ? .upper : total < 1 ? .lower : nil
        func strength(_ i: Int) -> Double { next[i] == .lower ? point.scaledBoundMultipliers[i] : -point.scaledBoundMultipliers[i] }
        let candidates = next.indices.filter { next[$0] != .free && guess[$0] == next[$0] && (side == nil || next[$0] == side) }
            .sorted { strength($0) < strength($1) }
        for i in candidates where missing > 0 {
            next[i] = .free
            missing -= 1
        }
    }
}

/// The data of a `FactorPortfolioProblem` arranged for the active-set steps, and the steps themselves.
private struct FreeSetModel {
    /// Where a guess puts one weight.
    enum Place: Hashable { case free, lower, upper }

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

    /// Free weights a guess needs for a stationary point: one for the budget, two under a tracking-error
    /// budget (see `optimum`).
    var minimumFree: Int {
        if case .trackingErrorBudget = problem.risk { return 2 }
        return 1
    }

    /// A guess's stationary point: weights, t = 1/κ, ν·t and the bound weights' scaled multiplier
    /// g_i = (Σ(w − b))_i + ν·t − t·α_i = t·(λ_i − μ_i) (0 on the free weights), the active variance.
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

    /// Solves the optimality conditions with the weights the guess puts at a bound fixed there; nil when
    /// the guess degenerates (see `FactorPortfolioSolver`).
    func optimum(_ guess: [Place]) -> Point? {
        let loadings = problem.loadings.storage, e = problem.residualVariances, alpha = problem.alpha,
            bench = problem.benchmark
        var weights = bench
        // Bound weights: d_i = bound − b_i, contributing h_A = B_A d_A to the exposures.
        var fixedExposure = [Double](repeating: 0, count: k)
        var freeBenchmarkWeight = 0.0, fixedWeight = 0.0, fixedSpecific = 0.0, freeCount = 0
        // Woodbury sums over the free weights: M = Σ B_i B_iᵀ/E_i, e = Σ B_i/E_i, h = Σ B_i α_i/E_i,
        // s0 = Σ 1/E_i, s1 = Σ α_i/E_i.
        var m = [Double](repeating: 0, count: k * k)
        var eSum = [Double](repeating: 0, count: k), h = [Double](repeating: 0, count: k)
        var s0 = 0.0, s1 = 0.0
        for i in 0..<n {
            let column = i * k
            switch guess[i] {
            case .free:
                freeCount += 1
                freeBenchmarkWeight += bench[i]
                let inverse = 1 / e[i]
                s0 += inverse
                s1 += alpha[i] * inverse
                for r in 0..<k {
                    let scaled = loadings[column + r] * inverse
                    eSum[r] += scaled
                    h[r] += scaled * alpha[i]
                    for c in 0...r { m[r * k + c] += scaled * loadings[column + c] }
                }
            case .lower, .upper:
                weights[i] = guess[i] == .lower ? problem.lowerBounds[i] : problem.upperBounds[i]
                let active = weights[i] - bench[i]
                guard active.isFinite else { return nil }
                fixedWeight += weights[i]
                fixedSpecific += e[i] * active * active
                for r in 0..<k { fixedExposure[r] += loadings[column + r] * active }
            }
        }
        guard freeCount >= 1 else { return nil }
        for r in 0..<k { for c in 0..<r { m[c * k + r] = m[r * k + c] } }

        // x = D⁻¹(r − B Σ_f g − ν 1) with g = B_Fᵀ x: (I + M Σ_f) g + ν e = B_Fᵀ D⁻¹ r, (Σ_f e)ᵀ g + ν s0 = 1ᵀD⁻¹r − c.
        // Right-hand sides: r = α_F (c = 0) for u; r = −Σ_FA d_A = B_F q with q = −Σ_f h_A
        // (c = 1 − Σ_F b_i − Σ_A w_i, so that 1ᵀw = 1) for v.
        let q = factorCovarianceTimes(fixedExposure).map { -$0 }
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
        rhs[k, 1] = VectorMath.dot(eSum, q) - (1 - freeBenchmarkWeight - fixedWeight)
        guard let solved = try? Matrix.solve(system, rhs) else { return nil }
        let gU = (0..<k).map { solved[$0, 0] }, gV = (0..<k).map { solved[$0, 1] }
        let nuU = solved[k, 0], nuV = solved[k, 1]
        let sigmaGU = factorCovarianceTimes(gU), sigmaGV = factorCovarianceTimes(gV)

        // Free weights: d = t·u + v. Active variance(t) = a t² + 2 b t + c.
        var u = [Double](repeating: 0, count: n), v = [Double](repeating: 0, count: n)
        var a = 0.0, b = 0.0, c = fixedSpecific
        for i in 0..<n where guess[i] == .free {
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
        // Exposures of d: Bd = t·g_u + (g_v + h_A).
        let constantExposure = (0..<k).map { gV[$0] + fixedExposure[$0] }
        let sigmaConstant = factorCovarianceTimes(constantExposure)
        a += VectorMath.dot(gU, sigmaGU)
        b += VectorMath.dot(gU, sigmaConstant)
        c += VectorMath.dot(constantExposure, sigmaConstant)

        let t: Double
        switch problem.risk {
        case .riskAversion(let gamma): t = 1 / (2 * gamma)
        case .trackingErrorBudget(let tau):
            // The larger root: αᵀu = uᵀΣ_FF u ≥ 0, so the objective grows with t.
            let discriminant = b * b - a * (c - tau * tau)
            guard freeCount >= minimumFree, a > 0, discriminant >= 0 else { return nil }
            t = (-b + discriminant.squareRoot()) / a
        }
        guard t > 0, t.isFinite else { return nil }

        for i in 0..<n where guess[i] == .free { weights[i] = bench[i] + t * u[i] + v[i] }
        let scaledNu = t * nuU + nuV
        let exposure = (0..<k).map { t * gU[$0] + constantExposure[$0] }
        let sigmaExposure = factorCovarianceTimes(exposure)
        var scaled = [Double](repeating: 0, count: n)
        for i in 0..<n where guess[i] != .free {
            var load = 0.0
            for r in 0..<k { load += loadings[i * k + r] * sigmaExposure[r] }
            scaled[i] = load + e[i] * (weights[i] - bench[i]) + scaledNu - t * alpha[i]
        }
        let variance = a * t * t + 2 * b * t + c
        guard weights.allSatisfy(\.isFinite), scaled.allSatisfy(\.isFinite), variance.isFinite else { return nil }
        return Point(weights: weights, t: t, scaledBudgetMultiplier: scaledNu, scaledBoundMultipliers: scaled,
                     activeVariance: variance)
    }

    /// A guess's stationary point as a solution, once verified (`certified`).
    func certified(_ point: Point, _ guess: [Place], iterations: Int) -> FactorPortfolioSolution? {
        let kappa = 1 / point.t
        let lower = (0..<n).map { guess[$0] == .lower ? point.scaledBoundMultipliers[$0] * kappa : 0 }
        let upper = (0..<n).map { guess[$0] == .upper ? -point.scaledBoundMultipliers[$0] * kappa : 0 }
        return certified(weights: point.weights, curvature: kappa, budgetMultiplier: point.scaledBudgetMultiplier * kappa,
                         lowerBoundMultipliers: lower, upperBoundMultipliers: upper, iterations: iterations)
    }

    /// Under a budget too loose to bind, the linear program's optimum — every weight at its lower bound,
    /// then the rest of the budget to the largest α, each up to its upper bound (κ = 0, ν the α of the last
    /// weight filled) — when its active variance is within the budget; nil otherwise.
    func bestCornerWithinBudget() -> FactorPortfolioSolution? {
        guard case .trackingErrorBudget = problem.risk, problem.lowerBounds.allSatisfy(\.isFinite) else { return nil }
        let alpha = problem.alpha
        var weights = problem.lowerBounds
        var left = 1 - weights.reduce(0, +)
        var nu = alpha.max() ?? 0
        // Without upper bounds the largest α takes the rest at once: no need to rank them all.
        let unbounded = problem.upperBounds.allSatisfy { $0 == .infinity }
        let order = unbounded ? alpha.indices.max { alpha[$0] < alpha[$1] }.map { [$0] } ?? []
                              : alpha.indices.sorted { alpha[$0] > alpha[$1] }
        for i in order where left > 0 {
            let room = problem.upperBounds[i] - weights[i]
            let added = min(room, left)
            weights[i] += added
            left -= added
            nu = alpha[i]
        }
        guard left == 0 else { return nil }
        let lower = alpha.map { max(0, nu - $0) }, upper = alpha.map { max(0, $0 - nu) }
        return certified(weights: weights, curvature: 0, budgetMultiplier: nu, lowerBoundMultipliers: lower,
                         upperBoundMultipliers: upper, iterations: 1)
    }

    /// The point as a solution once the KKT conditions are verified from scratch (stationarity recomputed
    /// with Σ applied through the factors, bounds, signs, complementarity, the budget: active at κ > 0,
    /// within at κ = 0); nil otherwise.
    private func certified(weights w: [Double], curvature kappa: Double, budgetMultiplier nu: Double,
                           lowerBoundMultipliers lambda: [Double], upperBoundMultipliers mu: [Double],
                           iterations: Int) -> FactorPortfolioSolution? {
        let loadings = problem.loadings.storage, e = problem.residualVariances, alpha = problem.alpha
        let lowerBounds = problem.lowerBounds, upperBounds = problem.upperBounds
        let d = (0..<n).map { w[$0] - problem.benchmark[$0] }
        var exposure = [Double](repeating: 0, count: k)
        for i in 0..<n { for r in 0..<k { exposure[r] += loadings[i * k + r] * d[i] } }
        let sigmaExposure = factorCovarianceTimes(exposure)
        var residual = 0.0, scale = abs(nu), variance = VectorMath.dot(exposure, sigmaExposure)
        for i in 0..<n {
            var load = 0.0
            for r in 0..<k { load += loadings[i * k + r] * sigmaExposure[r] }
            let riskGradient = kappa * (load + e[i] * d[i])
            residual = max(residual, abs(alpha[i] - riskGradient - nu + lambda[i] - mu[i]))
            scale = max(scale, abs(alpha[i]), abs(riskGradient), lambda[i], mu[i])
            variance += e[i] * d[i] * d[i]
            guard lowerBounds[i] <= w[i], w[i] <= upperBounds[i], lambda[i] >= 0, mu[i] >= 0,
                  w[i] == lowerBounds[i] || lambda[i] == 0, w[i] == upperBounds[i] || mu[i] == 0 else { return nil }
        }
        let budgetError = abs(w.reduce(0, +) - 1)
        guard residual <= FactorPortfolioSolver.tolerance * max(scale, .leastNormalMagnitude),
              budgetError <= FactorPortfolioSolver.tolerance, variance.isFinite else { return nil }
        let objective: Double
        switch problem.risk {
        case .trackingErrorBudget(let tau):
            let excess = variance - tau * tau, tolerance = FactorPortfolioSolver.tolerance * tau * tau
            guard kappa > 0 ? abs(excess) <= tolerance : excess <= tolerance else { return nil }
            objective = VectorMath.dot(alpha, w)
        case .riskAversion(let gamma):
            objective = VectorMath.dot(alpha, w) - gamma * variance
        }
        return FactorPortfolioSolution(weights: w, budgetMultiplier: nu, lowerBoundMultipliers: lambda,
                                       upperBoundMultipliers: mu, curvature: kappa, objective: objective,
                                       activeVariance: variance, iterations: iterations)
    }
}
