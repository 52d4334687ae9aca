import Foundation

/// The most likely state path of a hidden Markov model (Viterbi), computed with log probabilities so
/// long samples do not underflow.
enum Viterbi {
    /// The path s_1 … s_T maximising P(s, x), from T·S log emission densities (period by period), S start
    /// probabilities and an S·S row-major transition matrix. Ties go to the lower state number.
    static func path(logDensities: [Double], start: [Double], transition: [Double]) -> [Int] {
        let s = start.count
        let t = logDensities.count / s
        guard t > 0 else { return [] }
        let logTransition = transition.map { log($0) }
        var score = (0..<s).map { log(start[$0]) + logDensities[$0] }
        var next = [Double](repeating: 0, count: s)
        var backPointers = [Int](repeating: 0, count: t * s)
        for period in 1..<max(1, t) {
            for j in 0..<s {
                var best = -Double.infinity
                var argument = 0
                for i in 0..<s {
                    let candidate = score[i] + logTransition[i * s + j]
                    if candidate > best {
                        best = candidate
                        argument = i
                    }
                }
                next[j] = best + logDensities[period * s + j]
                backPointers[period * s + j] = argument
            }
            swap(&score, &next)
        }
        var state = 0
        for i in 1..<s where score[i] > score[state] { state = i }
        var path = [Int](repeating: 0, count: t)
        path[t - 1] = state
        for period in stride(from: t - 1, to: 0, by: -1) {
            state = backPointers[period * s + state]
            path[period - 1] = state
        }
        return path
    }
}
