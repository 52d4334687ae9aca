import Foundation
import Testing
@testable import TiltBacktest
import TiltData
import TiltLinearAlgebra

private let small = RegimeStudy.Settings(trials: 6, stocks: 40, phis: [5, 25], seed: 11, historyMonths: 24)

/// The forward filter's forecast equals brute force: P(s_T | f_1…f_T) by summing the joint density over
/// every regime path of a short history, then one step of the chain.
@Test func regimeForecastMatchesEnumerationOfPaths() throws {
    let calibration = RegimeCalibration.study
    var random = Xoshiro256StarStar(seed: 3)
    let simulator = try RegimeSimulator(calibration: calibration)
    let months = 5
    let factors = try simulator.factorReturns(regimes: simulator.regimePath(months: months, random: &random), random: &random)
    let k = calibration.factorNames.count

    func density(_ s: Int, _ t: Int) throws -> Double {
        let d = Matrix(column: (0..<k).map { factors[t, $0] - calibration.factorMeans[s][$0] })
        let sigma = calibration.factorCovariances[s]
        let quadratic = try Matrix.product(d.transposed(), Matrix.solve(sigma, d))[0, 0]
        let l = try sigma.cholesky()
        let determinant = (0..<k).reduce(1.0) { $0 * l[$1, $1] * l[$1, $1] }
        return exp(-0.5 * quadratic) / (pow(2 * Double.pi, Double(k) / 2) * determinant.squareRoot())
    }
    var last = [0.0, 0.0]
    for code in 0..<(1 << months) {
        let path = (0..<months).map { (code >> $0) & 1 }
        var joint = calibration.startProbabilities[path[0]] * (try density(path[0], 0))
        for t in 1..<months { joint *= calibration.transitionMatrix[path[t - 1]][path[t]] * (try density(path[t], t)) }
        last[path[months - 1]] += joint
    }
    let total = last.reduce(0, +)
    let expected = (0..<2).map { next in (0..<2).reduce(0) { $0 + last[$1] / total * calibration.transitionMatrix[$1][next] } }
    let forecast = try RegimeForecast(calibration: calibration).nextMonthProbabilities(history: factors)
    for s in 0..<2 { #expect(abs(forecast[s] - expected[s]) <= 1e-12, "regime \(s): \(forecast[s]) vs \(expected[s])") }
}

/// The stationary distribution of the two-state chain is (p₁₀, p₀₁)/(p₀₁ + p₁₀); the unconditional factor
/// covariance is the mixture's (checked against the law of total variance on one entry by hand).
@Test func regimeStudyUnconditionalMoments() throws {
    let c = RegimeCalibration.study
    let trial = try RegimeStudyTrial(settings: small, calibration: c)
    let p01 = c.transitionMatrix[0][1], p10 = c.transitionMatrix[1][0]
    #expect(abs(trial.stationary[0] - p10 / (p01 + p10)) <= 1e-14)
    #expect(abs(trial.stationary[1] - p01 / (p01 + p10)) <= 1e-14)
    let (a, b) = (trial.stationary[0], trial.stationary[1])
    let m0 = c.factorMeans[0][0], m1 = c.factorMeans[1][0]
    let variance = a * c.factorCovariances[0][0, 0] + b * c.factorCovariances[1][0, 0] + a * b * (m0 - m1) * (m0 - m1)
    #expect(abs(trial.unconditionalCovariance[0, 0] - variance) <= 1e-15)
    #expect(abs(trial.unconditionalMean[0] - (a * m0 + b * m1)) <= 1e-15)
}

/// The study's table is the mean and standard error of the trials' own outcomes, each trial computed
/// alone (so the parallel schedule changes nothing), and a rerun gives the same numbers.
@Test func regimeStudyAggregatesIndependentTrials() throws {
    let result = try RegimeStudy.run(small)
    let trial = try RegimeStudyTrial(settings: small, calibration: .study)
    let outcomes = try (0..<small.trials).reversed().map { try trial.run(index: $0) }.reversed()
    for (p, row) in result.rows.enumerated() {
        let differences = outcomes.map { $0.regimeReturn[p] - $0.baselineReturn[p] }
        let mean = differences.reduce(0, +) / Double(differences.count)
        let sd = (differences.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(differences.count - 1)).squareRoot()
        #expect(abs(row.returnDifference.mean - mean) <= 1e-15)
        #expect(abs(row.returnDifference.standardError - sd / Double(differences.count).squareRoot()) <= 1e-15)
        let entropy = outcomes.map { $0.regimeEntropy[p] }.reduce(0, +) / Double(outcomes.count)
        #expect(abs(row.regimeEntropy.mean - entropy) <= 1e-12)
        #expect(row.baselineEntropy.mean >= 0 && row.baselineEntropy.mean <= log(Double(small.stocks)) + 1e-9)
    }
    let again = try RegimeStudy.run(small)
    #expect(again.rows.map(\.regimeReturn) == result.rows.map(\.regimeReturn))
}

/// Bad settings are errors, not crashes.
@Test func regimeStudyRejectsBadSettings() {
    var s = small
    s.phis = [0]
    #expect(throws: RegimeStudyError.self) { try RegimeStudy.run(s) }
    // φ outside regime_utility's 0.01…100 failed late in some trial ("numerical trouble") or gave a table
    // of untrustworthy weights; a repeated φ printed the same row twice. Both are refused up front.
    for phis in [[5, 1000], [400], [0.001], [5, 25, 5]] {
        s.phis = phis
        #expect(throws: RegimeStudyError.self) { try RegimeStudy.run(s) }
    }
    #expect(RegimeStudy.phiProblem([5, 1000])?.index == 1)
    #expect(RegimeStudy.phiProblem([5, 25, 5])?.index == 2)
    #expect(RegimeStudy.phiProblem([0.01, 100])?.index == nil)
    s = small
    s.trials = 1
    #expect(throws: RegimeStudyError.self) { try RegimeStudy.run(s) }
}
