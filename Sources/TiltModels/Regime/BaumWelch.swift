import Foundation
import TiltLinearAlgebra

/// Baum–Welch (EM) for a `GaussianHMM`: E-step by the scaled forward–backward recursions, M-step in
/// closed form with the covariance floor as a constraint.
enum BaumWelch {
    /// Iterates from `initial` until an iteration raises the log-likelihood by less than
    /// `tolerance`·|log L| or `maxIterations` iterations have run. The result carries the trace.
    static func run(from initial: GaussianHMM, on x: HMMObservations, maxIterations: Int, tolerance: Double) throws -> GaussianHMM {
        var current = initial
        var expectation = try current.forwardBackward(x, backward: true)
        var trace = [expectation.logLikelihood]
        var converged = false
        for _ in 0..<maxIterations {
            let next = try maximise(previous: current, x: x, expectation: expectation)
            let nextExpectation = try next.forwardBackward(x, backward: true)
            let gain = nextExpectation.logLikelihood - expectation.logLikelihood
            current = next
            expectation = nextExpectation
            trace.append(expectation.logLikelihood)
            if gain < tolerance * abs(expectation.logLikelihood) {
                converged = true
                break
            }
        }
        current.logLikelihood = expectation.logLikelihood
        current.logLikelihoodTrace = trace
        current.observationCount = x.count
        current.converged = converged
        return current
    }

    /// The M-step: start probabilities γ_1, transitions from the expected counts, and each state's
    /// weighted mean and covariance Σ_t γ_ts (x_t − m_s)(x_t − m_s)ᵀ / Σ_t γ_ts, floored. A state (or a
    /// transition row) with no weight keeps its previous parameters, which leaves the EM bound unchanged.
    static func maximise(previous: GaussianHMM, x: HMMObservations, expectation: ForwardBackward) throws -> GaussianHMM {
        let s = previous.stateCount
        let start = Array(expectation.smoothed[0..<s])
        var transition = previous.transition
        for i in 0..<s {
            let total = (0..<s).reduce(0) { $0 + expectation.transitionCounts[i * s + $1] }
            guard total > 0 else { continue }
            for j in 0..<s { transition[i, j] = expectation.transitionCounts[i * s + j] / total }
        }
        var means = previous.means
        var covariances = previous.covariances
        for state in 0..<s {
            guard let moments = try weightedMoments(x, weights: expectation.smoothed, state: state, stateCount: s,
                                                    type: previous.covarianceType, floor: previous.covarianceFloor) else { continue }
            for k in 0..<x.dimension { means[state, k] = moments.mean[k] }
            covariances[state] = moments.covariance
        }
        return GaussianHMM(covarianceType: previous.covarianceType, start: start, transition: transition, means: means,
                           covariances: covariances, floor: previous.covarianceFloor)
    }

    /// The weighted mean and floored covariance of the observations with weights `weights[t·S + state]`,
    /// or nil when the weights sum to (almost) nothing.
    static func weightedMoments(_ x: HMMObservations, weights: [Double], state: Int, stateCount: Int,
                                type: HMMCovarianceType, floor: Double) throws -> (mean: [Double], covariance: Matrix)? {
        let k = x.dimension
        var total = 0.0
        var mean = [Double](repeating: 0, count: k)
        for t in 0..<x.count {
            let w = weights[t * stateCount + state]
            total += w
            for i in 0..<k { mean[i] += w * x.values[t * k + i] }
        }
        guard total > 1e-10 else { return nil }
        for i in 0..<k { mean[i] /= total }
        var covariance = Matrix(rows: k, cols: k)
        var centred = [Double](repeating: 0, count: k)
        for t in 0..<x.count {
            let w = weights[t * stateCount + state]
            for i in 0..<k { centred[i] = x.values[t * k + i] - mean[i] }
            for j in 0..<k {
                // The lower triangle for a full covariance, the diagonal only for a diagonal one.
                for i in j..<(type == .full ? k : j + 1) { covariance[i, j] += w * centred[i] * centred[j] }
            }
        }
        for j in 0..<k {
            for i in j..<k {
                covariance[i, j] /= total
                covariance[j, i] = covariance[i, j]
            }
        }
        return (mean, try floored(covariance, type: type, floor: floor))
    }

    /// The covariance closest in likelihood to `c` among those with variances (diagonal) or
    /// eigenvalues (full) at least `floor`: for a diagonal covariance each variance is raised to the
    /// floor; for a full one the eigenvalues below the floor are raised to it (eigenvectors kept),
    /// which is the maximiser of the Gaussian likelihood under the constraint Σ ⪰ floor·I.
    static func floored(_ c: Matrix, type: HMMCovarianceType, floor: Double) throws -> Matrix {
        var result = c
        switch type {
        case .diagonal:
            for i in 0..<c.rows { result[i, i] = max(c[i, i], floor) }
        case .full:
            var shifted = c
            for i in 0..<c.rows { shifted[i, i] -= floor }
            // Every eigenvalue already exceeds the floor when Σ − floor·I has a Cholesky factor.
            guard SmallCholesky.lowerFactor(shifted) == nil else { return c }
            let (values, vectors) = try c.symmetricEigen()
            let clipped = values.map { max($0, floor) }
            for j in 0..<c.cols {
                for i in 0..<c.rows {
                    result[i, j] = (0..<clipped.count).reduce(0) { $0 + vectors[i, $1] * clipped[$1] * vectors[j, $1] }
                }
            }
            for j in 0..<c.cols { for i in 0..<j { result[i, j] = result[j, i] } }
        }
        return result
    }
}
