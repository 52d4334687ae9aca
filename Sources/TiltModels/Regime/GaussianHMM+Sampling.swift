import TiltData
import TiltLinearAlgebra

extension GaussianHMM {
    /// A simulated path of `steps` periods: the states (0 … S − 1) and the T × K observations
    /// x_t = m_{s_t} + L_{s_t} z_t with Σ_s = L_s L_sᵀ and z_t standard normal. The first state is
    /// drawn from `initialProbabilities` (default: the start probabilities), each next one from the
    /// transition row of the current one. Deterministic given the generator's state.
    public func sample(steps: Int, initialProbabilities: [Double]? = nil,
                       rng: inout Xoshiro256StarStar) throws -> (states: [Int], observations: Matrix) {
        guard steps >= 0 else { throw ModelError("a sample needs a non-negative number of steps, got \(steps)") }
        let initial = initialProbabilities ?? startProbabilities
        guard initial.count == stateCount else {
            throw ModelError("the initial probabilities have \(initial.count) entries for \(stateCount) states")
        }
        let k = dimension
        let factors = try covariances.enumerated().map { index, c in
            guard let lower = SmallCholesky.lowerFactor(c) else {
                throw ModelError("the covariance of state \(index + 1) is not positive definite")
            }
            return lower
        }
        let rows = (0..<stateCount).map { i in (0..<stateCount).map { transition[i, $0] } }
        var states = [Int](repeating: 0, count: steps)
        var observations = Matrix(rows: steps, cols: k)
        var z = [Double](repeating: 0, count: k)
        for t in 0..<steps {
            let state = rng.nextIndex(probabilities: t == 0 ? initial : rows[states[t - 1]])
            states[t] = state
            for i in 0..<k { z[i] = rng.nextNormal() }
            for i in 0..<k {
                var value = means[state, i]
                for j in 0...i { value += factors[state][i * k + j] * z[j] }
                observations[t, i] = value
            }
        }
        observations.colLabels = means.colLabels
        return (states, observations)
    }
}
