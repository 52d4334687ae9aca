import TiltLinearAlgebra
import TiltModeling

/// The regime-aware objectives of a strategy, `regime_utility(phi: φ)` and `evar(95%)`, on the context's
/// decision weights `w` (whole-portfolio returns, not active ones: the objectives price the portfolio's own
/// return distribution). Next month's unit excess returns are a Gaussian mixture: with `model regime(…)`
/// one component per regime, weighted by the forecast probabilities, with that regime's loadings, factor
/// mean and covariance and residual variances; with OLS a single component with the OLS moments (the
/// objectives then reduce to mean–variance and Gaussian EVaR). Factor structure kept throughout.
extension PortfolioContext {
    /// The mixture components, in the form `RegimeObjectives` takes (factor rows of the loadings only; the
    /// expected returns include the intercept).
    public var regimeStates: [RegimeState] {
        get throws {
            let factorRows = Array(1..<loadings.rows)
            guard let regime else {
                let expected = (0..<units.count).map { j in (0..<mu.count).reduce(0) { $0 + loadings[$1, j] * mu[$1] } }
                return [RegimeState(probability: 1, expectedReturns: expected,
                                    loadings: try loadings.selecting(rows: factorRows, cols: nil),
                                    factorCovariance: factorCovariance, residualVariances: residualVariances)]
            }
            return try zip(regime.probabilities, regime.states).map { probability, state in
                RegimeState(probability: probability, expectedReturns: state.expectedReturns,
                            loadings: try state.loadings.selecting(rows: factorRows, cols: nil),
                            factorCovariance: state.factorCovariance, residualVariances: state.residualVariances)
            }
        }
    }

    /// `regime_utility(phi: φ)`: the certainty equivalent −(1/φ) log Σ_s π_s exp(−φ R_sᵀw + φ²/2 wᵀV_s w)
    /// of next month's return (monthly, decimal; concave, to maximise).
    public func regimeUtility(phi: Double) throws -> ModelExpression {
        try RegimeObjectives.utility(weights: w, states: regimeStates, phi: phi, exposures: regimeExposures)
    }

    /// `evar(95%)`: the entropic value at risk of next month's loss −R_p at the given confidence (monthly,
    /// decimal; convex, to minimise).
    public func entropicValueAtRisk(confidence: Double) throws -> ModelExpression {
        try RegimeObjectives.evar(weights: w, states: regimeStates, confidence: confidence, exposures: regimeExposures)
    }

    /// f_s == B_s w for each regime's exposure variables (the problem needs them when it uses a regime
    /// objective with a regime model).
    public var regimeExposureDefinitions: [OptimizationProblem.Constraint] {
        get throws {
            guard regime != nil else { return [] }
            return try zip(regimeExposureVariables, regimeStates).enumerated().map { s, pair in
                OptimizationProblem.Constraint(lhs: .variable(pair.0), relation: .equal,
                                               rhs: try .multiply(.constant(pair.1.loadings), w),
                                               text: "f_regime\(s + 1) == B_\(s + 1) w")
            }
        }
    }

    /// The regime exposure variables as expressions, or nil without a regime model (one OLS component:
    /// its exposures are a constant multiplication).
    private var regimeExposures: [ModelExpression]? {
        regime == nil ? nil : regimeExposureVariables.map { .variable($0) }
    }
}
