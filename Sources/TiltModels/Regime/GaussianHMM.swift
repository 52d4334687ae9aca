import Foundation
import TiltLinearAlgebra

/// The form of each state's covariance matrix in a `GaussianHMM`.
public enum HMMCovarianceType: String, Sendable, Equatable {
    /// Σ_s diagonal: the series are independent given the state (K variances per state).
    case diagonal
    /// Σ_s any positive definite matrix (K(K+1)/2 parameters per state).
    case full
}

/// A hidden Markov model with Gaussian emissions: a Markov chain of S states s_1 … s_T with start
/// probabilities π₀ and transition matrix P (P_ij = P(s_{t+1} = j | s_t = i)), and observations
/// x_t | s_t = s ~ N(m_s, Σ_s) in K dimensions. Tilt fits it to monthly factor returns to find market
/// regimes; means are monthly decimals and covariances monthly decimal².
///
/// `fit` maximises the likelihood by Baum–Welch (EM) from several seeded k-means++ starts (and
/// optionally a previous fit) and keeps the best. Each EM step cannot lower the likelihood: the
/// E-step runs the scaled forward–backward recursions and the M-step is the exact maximiser under the
/// covariance floor (variances, or for full covariances eigenvalues, clipped at `covarianceFloor`,
/// which is the constrained maximiser, so EM stays monotone).
public struct GaussianHMM: Sendable {
    public let covarianceType: HMMCovarianceType
    /// S start probabilities P(s_1 = s).
    public let startProbabilities: [Double]
    /// S × S transition matrix, rows summing to 1: entry (i, j) = P(s_{t+1} = j | s_t = i).
    public let transition: Matrix
    /// S × K: row s is the mean m_s of state s.
    public internal(set) var means: Matrix
    /// S covariance matrices Σ_s, each K × K (diagonal for `.diagonal`).
    public internal(set) var covariances: [Matrix]
    /// The smallest variance (diagonal) or eigenvalue (full) a fitted covariance may have (decimal²);
    /// 0 for a model given by hand.
    public let covarianceFloor: Double
    /// log-likelihood of the data it was fitted to (NaN for a model given by hand).
    public internal(set) var logLikelihood: Double = .nan
    /// The log-likelihood before the first and after every EM iteration of the kept fit (non-decreasing).
    public internal(set) var logLikelihoodTrace: [Double] = []
    /// T, the number of periods it was fitted to (0 for a model given by hand).
    public internal(set) var observationCount = 0
    /// Whether the kept fit stopped on the tolerance rather than the iteration cap.
    public internal(set) var converged = false

    /// A model with given parameters (to evaluate, decode or simulate). Throws unless the
    /// probabilities are non-negative and sum to 1 (to 1e-8), the shapes agree and every covariance is
    /// symmetric positive definite (only the diagonal is read for `.diagonal`).
    public init(startProbabilities: [Double], transition: Matrix, means: Matrix, covariances: [Matrix],
                covarianceType: HMMCovarianceType) throws {
        let s = startProbabilities.count
        let k = means.cols
        guard s > 0, k > 0 else { throw ModelError("a hidden Markov model needs at least one state and one series") }
        guard transition.rows == s, transition.cols == s, means.rows == s, covariances.count == s,
              covariances.allSatisfy({ $0.rows == k && $0.cols == k }) else {
            throw ModelError("the model's shapes disagree: \(s) start probabilities, a \(transition.shapeDescription) transition matrix, \(means.shapeDescription) means and \(covariances.count) covariances (each \(k)×\(k) expected)")
        }
        try Self.requireDistribution(startProbabilities, "the start probabilities")
        for i in 0..<s { try Self.requireDistribution((0..<s).map { transition[i, $0] }, "row \(i + 1) of the transition matrix") }
        let kept = covariances.map { covarianceType == .diagonal ? Self.diagonalPart($0) : $0 }
        for (index, c) in kept.enumerated() {
            guard c.isSymmetricPositiveDefinite else {
                throw ModelError("the covariance of state \(index + 1) is not symmetric positive definite")
            }
        }
        self.init(covarianceType: covarianceType, start: startProbabilities, transition: transition, means: means,
                  covariances: kept, floor: 0)
    }

    init(covarianceType: HMMCovarianceType, start: [Double], transition: Matrix, means: Matrix, covariances: [Matrix],
         floor: Double) {
        self.covarianceType = covarianceType
        startProbabilities = start
        self.transition = transition
        self.means = means
        self.covariances = covariances
        covarianceFloor = floor
    }

    /// S, the number of states.
    public var stateCount: Int { startProbabilities.count }
    /// K, the number of series.
    public var dimension: Int { means.cols }
    /// Number of EM iterations of the kept fit.
    public var iterations: Int { max(0, logLikelihoodTrace.count - 1) }

    /// Free parameters: (S − 1) start probabilities, S(S − 1) transition probabilities, S·K means and
    /// S·K variances (diagonal) or S·K(K+1)/2 covariances (full).
    public var parameterCount: Int {
        let s = stateCount, k = dimension
        return (s - 1) + s * (s - 1) + s * k + (covarianceType == .diagonal ? s * k : s * k * (k + 1) / 2)
    }

    /// Bayesian information criterion −2 log L + p log T of the fit (lower is better; compares state
    /// counts and covariance types on the same data).
    public var bic: Double { -2 * logLikelihood + Double(parameterCount) * log(Double(observationCount)) }
    /// Akaike information criterion −2 log L + 2p of the fit.
    public var aic: Double { -2 * logLikelihood + 2 * Double(parameterCount) }

    // MARK: Inference on data

    /// log P(x) under the model; `x` is T × K, one row per period.
    public func logLikelihood(of x: Matrix) throws -> Double {
        try forwardBackward(HMMObservations(x), backward: false).logLikelihood
    }

    /// T × S filtered probabilities P(s_t = s | x_1 … x_t): each row uses only data up to its period.
    public func filtered(_ x: Matrix) throws -> Matrix {
        let run = try forwardBackward(HMMObservations(x), backward: false)
        return Self.periodMatrix(run.filtered, periods: x.rows, states: stateCount, labels: x.rowLabels)
    }

    /// T × S smoothed probabilities P(s_t = s | x_1 … x_T): each row uses the whole sample.
    public func smoothed(_ x: Matrix) throws -> Matrix {
        let run = try forwardBackward(HMMObservations(x), backward: true)
        return Self.periodMatrix(run.smoothed, periods: x.rows, states: stateCount, labels: x.rowLabels)
    }

    /// The most likely state path (Viterbi, in log space), states numbered 0 … S − 1.
    public func viterbi(_ x: Matrix) throws -> [Int] {
        let observations = try HMMObservations(x)
        try requireDimension(observations)
        let logDensities = try GaussianEmissions(means: means, covariances: covariances).logDensities(observations)
        return Viterbi.path(logDensities: logDensities, start: startProbabilities, transition: transitionRowMajor)
    }

    /// The state probabilities h periods after a period with probabilities `probabilities`: πᵀPʰ.
    public func forecast(from probabilities: [Double], horizon: Int) -> [Double] {
        var current = probabilities
        for _ in 0..<max(0, horizon) {
            current = (0..<stateCount).map { j in (0..<stateCount).reduce(0) { $0 + current[$1] * transition[$1, j] } }
        }
        return current
    }

    /// The model with its states renumbered: new state i is old state `order[i]` (`order` is a
    /// permutation of 0 … S − 1). The likelihood and fit statistics are unchanged.
    public func permuted(_ order: [Int]) -> GaussianHMM {
        let s = stateCount
        var newTransition = Matrix(rows: s, cols: s)
        var newMeans = Matrix(rows: s, cols: dimension)
        for i in 0..<s {
            for j in 0..<s { newTransition[i, j] = transition[order[i], order[j]] }
            for k in 0..<dimension { newMeans[i, k] = means[order[i], k] }
        }
        newMeans.colLabels = means.colLabels
        var result = GaussianHMM(covarianceType: covarianceType, start: order.map { startProbabilities[$0] },
                                 transition: newTransition, means: newMeans, covariances: order.map { covariances[$0] },
                                 floor: covarianceFloor)
        result.logLikelihood = logLikelihood
        result.logLikelihoodTrace = logLikelihoodTrace
        result.observationCount = observationCount
        result.converged = converged
        return result
    }

    // MARK: Internals

    /// P row-major.
    var transitionRowMajor: [Double] {
        (0..<stateCount).flatMap { i in (0..<stateCount).map { transition[i, $0] } }
    }

    func requireDimension(_ x: HMMObservations) throws {
        guard x.dimension == dimension else {
            throw ModelError("the model has \(dimension) series but the data has \(x.dimension) columns")
        }
    }

    func forwardBackward(_ x: HMMObservations, backward: Bool) throws -> ForwardBackward {
        try requireDimension(x)
        let logDensities = try GaussianEmissions(means: means, covariances: covariances).logDensities(x)
        return try ForwardBackward(logDensities: logDensities, start: startProbabilities,
                                   transition: transitionRowMajor, backward: backward)
    }

    private static func periodMatrix(_ values: [Double], periods: Int, states: Int, labels: [String]?) -> Matrix {
        var m = Matrix(rows: periods, cols: states)
        for t in 0..<periods { for s in 0..<states { m[t, s] = values[t * states + s] } }
        m.rowLabels = labels
        m.colLabels = (1...states).map { "state\($0)" }
        return m
    }

    private static func requireDistribution(_ p: [Double], _ what: String) throws {
        guard p.allSatisfy({ $0 >= 0 && $0.isFinite }), abs(p.reduce(0, +) - 1) <= 1e-8 else {
            throw ModelError("\(what) must be non-negative and sum to 1, got \(p.map { formatNumber($0) }.joined(separator: ", "))")
        }
    }

    static func diagonalPart(_ c: Matrix) -> Matrix {
        var d = Matrix(rows: c.rows, cols: c.cols)
        for i in 0..<c.rows { d[i, i] = c[i, i] }
        d.rowLabels = c.rowLabels
        d.colLabels = c.colLabels
        return d
    }
}

private extension Matrix {
    /// Symmetric to 1e-12 relative and with a Cholesky factor.
    var isSymmetricPositiveDefinite: Bool {
        let scale = storage.reduce(0) { max($0, abs($1)) }
        for i in 0..<rows { for j in 0..<i where abs(self[i, j] - self[j, i]) > 1e-12 * scale { return false } }
        return SmallCholesky.lowerFactor(self) != nil
    }
}
