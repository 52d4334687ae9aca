import TiltLinearAlgebra

/// A regime model's view at one rebalance, for the decision units of a `PortfolioContext` (assets, or
/// sectors with cap-weighted members): the regime probabilities forecast for the month the weights
/// earn, and each regime's factor moments and unit loadings. Monthly decimals throughout; regimes are
/// numbered consistently across rebalances (see `RegimeFactorModel`).
public struct RegimeMoments: Sendable {
    /// One regime's moments.
    public struct State: Sendable {
        /// (K+1) × n unit loadings in this regime, intercept row first (rows "alpha", factor names).
        public let loadings: Matrix
        /// K mean factor returns m_s.
        public let factorMean: [Double]
        /// K × K factor covariance Σ_s (decimal²).
        public let factorCovariance: Matrix
        /// n residual variances E_s (decimal²).
        public let residualVariances: [Double]

        public init(loadings: Matrix, factorMean: [Double], factorCovariance: Matrix, residualVariances: [Double]) {
            self.loadings = loadings
            self.factorMean = factorMean
            self.factorCovariance = factorCovariance
            self.residualVariances = residualVariances
        }

        /// n expected excess returns in this regime, B_sᵀ[1; m_s] (intercept included).
        public var expectedReturns: [Double] {
            (0..<loadings.cols).map { j in
                (0..<factorMean.count).reduce(loadings[0, j]) { $0 + loadings[$1 + 1, j] * factorMean[$1] }
            }
        }
    }

    /// S forecast probabilities π_{T+h} = π_Tᵀ Pʰ (h the model's horizon, 1 by default).
    public let probabilities: [Double]
    /// S filtered probabilities P(s_T | factors ≤ T).
    public let filteredProbabilities: [Double]
    /// The S regimes, in the model's numbering.
    public let states: [State]

    public init(probabilities: [Double], filteredProbabilities: [Double], states: [State]) {
        self.probabilities = probabilities
        self.filteredProbabilities = filteredProbabilities
        self.states = states
    }
}
