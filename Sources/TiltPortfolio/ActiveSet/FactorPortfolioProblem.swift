import TiltLinearAlgebra
import TiltSolver

/// The portfolio problem a strategy poses at most rebalances, in its own terms rather than as a cone
/// program: fully invested weights `w` within per-asset bounds (long-only by default) against a benchmark
/// `b`, a factor risk model `Σ = Bᵀ Σ_f B + diag(E)` (B: K factors × n assets; never formed as n × n), and
///
///     maximize αᵀw − c·Σ|w − w₀| [− γ (w − b)ᵀ Σ (w − b)]
///     s.t.     1ᵀw = 1,  l ≤ w ≤ u,  lo_j ≤ a_jᵀw ≤ hi_j (j = 1…m),  Σ|w − w₀| ≤ T,
///              [(w − b)ᵀ Σ (w − b) ≤ τ²]
///
/// with the risk as a tracking-error budget τ, an aversion γ, or both; the linear limits (a sector's
/// weight, a factor exposure) and the trading terms (a cost c per unit traded, a turnover limit T, both
/// against the weights w₀ held before) optional. All quantities monthly decimals (τ a monthly standard
/// deviation, γ per unit of monthly variance, c per unit of weight traded).
public struct FactorPortfolioProblem: Sendable {
    public enum Risk: Sendable, Equatable {
        /// Ex-ante tracking error at most τ (monthly, decimal): the budget binds at the optimum unless the
        /// best corner portfolio is already inside it.
        case trackingErrorBudget(Double)
        /// A penalty γ·(active variance) on the objective; γ > 0.
        case riskAversion(Double)
        /// Both: the penalty γ and the budget τ, which binds only when the penalised optimum is outside it.
        case riskAversionWithinBudget(aversion: Double, budget: Double)

        /// γ (0 without a penalty).
        var aversion: Double {
            switch self {
            case .trackingErrorBudget: return 0
            case .riskAversion(let gamma), .riskAversionWithinBudget(let gamma, _): return gamma
            }
        }

        /// τ (nil without a budget).
        var budget: Double? {
            switch self {
            case .trackingErrorBudget(let tau), .riskAversionWithinBudget(_, let tau): return tau
            case .riskAversion: return nil
            }
        }
    }

    /// A linear limit `lower ≤ aᵀw ≤ upper` on the weights: a sector's weight (a = its members' indicator),
    /// a factor exposure (a = that factor's loadings, the benchmark's exposure moved into the limits), or
    /// both ends of a band. `lower` may be −∞ and `upper` +∞; `lower == upper` is an equality.
    public struct LinearLimit: Sendable, Equatable {
        /// n coefficients a.
        public let coefficients: [Double]
        public let lower: Double
        public let upper: Double

        public init(coefficients: [Double], lower: Double = -.infinity, upper: Double = .infinity) {
            self.coefficients = coefficients
            self.lower = lower
            self.upper = upper
        }

        var isEquality: Bool { lower == upper }

        func value(_ w: [Double]) -> Double { VectorMath.dot(coefficients, w) }
    }

    /// Trading against the weights held before the rebalance: a linear cost c·Σ|w − w₀| in the objective
    /// (c ≥ 0, per unit of weight traded) and an optional limit Σ|w − w₀| ≤ T on turnover.
    public struct Trading: Sendable, Equatable {
        /// n weights w₀ held just before the rebalance.
        public let previousWeights: [Double]
        /// c, the objective's cost per unit of weight traded (0: none).
        public let costPerUnit: Double
        /// T, the largest turnover Σ|w − w₀| allowed (nil: none).
        public let turnoverLimit: Double?

        public init(previousWeights: [Double], costPerUnit: Double = 0, turnoverLimit: Double? = nil) {
            self.previousWeights = previousWeights
            self.costPerUnit = costPerUnit
            self.turnoverLimit = turnoverLimit
        }
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
    /// The linear limits on the weights, in the order their multipliers are reported.
    public let limits: [LinearLimit]
    /// Trading terms, or nil when the problem has none.
    public let trading: Trading?

    public init(alpha: [Double], loadings: Matrix, factorCovariance: Matrix, residualVariances: [Double],
                benchmark: [Double], risk: Risk, lowerBounds: [Double]? = nil, upperBounds: [Double]? = nil,
                limits: [LinearLimit] = [], trading: Trading? = nil) {
        self.alpha = alpha
        self.loadings = loadings
        self.factorCovariance = factorCovariance
        self.residualVariances = residualVariances
        self.benchmark = benchmark
        self.risk = risk
        self.lowerBounds = lowerBounds ?? [Double](repeating: 0, count: alpha.count)
        self.upperBounds = upperBounds ?? [Double](repeating: .infinity, count: alpha.count)
        self.limits = limits
        // No cost and no limit is no trading term at all.
        self.trading = trading.flatMap { $0.costPerUnit == 0 && $0.turnoverLimit == nil ? nil : $0 }
    }

    /// The same problem without its linear limits and trading terms.
    var withoutLimitsOrTrading: FactorPortfolioProblem {
        FactorPortfolioProblem(alpha: alpha, loadings: loadings, factorCovariance: factorCovariance,
                               residualVariances: residualVariances, benchmark: benchmark, risk: risk,
                               lowerBounds: lowerBounds, upperBounds: upperBounds)
    }

    var assetCount: Int { alpha.count }
    var factorCount: Int { loadings.rows }

    /// The trading cost c (0 without trading terms).
    var costPerUnit: Double { trading?.costPerUnit ?? 0 }

    /// Σ|w − w₀| (0 without trading terms).
    func turnover(_ w: [Double]) -> Double {
        guard let previous = trading?.previousWeights else { return 0 }
        return zip(w, previous).reduce(0) { $0 + abs($1.0 - $1.1) }
    }

    /// Whether the data have the shape and signs the method needs (otherwise the caller keeps the general
    /// solver): matching sizes, finite entries, positive residual variances, a symmetric positive definite
    /// factor covariance (so that the problem is convex and its KKT points are optima), a positive budget
    /// or aversion, bounds with `l ≤ u` (not NaN, l not +∞, u not −∞) that leave room for `1ᵀw = 1`,
    /// limits with `lower ≤ upper` and finite coefficients, a cost c ≥ 0 and a turnover limit ≥ 0.
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
        case .riskAversionWithinBudget(let gamma, let tau):
            guard gamma > 0, gamma.isFinite, tau > 0, tau.isFinite else { return false }
        }
        for limit in limits {
            guard limit.coefficients.count == n, limit.coefficients.allSatisfy(\.isFinite), limit.lower <= limit.upper,
                  limit.lower < .infinity, limit.upper > -.infinity else { return false }
        }
        if let trading {
            guard trading.previousWeights.count == n, trading.previousWeights.allSatisfy(\.isFinite),
                  trading.costPerUnit >= 0, trading.costPerUnit.isFinite else { return false }
            if let limit = trading.turnoverLimit { guard limit >= 0, limit.isFinite else { return false } }
        }
        return alpha.allSatisfy(\.isFinite) && loadings.storage.allSatisfy(\.isFinite)
            && factorCovariance.storage.allSatisfy(\.isFinite) && benchmark.allSatisfy(\.isFinite)
            && residualVariances.allSatisfy { $0 > 0 && $0.isFinite }
    }
}

/// The optimum of a `FactorPortfolioProblem` with its multipliers, certified by the KKT conditions (see
/// `FactorPortfolioCertificate`): for each asset
///
///     α_i − κ (Σ(w − b))_i − ν − Σ_j y_j a_ji − (c + η) ξ_i + λ_i − μ_i = 0,   ξ_i ∈ ∂|w_i − w₀_i|,
///
/// with λ, μ ≥ 0 complementary to `w ≥ l`, `w ≤ u`; y_j ≥ 0 only at a limit's upper end and ≤ 0 only at
/// its lower end; η ≥ 0 only at the turnover limit; κ = 2γ, plus twice the budget's multiplier where the
/// budget binds — which for this convex problem prove optimality.
public struct FactorPortfolioSolution: Sendable {
    public let weights: [Double]
    /// ν, the multiplier of `1ᵀw = 1`.
    public let budgetMultiplier: Double
    /// λ ≥ 0, the multipliers of `w ≥ l` (zero where the weight is above its lower bound). Where the lower
    /// bound is also the weight held before, the smallest λ the conditions allow (the one that prices
    /// loosening the bound).
    public let lowerBoundMultipliers: [Double]
    /// μ ≥ 0, the multipliers of `w ≤ u` (zero where the weight is below its upper bound; smallest as λ).
    public let upperBoundMultipliers: [Double]
    /// y, one per linear limit: ≥ 0 at its upper end, ≤ 0 at its lower end, 0 when inside.
    public let limitMultipliers: [Double]
    /// η ≥ 0, the multiplier of the turnover limit (0 without one, or when it does not bind).
    public let turnoverMultiplier: Double
    /// κ: 2γ, plus twice the multiplier of `(w − b)ᵀΣ(w − b) ≤ τ²` under a budget (0 when nothing curves
    /// the objective: a budget that does not bind without aversion).
    public let curvature: Double
    /// The budget's share of κ: κ − 2γ (twice the multiplier of the variance budget).
    public let budgetCurvature: Double
    /// αᵀw − c·turnover − γ·(active variance).
    public let objective: Double
    /// Active variance (w − b)ᵀΣ(w − b), monthly.
    public let activeVariance: Double
    /// Turnover Σ|w − w₀| (0 without trading terms).
    public let turnover: Double
    /// Active-set iterations (one (K + p) × (K + p) solve each, p the rows held active).
    public let iterations: Int
}
