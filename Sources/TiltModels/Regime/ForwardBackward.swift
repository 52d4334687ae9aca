import Foundation

/// The scaled forward–backward recursions of a hidden Markov model (Rabiner 1989, §V.A).
///
/// Each period's emission probabilities are rescaled by their largest value, b̃_t(s) = exp(log b_t(s) − max_s log b_t(s)),
/// and the forward variables are normalised every period, α̂_t(s) = P(s_t = s | x_1…x_t) with
/// c_t = Σ_s (α̂_{t−1}ᵀP)_s b̃_t(s), so nothing underflows and
/// log L = Σ_t (log c_t + max_s log b_t(s)). The backward variables use the same c_t.
struct ForwardBackward {
    let periods: Int
    let stateCount: Int
    /// T·S filtered probabilities P(s_t | x_1…x_t), period by period.
    let filtered: [Double]
    /// T·S smoothed probabilities P(s_t | x_1…x_T) (empty unless the backward pass was run).
    let smoothed: [Double]
    /// S·S expected transition counts Σ_t P(s_t = i, s_{t+1} = j | x), row-major (empty unless the
    /// backward pass was run).
    let transitionCounts: [Double]
    /// log P(x_1…x_T).
    let logLikelihood: Double

    /// Runs the forward pass and, when `backward`, the backward pass with the expected counts.
    ///
    /// - Parameters:
    ///   - logDensities: T·S log emission densities, period by period.
    ///   - start: S start probabilities; transition: S·S row-major.
    init(logDensities: [Double], start: [Double], transition: [Double], backward: Bool) throws {
        let s = start.count
        let t = logDensities.count / max(1, s)
        periods = t
        stateCount = s
        var scaled = [Double](repeating: 0, count: t * s)
        var scales = [Double](repeating: 0, count: t)
        var alpha = [Double](repeating: 0, count: t * s)
        var logLikelihood = 0.0
        for period in 0..<t {
            let row = period * s
            var shift = -Double.infinity
            for i in 0..<s { shift = max(shift, logDensities[row + i]) }
            for i in 0..<s { scaled[row + i] = exp(logDensities[row + i] - shift) }
            var total = 0.0
            for j in 0..<s {
                var predicted = 0.0
                if period == 0 {
                    predicted = start[j]
                } else {
                    for i in 0..<s { predicted += alpha[row - s + i] * transition[i * s + j] }
                }
                alpha[row + j] = predicted * scaled[row + j]
                total += alpha[row + j]
            }
            guard total > 0, total.isFinite, shift.isFinite else {
                throw ModelError("period \(period + 1) has zero probability under the model (its transition probabilities rule out every state that can emit it)")
            }
            for j in 0..<s { alpha[row + j] /= total }
            scales[period] = total
            logLikelihood += log(total) + shift
        }
        filtered = alpha
        self.logLikelihood = logLikelihood
        guard backward else {
            smoothed = []
            transitionCounts = []
            return
        }
        var beta = [Double](repeating: 1, count: t * s)
        var counts = [Double](repeating: 0, count: s * s)
        var gamma = [Double](repeating: 0, count: t * s)
        var weighted = [Double](repeating: 0, count: s)
        for period in stride(from: t - 1, through: 0, by: -1) {
            let row = period * s
            if period + 1 < t {
                let next = row + s
                for j in 0..<s { weighted[j] = scaled[next + j] * beta[next + j] / scales[period + 1] }
                for i in 0..<s {
                    var sum = 0.0
                    for j in 0..<s {
                        let term = transition[i * s + j] * weighted[j]
                        sum += term
                        counts[i * s + j] += alpha[row + i] * term
                    }
                    beta[row + i] = sum
                }
            }
            var total = 0.0
            for i in 0..<s {
                gamma[row + i] = alpha[row + i] * beta[row + i]
                total += gamma[row + i]
            }
            // Σ_i α̂_t(i) β̂_t(i) = 1 exactly in exact arithmetic; renormalise the rounding away.
            for i in 0..<s { gamma[row + i] /= total }
        }
        smoothed = gamma
        transitionCounts = counts
    }
}
