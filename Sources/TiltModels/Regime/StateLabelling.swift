/// How the states of successive HMM fits are numbered so that "state 1" means the same regime at every
/// rebalance (EM's state numbering is arbitrary):
///
/// - a first fit numbers its states by increasing mean of the first factor (the market factor in the
///   usual factor files), so state 1 is the regime with the lowest mean market return;
/// - a refit (warm-started from the previous fit) takes the numbering that minimises the total squared
///   distance between its state means and the previous fit's, each factor scaled by the previous fit's
///   average state standard deviation (all S! numberings are compared; S ≤ `maximumStates`).
///
/// Matching to the previous fit rather than re-sorting keeps a regime's number when two regimes' market
/// means cross, which sorting would turn into a label switch.
enum StateLabelling {
    /// The most states the matching compares every numbering of (8! = 40 320).
    static let maximumStates = 8

    /// The permutation `order` (new state i = fitted state `order[i]`) for `fit` given the previous fit.
    static func order(of fit: GaussianHMM, previous: GaussianHMM?) -> [Int] {
        let s = fit.stateCount
        guard let previous, previous.stateCount == s, previous.dimension == fit.dimension else {
            return (0..<s).sorted { fit.means[$0, 0] < fit.means[$1, 0] }
        }
        let k = fit.dimension
        let scale = (0..<k).map { i -> Double in
            let variance = previous.covariances.reduce(0) { $0 + $1[i, i] } / Double(s)
            return variance > 0 ? 1 / variance : 1
        }
        func cost(_ order: [Int]) -> Double {
            (0..<s).reduce(0) { total, i in
                total + (0..<k).reduce(0) { sum, f in
                    let d = fit.means[order[i], f] - previous.means[i, f]
                    return sum + d * d * scale[f]
                }
            }
        }
        var best = Array(0..<s)
        var bestCost = cost(best)
        var candidate = best
        while nextPermutation(&candidate) {
            let c = cost(candidate)
            if c < bestCost {
                best = candidate
                bestCost = c
            }
        }
        return best
    }

    /// Advances to the next permutation in lexicographic order; false after the last one.
    private static func nextPermutation(_ a: inout [Int]) -> Bool {
        guard let pivot = a.indices.dropLast().last(where: { a[$0] < a[$0 + 1] }),
              let successor = a.indices.last(where: { a[$0] > a[pivot] }) else { return false }
        a.swapAt(pivot, successor)
        a[(pivot + 1)...].reverse()
        return true
    }
}
