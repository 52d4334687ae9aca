import Foundation
import TiltData
import TiltLinearAlgebra
import TiltModeling
import TiltPortfolio

/// One trial of `RegimeStudy`: what is fixed across trials (the calibration's samplers, the forecast
/// filter, the moments the design gives the optimiser) and the draws, portfolios and outcomes of trial i.
struct RegimeStudyTrial: Sendable {
    let settings: RegimeStudy.Settings
    let calibration: RegimeCalibration
    let simulator: RegimeSimulator
    let forecast: RegimeForecast
    /// π̄, the stationary regime probabilities.
    let stationary: [Double]
    /// m̄ and Σ̄ = Σπ̄_s(Σ_s + (m_s − m̄)(m_s − m̄)ᵀ): the unconditional factor mean and covariance.
    let unconditionalMean: [Double]
    let unconditionalCovariance: Matrix
    /// ē = Σπ̄_s e_s.
    let unconditionalResidualVariance: Double
    /// What the design gives the optimiser: the residual variance in each regime's V_s and in the
    /// baseline's V̄ (e_s and ē, or the paper design's ridge), and the baseline's factor mean and
    /// covariance (m̄ and Σ̄, or the historical sample's).
    let optimiserResidualVariances: [Double]
    let baselineResidualVariance: Double
    let baselineMean: [Double]
    let baselineCovariance: Matrix

    /// `history`: the paper design's historical factor moments (read from its factor file); unused by the
    /// consistent design.
    init(settings: RegimeStudy.Settings, calibration: RegimeCalibration, history: HistoricalFactorMoments? = nil) throws {
        self.settings = settings
        self.calibration = calibration
        simulator = try RegimeSimulator(calibration: calibration)
        forecast = try RegimeForecast(calibration: calibration)
        stationary = forecast.stationaryProbabilities
        let k = calibration.factorNames.count
        let pi = stationary
        let mean = (0..<k).map { f in pi.indices.reduce(0) { $0 + pi[$1] * calibration.factorMeans[$1][f] } }
        unconditionalMean = mean
        var covariance = Matrix(rows: k, cols: k)
        for s in pi.indices {
            let d = (0..<k).map { calibration.factorMeans[s][$0] - mean[$0] }
            for i in 0..<k { for j in 0..<k { covariance[i, j] += pi[s] * (calibration.factorCovariances[s][i, j] + d[i] * d[j]) } }
        }
        unconditionalCovariance = covariance
        unconditionalResidualVariance = pi.indices.reduce(0) { $0 + pi[$1] * calibration.residualVariances[$1] }
        switch settings.design {
        case .consistent:
            optimiserResidualVariances = calibration.residualVariances
            baselineResidualVariance = unconditionalResidualVariance
            baselineMean = unconditionalMean
            baselineCovariance = unconditionalCovariance
        case .paper(let file, let ridge):
            guard let history else { throw RegimeStudyError("the paper design needs the historical factor moments of \(file)") }
            optimiserResidualVariances = calibration.residualVariances.map { _ in ridge }
            baselineResidualVariance = ridge
            baselineMean = history.mean
            baselineCovariance = history.covariance
        }
    }

    /// What trial `index` draws, the same in every design: the problems' inputs and month T+1.
    struct Draw {
        /// π_{T+1}, the forecast regime probabilities.
        let probabilities: [Double]
        /// `loadings[s]`: B_s, K × n.
        let loadings: [Matrix]
        /// Each stock's realised excess return in month T+1 (decimal).
        let realised: [Double]
    }

    /// Draws trial `index` and solves both models for every φ.
    func run(index: Int) throws -> TrialOutcome {
        let draw = try self.draw(index: index)
        let (regimes, baseline) = states(draw)
        var outcome = TrialOutcome(regimeReturn: [], regimeEntropy: [], baselineReturn: [], baselineEntropy: [],
                                   regimeTail: [], baselineTail: [])
        let k = calibration.factorNames.count
        for phi in settings.phis {
            let regimeWeights = try Self.optimalWeights(regimes, phi: phi, trial: index)
            let baselineWeights = try Self.optimalWeights([baseline], phi: phi, trial: index)
            outcome.regimeReturn.append(zip(regimeWeights, draw.realised).reduce(0) { $0 + $1.0 * $1.1 })
            outcome.regimeEntropy.append(PortfolioStatistics.entropy(regimeWeights))
            outcome.baselineReturn.append(zip(baselineWeights, draw.realised).reduce(0) { $0 + $1.0 * $1.1 })
            outcome.baselineEntropy.append(PortfolioStatistics.entropy(baselineWeights))
            outcome.regimeTail.append(Self.tail(regimeWeights, beyond: regimes.count * k + 1))
            outcome.baselineTail.append(Self.tail(baselineWeights, beyond: k + 1))
        }
        return outcome
    }

    /// Trial `index`'s draws from its own generator, seeded by (seed, index): `historyMonths` + 1 months of
    /// regimes and factors, the stocks' loadings, their residuals in month T+1, and the forecast from the
    /// first `historyMonths` months.
    func draw(index: Int) throws -> Draw {
        var random = Xoshiro256StarStar(seed: settings.seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        let history = settings.historyMonths, n = settings.stocks, k = calibration.factorNames.count
        let path = simulator.regimePath(months: history + 1, random: &random)
        let factors = try simulator.factorReturns(regimes: path, random: &random)
        let loadings = simulator.loadings(stocks: n, random: &random)
        let noise = (0..<n).map { _ in random.nextNormal() }
        let probabilities = forecast.nextMonthProbabilities(history: try factors.selecting(rows: Array(0..<history), cols: nil))
        // Month T+1: each stock's realised excess return.
        let next = path[history]
        let residualDeviation = calibration.residualVariances[next].squareRoot()
        let realised = (0..<n).map { i in
            (0..<k).reduce(residualDeviation * noise[i]) { $0 + loadings[next][$1, i] * factors[history, $1] }
        }
        return Draw(probabilities: probabilities, loadings: loadings, realised: realised)
    }

    /// The problems the optimiser sees for `draw` under the design: one state per regime (R_s = B_sᵀm_s,
    /// Σ_s and the design's residual variance), and the baseline's single state (the stationary mixture
    /// of the loadings B̄ = Σπ̄_sB_s with the design's factor mean, covariance and residual variance).
    func states(_ draw: Draw) -> (regimes: [RegimeState], baseline: RegimeState) {
        let loadings = draw.loadings, n = settings.stocks, k = calibration.factorNames.count
        let regimes = calibration.factorMeans.indices.map { s in
            RegimeState(probability: draw.probabilities[s], expectedReturns: Self.expectedReturns(loadings[s], calibration.factorMeans[s]),
                        loadings: loadings[s], factorCovariance: calibration.factorCovariances[s],
                        residualVariances: [Double](repeating: optimiserResidualVariances[s], count: n))
        }
        var mixedLoadings = Matrix(rows: k, cols: n)
        for (s, b) in loadings.enumerated() { for i in 0..<b.storage.count { mixedLoadings.storage[i] += stationary[s] * b.storage[i] } }
        let baseline = RegimeState(probability: 1, expectedReturns: Self.expectedReturns(mixedLoadings, baselineMean),
                                   loadings: mixedLoadings, factorCovariance: baselineCovariance,
                                   residualVariances: [Double](repeating: baselineResidualVariance, count: n))
        return (regimes, baseline)
    }

    /// The weight outside the `count` largest weights.
    private static func tail(_ weights: [Double], beyond count: Int) -> Double {
        weights.sorted(by: >).dropFirst(count).reduce(0, +)
    }

    /// Bᵀm: expected excess returns from loadings (K × n) and factor means.
    private static func expectedReturns(_ b: Matrix, _ m: [Double]) -> [Double] {
        (0..<b.cols).map { i in m.indices.reduce(0) { $0 + b[$1, i] * m[$1] } }
    }

    /// The long-only, fully invested weights maximising the certainty equivalent over `states` (one state:
    /// mean-variance). Exposures f_s are variables tied by f_s == B_s w, so the factor risk stays K × K.
    static func optimalWeights(_ states: [RegimeState], phi: Double, trial: Int) throws -> [Double] {
        let n = states[0].expectedReturns.count
        let weightVariable = Variable(name: "w", rows: n)
        let w = ModelExpression.variable(weightVariable)
        let exposures = states.enumerated().map { s, state in
            ModelExpression.variable(Variable(name: "f\(s + 1)", rows: state.loadings.rows))
        }
        var constraints: [OptimizationProblem.Constraint] = [
            .init(lhs: .sum(w), relation: .equal, rhs: .constant(1)),
            .init(lhs: w, relation: .greaterEqual, rhs: .constant(0)),
        ]
        for (state, f) in zip(states, exposures) {
            constraints.append(.init(lhs: f, relation: .equal, rhs: try .multiply(.constant(state.loadings), w)))
        }
        let objective = try RegimeObjectives.utility(weights: w, states: states, phi: phi, exposures: exposures)
        let solution = try OptimizationProblem(sense: .maximize, objective: objective, constraints: constraints).solve()
        guard solution.status == .optimal || solution.status == .almostOptimal,
              let weights = solution.values.first(where: { $0.0 === weightVariable })?.1.storage else {
            throw RegimeStudyError("trial \(trial + 1), phi \(phi): the \(states.count == 1 ? "baseline" : "regime-aware") problem was \(solution.status.description)")
        }
        return weights.map { max(0, $0) }
    }
}
