/// How a `RegimeFactorModel` is fitted: the hidden Markov model of the factor returns and the
/// forecast horizon. The language's `model regime(states: 3, covariance: diag, horizon: 1)` sets the
/// first three; the rest are engineering defaults.
public struct RegimeModelOptions: Sendable, Equatable {
    /// S, the number of regimes.
    public var states: Int
    /// Diagonal or full state covariances of the factor returns.
    public var covariance: HMMCovarianceType
    /// h ≥ 1: the model forecasts the regime probabilities h months after the rebalance month T,
    /// π_{T+h} = π_Tᵀ Pʰ (h = 1: the month the new weights earn).
    public var horizon: Int
    /// k-means++ starts of the first fit (a model without a previous fit).
    public var restarts: Int
    /// k-means++ starts added to the warm start when refitting at later rebalances (0: the warm start only).
    public var refitRestarts: Int
    /// Seeds the starts.
    public var seed: UInt64
    /// EM iterations per start.
    public var maxIterations: Int
    /// EM stops when an iteration raises the log-likelihood by less than tolerance·|log L|.
    public var tolerance: Double
    /// Smallest state variance (diagonal) or eigenvalue (full), monthly decimal².
    public var covarianceFloor: Double

    public init(states: Int = 2, covariance: HMMCovarianceType = .diagonal, horizon: Int = 1, restarts: Int = 10,
                refitRestarts: Int = 0, seed: UInt64 = 0, maxIterations: Int = 500, tolerance: Double = 1e-9,
                covarianceFloor: Double = 1e-6) {
        self.states = states
        self.covariance = covariance
        self.horizon = horizon
        self.restarts = restarts
        self.refitRestarts = refitRestarts
        self.seed = seed
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.covarianceFloor = covarianceFloor
    }
}
