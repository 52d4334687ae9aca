import TiltData
import TiltLinearAlgebra

/// The estimates of one regime of a `RegimeFactorModel` (monthly decimals).
public struct RegimeStateEstimate: Sendable {
    /// (K+1) × N state-conditional intercepts (row 0) and loadings, by regime-weighted least squares.
    public let loadings: Matrix
    /// K: the state's mean factor return m_s (the HMM's emission mean).
    public let factorMean: [Double]
    /// K × K: the state's factor covariance Σ_s (the HMM's emission covariance), decimal².
    public let factorCovariance: Matrix
    /// N: the state's residual variances Σ_t γ_ts e_ts² / Σ_t γ_ts, decimal².
    public let residualVariances: [Double]
}

/// A regime-switching factor model estimated at a rebalance month T from data labelled ≤ T:
///
/// 1. a Gaussian HMM with S states is fitted to the window's factor returns (warm-started from the
///    previous rebalance's fit when given, states numbered by `StateLabelling`'s rule);
/// 2. regime-weighted least squares (`RegimeWeightedRegression`) with the smoothed state probabilities
///    as weights gives each state's intercepts, loadings B_s and residual variances E_s;
/// 3. the regime probabilities are forecast h months ahead from the filtered probabilities at T (which use
///    only data ≤ T): π = π_Tᵀ Pʰ;
/// 4. the model's single-regime view is the π-mixture: factor mean m = Σ π_s m_s, factor covariance
///    Σ_f = Σ π_s (Σ_s + m_s m_sᵀ) − m mᵀ (within- plus between-regime), loadings B = Σ π_s B_s and
///    residual variances E = Σ π_s E_s (probability-weighted mixtures; the spread of the loadings across
///    regimes is not added to E).
///
/// It offers the same quantities as `OLSFactorModel` (`FactorModel`), so a backtest can use either, plus
/// the per-state quantities for regime-aware objectives. Note that Bᵀ[1; m] differs from the exact
/// mixture expected return Σ π_s B_sᵀ[1; m_s] by Σ π_s (β_s − β)ᵀ(m_s − m); objectives that need the exact
/// mixture use `states`.
public struct RegimeFactorModel: FactorModel {
    public let rebalance: Month
    public let windowMonths: [Month]
    public let factorNames: [String]
    public let assetIDs: [String]
    /// (K+1) × N mixture loadings Σ π_s B_s, intercept row first.
    public let loadings: Matrix
    /// N × 1 mixture residual variances Σ π_s E_s.
    public let residualVariances: Matrix
    /// K × K mixture factor covariance Σ π_s (Σ_s + m_s m_sᵀ) − m mᵀ.
    public let factorCovariance: Matrix
    /// (K+1) × 1: 1 followed by the mixture factor mean Σ π_s m_s.
    public let mu: Matrix
    public let observationCounts: [Int]

    /// The HMM fitted on the window's factor returns, its states numbered by `StateLabelling`.
    public let hmm: GaussianHMM
    /// S filtered probabilities P(s_T | factors ≤ T) at the rebalance month.
    public let filteredProbabilities: [Double]
    /// S forecast probabilities π_{T+h} = π_Tᵀ Pʰ, the mixture weights.
    public let forecastProbabilities: [Double]
    /// The window's T × S smoothed state probabilities (the regression weights), rows by month.
    public let smoothedProbabilities: Matrix
    /// The S states' estimates, in the HMM's numbering.
    public let states: [RegimeStateEstimate]

    /// Estimates the model.
    ///
    /// - Parameters:
    ///   - excessReturns: T × N monthly excess returns (decimal), NaN when missing; columns labelled by asset.
    ///   - factorReturns: T × K monthly factor returns (decimal); columns labelled by factor.
    ///   - months: the T row months, strictly increasing; `rebalance` must be one of them.
    ///   - window: expanding from a month, or rolling over a number of months.
    ///   - options: states, covariance type, horizon and the fitting settings.
    ///   - previous: the HMM of the previous rebalance, to warm-start from and to match state numbers to.
    public static func estimate(excessReturns: Matrix, factorReturns: Matrix, months: [Month], rebalance: Month,
                                window: EstimationWindow, options: RegimeModelOptions, previous: GaussianHMM? = nil,
                                minimumObservations: Int? = nil) throws -> RegimeFactorModel {
        let k = factorReturns.cols
        let names = factorReturns.colLabels ?? (0..<k).map { "f\($0 + 1)" }
        guard excessReturns.rows == months.count, factorReturns.rows == months.count else {
            throw ModelError("the returns are \(excessReturns.shapeDescription) and the factors \(factorReturns.shapeDescription), but there are \(months.count) months: both need one row per month")
        }
        guard k > 0 else { throw ModelError("a factor model needs at least one factor") }
        guard (1...StateLabelling.maximumStates).contains(options.states) else {
            throw ModelError("a regime model has 1 to \(StateLabelling.maximumStates) states, got \(options.states)")
        }
        guard options.horizon >= 1 else { throw ModelError("the forecast horizon is a positive number of months, got \(options.horizon)") }
        let rows = try window.rows(of: months, endingAt: rebalance)
        guard rows.count >= max(k + 2, options.states + 1) else {
            throw ModelError("the window \(months[rows.lowerBound])…\(rebalance) has \(rows.count) month(s); \(k) factor(s) and \(options.states) state(s) need at least \(max(k + 2, options.states + 1))")
        }
        var factors = try factorReturns.selecting(rows: Array(rows), cols: nil)
        factors.colLabels = names
        if let bad = factors.storage.firstIndex(where: { !$0.isFinite }) {
            throw ModelError("factor '\(names[bad / rows.count])' has no return in \(months[rows.lowerBound + bad % rows.count]), inside the estimation window \(months[rows.lowerBound])…\(rebalance)")
        }
        let compatible = previous.flatMap { p in
            p.stateCount == options.states && p.dimension == k && p.covarianceType == options.covariance ? p : nil
        }
        let fit = try GaussianHMM.fit(factors, states: options.states, covariance: options.covariance,
                                      restarts: compatible == nil ? options.restarts : options.refitRestarts, seed: options.seed,
                                      maxIterations: options.maxIterations, tolerance: options.tolerance,
                                      covarianceFloor: options.covarianceFloor, warmStart: compatible) { fit in
            // A fit whose state holds too few months for the regression in that state (the likeliest fit can
            // give a state to a handful of outlying months) is passed over for the likeliest one that serves.
            RegimeWeightedRegression.thinState(factorReturns: factors, weights: try fit.smoothed(factors)) == nil
        }
        let hmm = fit.permuted(StateLabelling.order(of: fit, previous: compatible))
        var smoothed = try hmm.smoothed(factors)
        smoothed.rowLabels = months[rows].map(\.description)
        let filteredAll = try hmm.filtered(factors)
        let filtered = (0..<hmm.stateCount).map { filteredAll[rows.count - 1, $0] }
        let forecast = hmm.forecast(from: filtered, horizon: options.horizon)
        let regression = try RegimeWeightedRegression.estimate(
            excessReturns: try excessReturns.selecting(rows: Array(rows), cols: nil), factorReturns: factors,
            weights: smoothed, minimumObservations: minimumObservations)

        let states = (0..<hmm.stateCount).map { s in
            RegimeStateEstimate(loadings: regression.loadings[s], factorMean: (0..<k).map { hmm.means[s, $0] },
                                factorCovariance: hmm.covariances[s], residualVariances: regression.residualVariances[s])
        }
        let moments = RegimeMixture(probabilities: forecast, states: states)
        var covariance = moments.factorCovariance
        covariance.rowLabels = names
        covariance.colLabels = names
        let assets = excessReturns.colLabels ?? (0..<excessReturns.cols).map { "\($0 + 1)" }
        return RegimeFactorModel(
            rebalance: rebalance, windowMonths: Array(months[rows]), factorNames: names, assetIDs: assets,
            loadings: moments.loadings, residualVariances: Matrix(column: moments.residualVariances, labels: assets),
            factorCovariance: covariance, mu: Matrix(column: [1] + moments.factorMean, labels: ["alpha"] + names),
            observationCounts: regression.observationCounts, hmm: hmm, filteredProbabilities: filtered,
            forecastProbabilities: forecast, smoothedProbabilities: smoothed, states: states)
    }
}

/// The probability-weighted mixture of regime estimates: mean Σ π_s m_s, covariance
/// Σ π_s (Σ_s + m_s m_sᵀ) − m mᵀ, loadings Σ π_s B_s and residual variances Σ π_s E_s.
public struct RegimeMixture: Sendable {
    public let factorMean: [Double]
    public let factorCovariance: Matrix
    public let loadings: Matrix
    public let residualVariances: [Double]

    public init(probabilities: [Double], states: [RegimeStateEstimate]) {
        let k = states.first?.factorMean.count ?? 0
        let n = states.first?.residualVariances.count ?? 0
        var mean = [Double](repeating: 0, count: k)
        var secondMoment = Matrix(rows: k, cols: k)
        var loadings = Matrix(rows: k + 1, cols: n)
        var residuals = [Double](repeating: 0, count: n)
        for (p, state) in zip(probabilities, states) {
            for i in 0..<k {
                mean[i] += p * state.factorMean[i]
                for j in 0..<k {
                    secondMoment[i, j] += p * (state.factorCovariance[i, j] + state.factorMean[i] * state.factorMean[j])
                }
            }
            for index in loadings.storage.indices { loadings.storage[index] += p * state.loadings.storage[index] }
            for j in 0..<n { residuals[j] += p * state.residualVariances[j] }
        }
        for i in 0..<k { for j in 0..<k { secondMoment[i, j] -= mean[i] * mean[j] } }
        loadings.rowLabels = states.first?.loadings.rowLabels
        loadings.colLabels = states.first?.loadings.colLabels
        factorMean = mean
        factorCovariance = secondMoment
        self.loadings = loadings
        residualVariances = residuals
    }
}
