import TiltData
import TiltLinearAlgebra

/// Starting values for Baum–Welch from a seeded k-means++ clustering (Arthur & Vassilvitskii 2007) of
/// the standardised observations, refined by a few Lloyd iterations: state means are the cluster means,
/// every state starts with the covariance of the whole sample, the transition matrix from the
/// clusters' consecutive-period counts plus one (no zero, since EM never leaves a zero transition), and
/// uniform start probabilities.
enum HMMInitialisation {
    static let lloydIterations = 10

    static func kMeansPlusPlus(_ x: HMMObservations, states: Int, type: HMMCovarianceType, floor: Double,
                               rng: inout Xoshiro256StarStar) throws -> GaussianHMM {
        let k = x.dimension, t = x.count
        guard let whole = try BaumWelch.weightedMoments(x, weights: [Double](repeating: 1, count: t), state: 0, stateCount: 1,
                                                        type: type, floor: floor) else {
            throw ModelError("a hidden Markov model needs observations")
        }
        let scale = (0..<k).map { whole.covariance[$0, $0] > 0 ? 1 / whole.covariance[$0, $0].squareRoot() : 1 }
        func distance(_ row: Int, _ centre: [Double]) -> Double {
            (0..<k).reduce(0) { sum, i in
                let d = (x.values[row * k + i] - centre[i]) * scale[i]
                return sum + d * d
            }
        }
        func point(_ row: Int) -> [Double] { Array(x.values[(row * k)..<((row + 1) * k)]) }

        var centres = [point(Int(rng.next() % UInt64(t)))]
        var nearest = (0..<t).map { distance($0, centres[0]) }
        while centres.count < states {
            let total = nearest.reduce(0, +)
            // All points coincide with a centre: any point will do.
            let chosen = total > 0 ? rng.nextIndex(probabilities: nearest.map { $0 / total }) : Int(rng.next() % UInt64(t))
            centres.append(point(chosen))
            for row in 0..<t { nearest[row] = min(nearest[row], distance(row, centres[centres.count - 1])) }
        }
        var labels = [Int](repeating: 0, count: t)
        for _ in 0..<lloydIterations {
            for row in 0..<t {
                labels[row] = (0..<states).min { distance(row, centres[$0]) < distance(row, centres[$1]) } ?? 0
            }
            var sums = [[Double]](repeating: [Double](repeating: 0, count: k), count: states)
            var counts = [Int](repeating: 0, count: states)
            for row in 0..<t {
                counts[labels[row]] += 1
                for i in 0..<k { sums[labels[row]][i] += x.values[row * k + i] }
            }
            // An emptied cluster keeps its centre.
            for s in 0..<states where counts[s] > 0 { centres[s] = sums[s].map { $0 / Double(counts[s]) } }
        }
        var transition = Matrix(rows: states, cols: states, repeating: 1)
        for row in 1..<max(1, t) { transition[labels[row - 1], labels[row]] += 1 }
        for i in 0..<states {
            let total = (0..<states).reduce(0) { $0 + transition[i, $1] }
            for j in 0..<states { transition[i, j] /= total }
        }
        return GaussianHMM(covarianceType: type, start: [Double](repeating: 1 / Double(states), count: states),
                           transition: transition, means: Matrix(rowMajor: centres),
                           covariances: [Matrix](repeating: whole.covariance, count: states), floor: floor)
    }
}
