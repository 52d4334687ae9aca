import TiltLinearAlgebra

/// The parameters the synthetic market is drawn from: a Gaussian hidden Markov model of monthly factor
/// returns, the cross-sectional distribution of stocks' regime-conditional factor loadings, residual
/// variances per regime and a constant risk-free rate. All values monthly, in decimals.
public struct RegimeCalibration: Sendable {
    /// One entry of the stacked loading vector: the loading on `factor` in regime `state`.
    public struct LoadingIndex: Sendable, Equatable {
        public let factor: String
        public let state: Int
    }

    /// Factor names, in the order of the means' and covariances' entries.
    public let factorNames: [String]
    /// Probability of each regime in the first month.
    public let startProbabilities: [Double]
    /// `transitionMatrix[s][s′]`: probability of regime s′ next month given regime s this month.
    public let transitionMatrix: [[Double]]
    /// `factorMeans[s]`: mean factor returns in regime s (monthly, decimal).
    public let factorMeans: [[Double]]
    /// `factorCovariances[s]`: factor covariance in regime s (monthly, decimal²), K × K.
    public let factorCovariances: [Matrix]
    /// What each entry of `loadingMeans` and `loadingCovariance` is, in order.
    public let loadingIndex: [LoadingIndex]
    /// Mean of a stock's stacked loading vector (K factors × S regimes).
    public let loadingMeans: [Double]
    /// Covariance of a stock's stacked loading vector across stocks.
    public let loadingCovariance: Matrix
    /// Residual (idiosyncratic) variance of a stock's monthly return in each regime (decimal²).
    public let residualVariances: [Double]
    /// The risk-free rate, constant (monthly, decimal).
    public let riskFreeRate: Double

    /// Number of regimes.
    public var stateCount: Int { startProbabilities.count }
}
