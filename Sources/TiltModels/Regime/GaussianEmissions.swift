import Foundation
import TiltLinearAlgebra

/// The Gaussian emission densities of an HMM's states, prepared for evaluation: each state's mean and
/// the lower Cholesky factor L_s of its covariance Σ_s = L_s L_sᵀ, so that
/// log N(x; m_s, Σ_s) = −K/2·log 2π − Σ_k log L_s,kk − ½‖L_s⁻¹(x − m_s)‖².
/// A diagonal covariance is the special case of a diagonal L_s.
struct GaussianEmissions {
    let stateCount: Int
    let dimension: Int
    /// S·K means, state by state.
    private let means: [Double]
    /// S·K·K lower factors, state by state, each row-major.
    private let lowerFactors: [Double]
    /// S normalising constants −K/2·log 2π − log|L_s|.
    private let logNormalisers: [Double]

    /// Factors every state's covariance; throws when one is not positive definite.
    init(means: Matrix, covariances: [Matrix]) throws {
        stateCount = means.rows
        dimension = means.cols
        let k = dimension
        var meanValues = [Double](repeating: 0, count: stateCount * k)
        var factors = [Double](repeating: 0, count: stateCount * k * k)
        var normalisers = [Double](repeating: 0, count: stateCount)
        for s in 0..<stateCount {
            for i in 0..<k { meanValues[s * k + i] = means[s, i] }
            guard let lower = SmallCholesky.lowerFactor(covariances[s]) else {
                throw ModelError("the covariance of state \(s + 1) is not positive definite")
            }
            factors.replaceSubrange((s * k * k)..<((s + 1) * k * k), with: lower)
            normalisers[s] = -0.5 * Double(k) * log(2 * Double.pi) - (0..<k).reduce(0) { $0 + log(lower[$1 * k + $1]) }
        }
        self.means = meanValues
        lowerFactors = factors
        logNormalisers = normalisers
    }

    /// T·S log densities, period by period: entry t·S + s is log N(x_t; m_s, Σ_s).
    func logDensities(_ x: HMMObservations) -> [Double] {
        let k = dimension
        var result = [Double](repeating: 0, count: x.count * stateCount)
        var z = [Double](repeating: 0, count: k)
        for t in 0..<x.count {
            for s in 0..<stateCount {
                // Forward substitution L z = x_t − m_s.
                var squaredNorm = 0.0
                for i in 0..<k {
                    var v = x.values[t * k + i] - means[s * k + i]
                    for j in 0..<i { v -= lowerFactors[s * k * k + i * k + j] * z[j] }
                    z[i] = v / lowerFactors[s * k * k + i * k + i]
                    squaredNorm += z[i] * z[i]
                }
                result[t * stateCount + s] = logNormalisers[s] - 0.5 * squaredNorm
            }
        }
        return result
    }
}

/// The Cholesky factor of a small symmetric matrix, computed in place (K is the number of factors, a
/// handful), for the emission densities and the covariance floor's test.
enum SmallCholesky {
    /// The row-major lower factor L with A = L Lᵀ, or nil when A is not (numerically) positive definite.
    static func lowerFactor(_ a: Matrix) -> [Double]? {
        let n = a.rows
        var l = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var diagonal = a[j, j]
            for p in 0..<j { diagonal -= l[j * n + p] * l[j * n + p] }
            guard diagonal > 0, diagonal.isFinite else { return nil }
            let pivot = diagonal.squareRoot()
            l[j * n + j] = pivot
            for i in (j + 1)..<max(j + 1, n) {
                var v = a[i, j]
                for p in 0..<j { v -= l[i * n + p] * l[j * n + p] }
                l[i * n + j] = v / pivot
            }
        }
        return l
    }
}
