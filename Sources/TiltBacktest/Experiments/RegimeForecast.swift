import Foundation
import TiltData
import TiltLinearAlgebra

/// The regime forecast of an investor who knows the HMM's parameters but not the regimes: the filtered
/// probabilities P(s_T | f_1…f_T) by the forward algorithm, pushed one month ahead through the transition
/// matrix, π_{T+1} = α_T P. This is the design's "forecast probabilities" (the regimes themselves are
/// hidden; only factor returns are observed).
struct RegimeForecast {
    private let calibration: RegimeCalibration
    /// Per regime: the Cholesky factor of the factor covariance and log √det(2πΣ_s).
    private let factors: [Matrix]
    private let logNormalisers: [Double]

    init(calibration: RegimeCalibration) throws {
        self.calibration = calibration
        factors = try calibration.factorCovariances.map { try $0.cholesky() }
        let k = Double(calibration.factorNames.count)
        logNormalisers = factors.map { l in
            (0..<l.rows).reduce(0.5 * k * log(2 * Double.pi)) { $0 + log(l[$1, $1]) }
        }
    }

    /// π_{T+1} from the factor returns of months 1…T (rows of `history`, K columns).
    func nextMonthProbabilities(history: Matrix) -> [Double] {
        let states = calibration.stateCount, k = calibration.factorNames.count
        var filtered = calibration.startProbabilities
        var residual = [Double](repeating: 0, count: k)
        var logLikelihood = [Double](repeating: 0, count: states)
        for t in 0..<history.rows {
            // Prediction (the start probabilities for the first month), then Bayes' rule in logs.
            let predicted = t == 0 ? filtered : step(filtered)
            for s in 0..<states {
                // −½‖L⁻¹(f − m_s)‖² − log √det(2πΣ_s), by forward substitution.
                let l = factors[s]
                var squared = 0.0
                for i in 0..<k {
                    var value = history[t, i] - calibration.factorMeans[s][i]
                    for j in 0..<i { value -= l[i, j] * residual[j] }
                    residual[i] = value / l[i, i]
                    squared += residual[i] * residual[i]
                }
                logLikelihood[s] = log(predicted[s]) - 0.5 * squared - logNormalisers[s]
            }
            let top = logLikelihood.max() ?? 0
            let unnormalised = logLikelihood.map { exp($0 - top) }
            let total = unnormalised.reduce(0, +)
            filtered = unnormalised.map { $0 / total }
        }
        return step(filtered)
    }

    /// One month of the Markov chain: p ↦ p P.
    private func step(_ p: [Double]) -> [Double] {
        (0..<calibration.stateCount).map { next in
            p.indices.reduce(0) { $0 + p[$1] * calibration.transitionMatrix[$1][next] }
        }
    }

    /// The stationary distribution π̄ = π̄ P (the left eigenvector for eigenvalue 1, by power iteration
    /// from the uniform distribution).
    var stationaryProbabilities: [Double] {
        var p = [Double](repeating: 1 / Double(calibration.stateCount), count: calibration.stateCount)
        for _ in 0..<10_000 {
            let next = step(p)
            let settled = zip(next, p).allSatisfy { abs($0 - $1) < 1e-15 }
            p = next
            if settled { break }
        }
        return p
    }
}
