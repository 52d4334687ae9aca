import Foundation
import TiltLinearAlgebra
import TiltModeling

/// One regime of a Gaussian regime mixture of next-month stock returns, in factor form: with probability
/// `probability` the n returns are N(R_s, V_s) with V_s = B_sᵀ Σ_s B_s + diag(E_s). V_s is never formed:
/// the objectives use the risk vector [L_sᵀ B_s w; √E_s ∘ w] (Σ_s = L_s L_sᵀ), whose squared norm is wᵀV_s w.
/// All quantities monthly, in decimals.
public struct RegimeState: Sendable {
    /// π_s, the probability of the regime next month.
    public var probability: Double
    /// R_s (n): expected stock returns in the regime.
    public var expectedReturns: [Double]
    /// B_s (k × n): the stocks' factor loadings in the regime, rows by factor.
    public var loadings: Matrix
    /// Σ_s (k × k): the factor covariance in the regime.
    public var factorCovariance: Matrix
    /// E_s (n): the residual variances in the regime.
    public var residualVariances: [Double]

    public init(probability: Double, expectedReturns: [Double], loadings: Matrix, factorCovariance: Matrix,
                residualVariances: [Double]) {
        self.probability = probability
        self.expectedReturns = expectedReturns
        self.loadings = loadings
        self.factorCovariance = factorCovariance
        self.residualVariances = residualVariances
    }
}

/// Regime-aware objectives over a Gaussian mixture of returns, compiled to exponential and second-order
/// cones with the factor structure kept (built from existing atoms, so `DCPAnalysis` certifies them).
///
/// With μ_s(w) = R_sᵀw and σ_s²(w) = wᵀV_s w, the portfolio return is a mixture of N(μ_s, σ_s²), and
/// E exp(−θ R_p) = Σ_s π_s exp(−θ μ_s + θ² σ_s² / 2).
///
/// - `exponentialLoss`: log E exp(−φ R_p) = log Σ_s π_s exp(−φ R_sᵀw + φ²/2 wᵀV_s w), written as
///   `logsumexp([log π_s − φ R_sᵀw + φ²/2 sumsq(y_s)]_s)` (logsumexp is convex and increasing, each entry
///   convex: DCP). With a single regime it is the mean-variance objective −φ μ + φ²/2 σ² itself (a QP).
/// - `utility`: the certainty equivalent of exponential utility with risk aversion φ, −loss / φ (monthly
///   return, concave, to maximise).
/// - `evar`: the entropic value at risk of the loss −R_p.
///
/// Every regime with probability 0 is left out (log 0 has no cone form and the regime has no weight).
/// `exposures`, when given, are expressions equal to B_s w (e.g. variables tied to w by constraints the
/// caller adds); otherwise B_s w is a constant multiplication. Either way no n×n matrix is built.
public enum RegimeObjectives {
    /// The risk aversions φ (per unit of monthly return) the regime-aware objectives are trusted with.
    /// Outside 0.01…100 the exponential-cone program is too badly scaled to be solved reliably (exponents
    /// of order φ²σ²), so `regime_utility(phi:)` and the regime study refuse such φ rather than risk them.
    public static let reliablePhis: ClosedRange<Double> = 0.01...100

    /// `reliablePhis` as users read it: "from 0.01 to 100".
    public static var reliablePhisText: String {
        "from \(formatNumber(reliablePhis.lowerBound)) to \(formatNumber(reliablePhis.upperBound))"
    }

    /// log Σ_s π_s exp(−φ R_sᵀw + φ²/2 wᵀV_s w): convex, to minimise. `phi` > 0 is the risk aversion
    /// (per unit of monthly return).
    public static func exponentialLoss(weights: ModelExpression, states: [RegimeState], phi: Double,
                                       exposures: [ModelExpression]? = nil) throws -> ModelExpression {
        guard phi > 0, phi.isFinite else { throw ModelingError("the risk aversion phi must be a positive number, got \(phi)") }
        let active = try activeStates(weights: weights, states: states, exposures: exposures)
        if active.count == 1 {
            // log(π exp(x)) with π = 1 is x: a single regime keeps the mean-variance QP.
            let (state, exposure) = active[0]
            let variance = try ModelExpression.apply(.sumSquares, [riskVector(weights, state, exposure)])
            return try .subtract(.multiply(.constant(0.5 * phi * phi), variance), expectedReturn(weights, state, scale: phi))
        }
        let exponents = try active.map { state, exposure -> ModelExpression in
            // φ²/2 ‖y‖² = (c/2) quad_over_lin(φy, c): one second-order cone ‖(c − v, 2φy)‖ ≤ c + v whose
            // sides stay of one size when c ≈ φσ (here σ at equal weights), where sumsq's cone
            // ‖(v − 1, 2φy)‖ ≤ v + 1 is nearly degenerate for a small variance.
            let scaledRisk = try ModelExpression.multiply(.constant(phi), riskVector(weights, state, exposure))
            let scale = phi * (try typicalVolatility(state))
            let variance = try ModelExpression.multiply(.constant(scale / 2), .apply(.quadOverLinear, [scaledRisk, .constant(scale)]))
            return try .add(.subtract(variance, expectedReturn(weights, state, scale: phi)), .constant(log(state.probability)))
        }
        return try .apply(.logSumExp, [.concatenate(exponents, horizontal: false)])
    }

    /// The certainty equivalent −(1/φ) log E exp(−φ R_p) (monthly return, decimal): concave, to maximise;
    /// the regime-aware objective `maximize regime_utility(phi: φ)`.
    public static func utility(weights: ModelExpression, states: [RegimeState], phi: Double,
                               exposures: [ModelExpression]? = nil) throws -> ModelExpression {
        try .multiply(.constant(-1 / phi), exponentialLoss(weights: weights, states: states, phi: phi, exposures: exposures))
    }

    /// The entropic value at risk at `confidence` (e.g. 0.95) of the monthly loss −R_p under the mixture:
    ///
    ///     EVaR(w) = inf_{t>0} t · log( Σ_s π_s exp(−μ_s/t + σ_s²/(2t²)) / α ),  α = 1 − confidence,
    ///
    /// convex, to minimise (a monthly loss, decimal; ≥ VaR and CVaR at the same confidence).
    ///
    /// Cone form. With x_s = −μ_s + σ_s²/(2t) + t log(π_s/α), the function is t·logsumexp(x/t), the
    /// perspective of logsumexp, and t·logsumexp(x/t) = min over u ≥ 0 with Σu_s = t of
    /// max_s [x_s + t log(t/u_s)] (r ≥ x_s + t log(t/u_s) ⇔ u_s ≥ t exp((x_s − r)/t), and such u summing to
    /// t exist iff Σ_s exp((x_s − r)/t) ≤ 1). So, with new variables t and u_1…u_{S−1} (u_S = t − Σ u_s),
    ///
    ///     EVaR(w) = min_{t, u} max_s [ rel_entr(t, u_s) + ½ quad_over_lin(y_s, t) − R_sᵀw + t log(π_s/α) ],
    ///
    /// y_s the risk vector (‖y_s‖² = σ_s²). Each term is jointly convex in (w, t, u) — rel_entr is one
    /// exponential cone (−v, t, u_s) ∈ K_exp, quad_over_lin one second-order cone ‖(t − q, 2y_s)‖ ≤ t + q —
    /// so the whole is convex and minimising it over w minimises EVaR. t and u appear as variables of the
    /// problem (named `evar_t` and `evar_u`). With one regime EVaR = −μ + σ √(−2 log α).
    public static func evar(weights: ModelExpression, states: [RegimeState], confidence: Double,
                            exposures: [ModelExpression]? = nil) throws -> ModelExpression {
        guard confidence > 0, confidence < 1 else {
            throw ModelingError("the EVaR confidence must lie strictly between 0 and 1 (e.g. 95%), got \(confidence)")
        }
        let active = try activeStates(weights: weights, states: states, exposures: exposures)
        let alpha = 1 - confidence
        let t = ModelExpression.variable(Variable(name: "evar_t", rows: 1))
        var shares: [ModelExpression] = []
        if active.count > 1 {
            let u = ModelExpression.variable(Variable(name: "evar_u", rows: active.count - 1))
            shares = try (0..<(active.count - 1)).map { try .select(u, rows: [$0], cols: [0]) }
            shares.append(try .subtract(t, .sum(u)))
        } else {
            shares = [t]
        }
        let terms = try zip(active, shares).map { entry, share -> ModelExpression in
            let (state, exposure) = entry
            let entropy = try ModelExpression.apply(.relativeEntropy, [t, share])
            let variance = try ModelExpression.apply(.quadOverLinear, [riskVector(weights, state, exposure), t])
            let scenario = try ModelExpression.multiply(.constant(log(state.probability / alpha)), t)
            return try .add(.add(.subtract(entropy, expectedReturn(weights, state, scale: 1)),
                                 .multiply(.constant(0.5), variance)), scenario)
        }
        return terms.count == 1 ? terms[0] : try .apply(.maximum, terms)
    }

    // MARK: Pieces

    /// The regimes with positive probability, each with its exposure expression (or nil), after checking
    /// shapes and probabilities.
    private static func activeStates(weights: ModelExpression, states: [RegimeState],
                                     exposures: [ModelExpression]?) throws -> [(RegimeState, ModelExpression?)] {
        guard !states.isEmpty else { throw ModelingError("a regime objective needs at least one regime") }
        guard weights.cols == 1 else { throw ModelingError("the weights must be a column, found \(weights.shapeDescription)") }
        if let exposures, exposures.count != states.count {
            throw ModelingError("\(exposures.count) exposure expressions for \(states.count) regimes")
        }
        let n = weights.rows
        var total = 0.0
        for (s, state) in states.enumerated() {
            let k = state.factorCovariance.rows
            guard state.probability >= 0, state.probability.isFinite else {
                throw ModelingError("regime \(s + 1) has probability \(state.probability); probabilities must be numbers ≥ 0")
            }
            guard state.expectedReturns.count == n, state.residualVariances.count == n, state.loadings.cols == n else {
                throw ModelingError("regime \(s + 1) describes \(state.expectedReturns.count) expected returns, \(state.loadings.cols) loadings and \(state.residualVariances.count) residual variances for \(n) weights")
            }
            guard state.factorCovariance.cols == k, state.loadings.rows == k else {
                throw ModelingError("regime \(s + 1) has \(state.loadings.rows)×\(n) loadings and a \(state.factorCovariance.shapeDescription) factor covariance")
            }
            if let e = exposures?[s], e.rows != k || e.cols != 1 {
                throw ModelingError("the exposures of regime \(s + 1) are \(e.shapeDescription), expected \(k)×1")
            }
            guard state.residualVariances.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
                throw ModelingError("regime \(s + 1) has a negative or non-finite residual variance")
            }
            total += state.probability
        }
        guard abs(total - 1) <= 1e-8 else {
            throw ModelingError("the regime probabilities sum to \(total), not 1")
        }
        return states.indices.filter { states[$0].probability > 0 }.map { (states[$0], exposures?[$0]) }
    }

    /// σ_s at equal weights (√(b̄ᵀΣ_s b̄ + mean(E_s)/n), b̄ the mean loadings): a size for scaling cones.
    private static func typicalVolatility(_ state: RegimeState) throws -> Double {
        let n = Double(state.expectedReturns.count)
        let k = state.loadings.rows
        var mean = [Double](repeating: 0, count: k)
        for j in 0..<state.loadings.cols { for f in 0..<k { mean[f] += state.loadings[f, j] / n } }
        var variance = state.residualVariances.reduce(0, +) / (n * n)
        for a in 0..<k { for b in 0..<k { variance += mean[a] * state.factorCovariance[a, b] * mean[b] } }
        guard variance > 0, variance.isFinite else { throw ModelingError("a regime's equal-weight variance is \(variance)") }
        return variance.squareRoot()
    }

    /// scale · R_sᵀw (1×1).
    private static func expectedReturn(_ w: ModelExpression, _ state: RegimeState, scale: Double) throws -> ModelExpression {
        try .multiply(.constant(Matrix(row: state.expectedReturns.map { scale * $0 })), w)
    }

    /// y_s = [L_sᵀ(B_s w); √E_s ∘ w] with Σ_s = L_s L_sᵀ, so that ‖y_s‖² = wᵀV_s w. B_s w is `exposure`
    /// when given, else the constant product (L_sᵀB_s) w, k×n.
    private static func riskVector(_ w: ModelExpression, _ state: RegimeState, _ exposure: ModelExpression?) throws -> ModelExpression {
        let lowerTransposed: Matrix
        do {
            lowerTransposed = try state.factorCovariance.cholesky().transposed()
        } catch {
            throw ModelingError("a regime's factor covariance is not positive definite")
        }
        let factorPart: ModelExpression
        if let exposure {
            factorPart = try .multiply(.constant(lowerTransposed), exposure)
        } else {
            factorPart = try .multiply(.constant(Matrix.product(lowerTransposed, state.loadings)), w)
        }
        let specificPart = try ModelExpression.multiplyElementwise(.constant(Matrix(column: state.residualVariances.map { $0.squareRoot() })), w)
        return try .concatenate([factorPart, specificPart], horizontal: false)
    }
}
