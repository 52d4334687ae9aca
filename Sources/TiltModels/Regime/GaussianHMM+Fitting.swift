import TiltData
import TiltLinearAlgebra

extension GaussianHMM {
    /// Fits a Gaussian HMM to T × K observations by maximum likelihood (Baum–Welch) and returns the fit
    /// with the highest log-likelihood among the starts: the previous fit `warmStart` (when given, e.g.
    /// the fit at the previous rebalance) and `restarts` seeded k-means++ starts. Fits that `usable`
    /// rejects (e.g. a state left with too little weight for what the caller estimates in it) are passed
    /// over while another start gives a usable one; when none does, the best fit is returned all the same.
    ///
    /// - Parameters:
    ///   - x: T × K observations (monthly factor returns, decimal), one row per period, all finite.
    ///   - states: S ≥ 1.
    ///   - covariance: `.diagonal` or `.full` state covariances.
    ///   - restarts: k-means++ starts (≥ 1 without a warm start; may be 0 with one).
    ///   - seed: seeds the starts; start r uses xoshiro256** seeded with `seed + r`.
    ///   - maxIterations: EM iterations per start.
    ///   - tolerance: stop a start when an iteration raises log L by less than tolerance·|log L|.
    ///   - covarianceFloor: smallest variance (diagonal) or eigenvalue (full), decimal²; the default
    ///     1e-6 is a monthly volatility of 0.1%.
    ///   - warmStart: a model to start from (same S, K and covariance type).
    ///   - usable: whether a fit serves the caller (all fits do by default).
    public static func fit(_ x: Matrix, states: Int, covariance: HMMCovarianceType, restarts: Int = 10, seed: UInt64 = 0,
                           maxIterations: Int = 1000, tolerance: Double = 1e-14, covarianceFloor: Double = 1e-6,
                           warmStart: GaussianHMM? = nil, usable: (GaussianHMM) throws -> Bool = { _ in true }) throws -> GaussianHMM {
        let observations = try HMMObservations(x)
        guard states >= 1 else { throw ModelError("a hidden Markov model needs at least one state, got \(states)") }
        guard observations.count > states else {
            throw ModelError("\(states) states need more than \(states) observations, got \(observations.count)")
        }
        guard restarts >= 0, maxIterations >= 0, tolerance >= 0, covarianceFloor > 0 else {
            throw ModelError("restarts, iterations and tolerance must not be negative and the covariance floor must be positive")
        }
        var starts: [GaussianHMM] = []
        if let warmStart {
            guard warmStart.stateCount == states, warmStart.dimension == observations.dimension,
                  warmStart.covarianceType == covariance else {
                throw ModelError("the warm start has \(warmStart.stateCount) states, \(warmStart.dimension) series and \(warmStart.covarianceType) covariances; the fit asks for \(states), \(observations.dimension) and \(covariance)")
            }
            starts.append(GaussianHMM(covarianceType: covariance, start: warmStart.startProbabilities,
                                      transition: warmStart.transition, means: warmStart.means,
                                      covariances: try warmStart.covariances.map { try BaumWelch.floored($0, type: covariance, floor: covarianceFloor) },
                                      floor: covarianceFloor))
        }
        guard restarts > 0 || !starts.isEmpty else { throw ModelError("a fit without a warm start needs at least one restart") }
        for r in 0..<restarts {
            var rng = Xoshiro256StarStar(seed: seed &+ UInt64(r))
            starts.append(try HMMInitialisation.kMeansPlusPlus(observations, states: states, type: covariance,
                                                               floor: covarianceFloor, rng: &rng))
        }
        var best: GaussianHMM?, bestUsable: GaussianHMM?
        for start in starts {
            let fitted = try BaumWelch.run(from: start, on: observations, maxIterations: maxIterations, tolerance: tolerance)
            if best.map({ fitted.logLikelihood > $0.logLikelihood }) ?? true { best = fitted }
            if bestUsable.map({ fitted.logLikelihood > $0.logLikelihood }) ?? true, try usable(fitted) { bestUsable = fitted }
        }
        guard var result = bestUsable ?? best else { throw ModelError("no start could be fitted") }
        // The series' names (factor names) label the means' columns and the covariances' axes.
        result.means.colLabels = x.colLabels
        result.covariances = result.covariances.map { c in
            var labelled = c
            labelled.rowLabels = x.colLabels
            labelled.colLabels = x.colLabels
            return labelled
        }
        return result
    }
}
