import Foundation
import TiltData
import TiltLinearAlgebra
import TiltModeling
import TiltPortfolio

/// One trial of `RegimeStudy`: what is fixed across trials (the calibration's samplers, the forecast
/// filter, the unconditional moments of the baseline) and the draws, portfolios and outcomes of trial i.
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

    init(settings: RegimeStudy.Settings, calibration: RegimeCalibration) throws {
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
    }

    /// Draws trial `index` and solves both models for every φ.
    func run(index: Int) throws -> TrialOutcome {
        var random = Xoshiro256StarStar(seed: settings.seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
        let history = settings.historyMonths, n = settings.stocks, k = calibration.factorNames.count
        let path = simulator.regimePath(months: history + 1, random: &random)
        let factors = try simulator.factorReturns(regimes: path, random: &random)
        let loadings = simulator.loadings(stocks: n, random: &random)
        let noise = (0..<n).map { _ in random.nextNormal() }

        let probabilities = forecast.nextMonthProbabilities(history: try factors.selecting(rows: Array(0..<history), cols: nil))
        let regimes = calibration.factorMeans.indices.map { s in
            RegimeState(probability: probabilities[s], expectedReturns: Self.expectedReturns(loadings[s], calibration.factorMeans[s]),
                        loadings: loadings[s], factorCovariance: calibration.factorCovariances[s],
                        residualVariances: [Double](repeating: calibration.residualVariances[s], count: n))
        }
        var mixedLoadings = Matrix(rows: k, cols: n)
        for (s, b) in loadings.enumerated() { for i in 0..<b.storage.count { mixedLoadings.storage[i] += stationary[s] * b.storage[i] } }
        let baseline = RegimeState(probability: 1, expectedReturns: Self.expectedReturns(mixedLoadings, unconditionalMean),
                                   loadings: mixedLoadings, factorCovariance: unconditionalCovariance,
                                   residualVariances: [Double](repeating: unconditionalResidualVariance, count: n))

        // Month T+1: each stock's realised excess return.
        let next = path[history]
        let residualDeviation = calibration.residualVariances[next].squareRoot()
        let realised = (0..<n).map { i in
            (0..<k).reduce(residualDeviation * noise[i]) { $0 + loadings[next][$1, i] * factors[history, $1] }
        }

        var outcome = TrialOutcome(regimeReturn: [], regimeEntropy: [], baselineReturn: [], baselineEntropy: [])
        for phi in settings.phis {
            let regimeWeights = try Self.optimalWeights(regimes, phi: phi, trial: index)
            let baselineWeights = try Self.optimalWeights([baseline], phi: phi, trial: index)
            outcome.regimeReturn.append(zip(regimeWeights, realised).reduce(0) { $0 + $1.0 * $1.1 })
            outcome.regimeEntropy.append(PortfolioStatistics.entropy(regimeWeights))
            outcome.baselineReturn.append(zip(baselineWeights, realised).reduce(0) { $0 + $1.0 * $1.1 })
            outcome.baselineEntropy.append(PortfolioStatistics.entropy(baselineWeights))
        }
        return outcome
    }

    /// Bᵀm: expected excess returns from loadings (K × n) and factor means.
    private static func expectedReturns(_ b: Matrix, _ m: [Double]) -> [Double] {
        (0..<b.cols).map { i in m.indices.reduce(0) { $0 + b[$1, i] * m[$1] } }
    }

    /// The long-only, fully invested weights maximising the certainty equivalent over `states` (one state:
    /// mean-variance). Exposures f_s are variables tied by f_s == B_s w, so the factor risk stays K × K.
    private static func optimalWeights(_ states: [RegimeState], phi: Double, trial: Int) throws -> [Double] {
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
