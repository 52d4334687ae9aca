import Foundation
import Testing
import TiltTestSupport
import TiltData
import TiltLinearAlgebra
import TiltModels

/// The committed hmmlearn + log-space numpy reference (References/hmm_reference.py).
private struct HMMReference: Decodable {
    struct Case: Decodable {
        let name: String
        let states: Int
        let covariance: String
        let factors: [String]
        let observations: Int
        let best_log_likelihood: Double
        let start: [Double]
        let transition: [[Double]]
        let means: [[Double]]
        let covariances: [[[Double]]]
        let log_likelihood: Double
        let filtered: [[Double]]
        let smoothed: [[Double]]
        let viterbi: [Int]
    }
    let cases: [Case]

    static func load() throws -> HMMReference {
        try JSONDecoder().decode(HMMReference.self, from: Data(contentsOf: URL(fileURLWithPath: referencePath("hmm_reference.json"))))
    }
}

/// The columns `names` of ../shared/data/ff6_monthly.csv (monthly decimals), labelled by name.
func ff6Factors(_ names: [String]) throws -> Matrix {
    let file = try FactorFile.loadTidy(path: sharedDataPath("ff6_monthly.csv"))
    var x = try file.returns.selecting(rows: nil, cols: try names.map { name in try #require(file.factorNames.firstIndex(of: name)) })
    x.colLabels = names
    return x
}

private func referenceModel(_ c: HMMReference.Case) throws -> GaussianHMM {
    try GaussianHMM(startProbabilities: c.start, transition: Matrix(rowMajor: c.transition), means: Matrix(rowMajor: c.means),
                    covariances: c.covariances.map { Matrix(rowMajor: $0) },
                    covarianceType: c.covariance == "diag" ? .diagonal : .full)
}

@Test(.enabled(if: SharedData.isAvailable, SharedData.missing), arguments: [0, 1])
func hmmFitIsAtLeastAsLikelyAsHmmlearnsBestOfTen(caseIndex: Int) throws {
    let expected = try HMMReference.load().cases[caseIndex]
    let x = try ff6Factors(expected.factors)
    #expect(x.rows == expected.observations)
    let fit = try GaussianHMM.fit(x, states: expected.states, covariance: expected.covariance == "diag" ? .diagonal : .full,
                                  restarts: 10, seed: 1)
    // At least as high, up to 1e-12 relative (≈ 1e-8 here: below hmmlearn's own stopping tolerance of 1e-9
    // per iteration, so within what its "best" is converged to).
    #expect(fit.logLikelihood >= expected.best_log_likelihood - 1e-12 * abs(expected.best_log_likelihood),
            "Tilt \(fit.logLikelihood) vs hmmlearn \(expected.best_log_likelihood)")
    #expect(fit.converged)
    // EM never lowers the likelihood (up to the rounding of a sum of T logarithms).
    let trace = fit.logLikelihoodTrace
    #expect(trace.count == fit.iterations + 1)
    for i in 1..<trace.count { #expect(trace[i] >= trace[i - 1] - 1e-12 * abs(trace[i])) }
    #expect(abs(try fit.logLikelihood(of: x) - fit.logLikelihood) < 1e-12 * abs(fit.logLikelihood))
    #expect(fit.means.colLabels == expected.factors)
    for s in 0..<fit.stateCount { #expect(abs((0..<fit.stateCount).reduce(0) { $0 + fit.transition[s, $1] } - 1) < 1e-12) }
}

@Test(.enabled(if: SharedData.isAvailable, SharedData.missing), arguments: [0, 1])
func hmmInferenceMatchesLogSpaceReferenceOnFixedModel(caseIndex: Int) throws {
    let expected = try HMMReference.load().cases[caseIndex]
    let x = try ff6Factors(expected.factors)
    let model = try referenceModel(expected)
    #expect(abs(try model.logLikelihood(of: x) - expected.log_likelihood) < 1e-10 * abs(expected.log_likelihood))
    let filtered = try model.filtered(x)
    let smoothed = try model.smoothed(x)
    #expect(filtered.rows == expected.observations && filtered.cols == expected.states)
    let filteredError = zip(filtered.nestedRows.flatMap { $0 }, expected.filtered.flatMap { $0 }).map { abs($0 - $1) }.max() ?? .infinity
    let smoothedError = zip(smoothed.nestedRows.flatMap { $0 }, expected.smoothed.flatMap { $0 }).map { abs($0 - $1) }.max() ?? .infinity
    #expect(filteredError < 1e-10)
    #expect(smoothedError < 1e-10)
    #expect(try model.viterbi(x) == expected.viterbi)
}

@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func hmmInformationCriteriaCountParametersByCovarianceType() throws {
    let reference = try HMMReference.load()
    // 3 diagonal states on 5 series: 2 start + 6 transition + 15 means + 15 variances.
    // 2 full states on 6 series: 1 start + 2 transition + 12 means + 2·21 covariances.
    for (c, parameters) in zip(reference.cases, [38, 57]) {
        var fit = try GaussianHMM.fit(try ff6Factors(c.factors), states: c.states,
                                      covariance: c.covariance == "diag" ? .diagonal : .full, restarts: 2, seed: 3)
        #expect(fit.parameterCount == parameters)
        let t = Double(c.observations)
        #expect(abs(fit.bic - (-2 * fit.logLikelihood + Double(parameters) * log(t))) < 1e-9)
        #expect(abs(fit.aic - (-2 * fit.logLikelihood + 2 * Double(parameters))) < 1e-9)
        fit = fit.permuted(Array((0..<c.states).reversed()))
        #expect(abs(try fit.logLikelihood(of: try ff6Factors(c.factors)) - fit.logLikelihood) < 1e-9 * abs(fit.logLikelihood))
    }
}

@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func hmmWarmStartFromTheOptimumStaysThere() throws {
    let x = try ff6Factors(["mktrf", "smb", "hml"])
    let first = try GaussianHMM.fit(x, states: 2, covariance: .full, restarts: 4, seed: 11)
    let again = try GaussianHMM.fit(x, states: 2, covariance: .full, restarts: 0, warmStart: first)
    #expect(again.iterations <= 2)
    #expect(abs(again.logLikelihood - first.logLikelihood) < 1e-8 * abs(first.logLikelihood))
    // One more month, warm-started: a few iterations, a likelihood no lower than a cold fit's.
    let shorter = try x.selecting(rows: Array(0..<(x.rows - 1)), cols: nil)
    let previous = try GaussianHMM.fit(shorter, states: 2, covariance: .full, restarts: 4, seed: 11)
    let warm = try GaussianHMM.fit(x, states: 2, covariance: .full, restarts: 0, warmStart: previous)
    #expect(warm.logLikelihood >= first.logLikelihood - 1e-6 * abs(first.logLikelihood))
    #expect(warm.iterations < first.iterations)
}

/// `usable` passes over fits the caller cannot use: the likeliest usable fit is returned (each start's fit
/// recomputed here alone, restarts: 1 with its seed), and the likeliest of all when none is usable.
@Test func hmmFitPassesOverUnusableFits() throws {
    var rng = Xoshiro256StarStar(seed: 3)
    let x = Matrix(rows: 80, cols: 2, columnMajor: (0..<160).map { i in (i % 80 < 20 ? 0.05 : 0.01) * rng.nextNormal() })
    let single = try (0..<4).map { r in try GaussianHMM.fit(x, states: 2, covariance: .full, restarts: 1, seed: 7 &+ UInt64(r)) }
    let likelihoods = single.map(\.logLikelihood)
    let best = try GaussianHMM.fit(x, states: 2, covariance: .full, restarts: 4, seed: 7)
    #expect(best.logLikelihood == likelihoods.max())
    // Reject the likeliest: the next likeliest of the four comes back.
    let others = likelihoods.filter { $0 < best.logLikelihood }
    try #require(!others.isEmpty, "the four starts should not all reach the same optimum")
    let second = try GaussianHMM.fit(x, states: 2, covariance: .full, restarts: 4, seed: 7) { $0.logLikelihood < best.logLikelihood }
    #expect(second.logLikelihood == others.max())
    // Nothing usable: the likeliest all the same.
    let none = try GaussianHMM.fit(x, states: 2, covariance: .full, restarts: 4, seed: 7) { _ in false }
    #expect(none.logLikelihood == best.logLikelihood)
}

@Test func hmmCovarianceFloorHoldsOnDegenerateData() throws {
    // A constant series: its variance is 0 in every state, so the floor decides it.
    var rng = Xoshiro256StarStar(seed: 5)
    let x = Matrix(rows: 200, cols: 2, columnMajor: (0..<200).map { _ in 0.01 * rng.nextNormal() } + [Double](repeating: 0.003, count: 200))
    for type in [HMMCovarianceType.diagonal, .full] {
        let fit = try GaussianHMM.fit(x, states: 2, covariance: type, restarts: 3, covarianceFloor: 1e-6)
        for c in fit.covariances {
            #expect(c[1, 1] >= 1e-6 * (1 - 1e-12))
            #expect(try c.symmetricEigen().values.allSatisfy { $0 >= 1e-6 * (1 - 1e-9) })
        }
        let trace = fit.logLikelihoodTrace
        for i in 1..<trace.count { #expect(trace[i] >= trace[i - 1] - 1e-12 * abs(trace[i])) }
    }
}

@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func hmmRejectsUnusableInput() throws {
    let x = try ff6Factors(["mktrf"])
    #expect(throws: ModelError.self) { try GaussianHMM.fit(x, states: 0, covariance: .diagonal) }
    #expect(throws: ModelError.self) { try GaussianHMM.fit(Matrix(rows: 3, cols: 1), states: 3, covariance: .diagonal) }
    var bad = x
    bad[4, 0] = .nan
    #expect(throws: ModelError.self) { try GaussianHMM.fit(bad, states: 2, covariance: .diagonal) }
    #expect(throws: ModelError.self) {
        try GaussianHMM(startProbabilities: [0.5, 0.6], transition: .identity(2), means: Matrix(rows: 2, cols: 1),
                        covariances: [.identity(1), .identity(1)], covarianceType: .full)
    }
    #expect(throws: ModelError.self) {
        try GaussianHMM(startProbabilities: [1], transition: .identity(1), means: Matrix(rows: 1, cols: 1),
                        covariances: [Matrix(rowMajor: [[-1]])], covarianceType: .full)
    }
}

/// A two-state, two-series model: a calm state and a volatile one with negative mean and higher correlation.
func twoStateModel() throws -> GaussianHMM {
    try GaussianHMM(startProbabilities: [0.5, 0.5], transition: Matrix(rowMajor: [[0.95, 0.05], [0.2, 0.8]]),
                    means: Matrix(rowMajor: [[0.01, 0.002], [-0.02, 0.004]]),
                    covariances: [Matrix(rowMajor: [[0.0016, 0.0002], [0.0002, 0.0004]]),
                                  Matrix(rowMajor: [[0.0049, 0.0014], [0.0014, 0.0009]])],
                    covarianceType: .full)
}

@Test func hmmSampleHasTheModelsFrequenciesAndMoments() throws {
    let model = try twoStateModel()
    var rng = Xoshiro256StarStar(seed: 2024)
    let n = 200_000
    let (states, x) = try model.sample(steps: n, rng: &rng)
    #expect(x.rows == n && x.cols == 2)
    // Stationary distribution of [[0.95, 0.05], [0.2, 0.8]]: (0.8, 0.2).
    let share = Double(states.filter { $0 == 0 }.count) / Double(n)
    // The chain's autocorrelation 0.75 inflates the binomial variance by (1 + 0.75)/(1 − 0.75) = 7.
    #expect(abs(share - 0.8) < 4 * (0.8 * 0.2 * 7 / Double(n)).squareRoot())
    var counts = [[0.0, 0.0], [0.0, 0.0]]
    for t in 1..<n { counts[states[t - 1]][states[t]] += 1 }
    for i in 0..<2 {
        let total = counts[i][0] + counts[i][1]
        let p = model.transition[i, 1]
        #expect(abs(counts[i][1] / total - p) < 4 * (p * (1 - p) / total).squareRoot())
    }
    for s in 0..<2 {
        let rows = states.indices.filter { states[$0] == s }
        for k in 0..<2 {
            let values = rows.map { x[$0, k] }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
            #expect(abs(mean - model.means[s, k]) < 4 * (model.covariances[s][k, k] / Double(values.count)).squareRoot())
            // The variance of a normal sample variance is 2σ⁴/(n − 1).
            let sigma2 = model.covariances[s][k, k]
            #expect(abs(variance - sigma2) < 4 * sigma2 * (2 / Double(values.count - 1)).squareRoot())
        }
    }
    // The same seed gives the same path.
    var again = Xoshiro256StarStar(seed: 2024)
    #expect(try model.sample(steps: 100, rng: &again).states == Array(states.prefix(100)))
}

@Test func hmmRecoversTheParametersOfItsOwnSample() throws {
    let model = try twoStateModel()
    var rng = Xoshiro256StarStar(seed: 77)
    let (_, x) = try model.sample(steps: 20_000, rng: &rng)
    var fit = try GaussianHMM.fit(x, states: 2, covariance: .full, restarts: 3, seed: 1)
    if fit.means[0, 0] < fit.means[1, 0] { fit = fit.permuted([1, 0]) }
    for i in 0..<2 {
        for j in 0..<2 { #expect(abs(fit.transition[i, j] - model.transition[i, j]) < 0.03) }
        for k in 0..<2 { #expect(abs(fit.means[i, k] - model.means[i, k]) < 0.003) }
    }
    // The true model is no more likely than the fit on the fit's data.
    #expect(try model.logLikelihood(of: x) <= fit.logLikelihood)
}
