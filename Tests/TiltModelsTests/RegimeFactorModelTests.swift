import Foundation
import Testing
import TiltTestSupport
import TiltData
import TiltLinearAlgebra
import TiltModels

extension IndustryData {
    func estimate(at rebalance: Month, options: RegimeModelOptions, previous: GaussianHMM? = nil,
                  window: EstimationWindow? = nil) throws -> RegimeFactorModel {
        try RegimeFactorModel.estimate(excessReturns: excessReturns, factorReturns: factors, months: months, rebalance: rebalance,
                                       window: window ?? .expanding(from: months[0]), options: options, previous: previous)
    }
}

@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func regimeMixtureMomentsMatchMonteCarlo() throws {
    let data = try IndustryData()
    let model = try data.estimate(at: Month(2008, 12), options: RegimeModelOptions(states: 3, covariance: .full, restarts: 3))
    let pi = model.forecastProbabilities
    let k = model.factorNames.count
    let lowers = try model.states.map { try $0.factorCovariance.cholesky() }
    var rng = Xoshiro256StarStar(seed: 31)
    let n = 200_000
    var draws = Matrix(rows: n, cols: k)
    for t in 0..<n {
        let s = rng.nextIndex(probabilities: pi)
        let z = (0..<k).map { _ in rng.nextNormal() }
        for i in 0..<k { draws[t, i] = model.states[s].factorMean[i] + (0...i).reduce(0) { $0 + lowers[s][i, $1] * z[$1] } }
    }
    let mean = (0..<k).map { i in (0..<n).reduce(0) { $0 + draws[$1, i] } / Double(n) }
    for i in 0..<k {
        #expect(abs(mean[i] - model.mu[i + 1, 0]) < 4 * (model.factorCovariance[i, i] / Double(n)).squareRoot())
        for j in 0...i {
            // The sample covariance entry and the standard error of the mean of its products.
            let products = (0..<n).map { (draws[$0, i] - mean[i]) * (draws[$0, j] - mean[j]) }
            let c = products.reduce(0, +) / Double(n - 1)
            let spread = products.reduce(0) { $0 + ($1 - c) * ($1 - c) } / Double(n - 1)
            #expect(abs(c - model.factorCovariance[i, j]) < 4 * (spread / Double(n)).squareRoot())
        }
    }
    // The mixture formulas, entry by entry.
    let loadings = (0..<model.loadings.storage.count).map { e in zip(pi, model.states).reduce(0) { $0 + $1.0 * $1.1.loadings.storage[e] } }
    #expect(maxRelativeDifference(model.loadings.storage, loadings, floor: 1e-6) < 1e-12)
    let residuals = (0..<48).map { j in zip(pi, model.states).reduce(0) { $0 + $1.0 * $1.1.residualVariances[j] } }
    #expect(maxRelativeDifference(model.residualVariances.storage, residuals) < 1e-12)
}

@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func regimeForecastUsesOnlyDataUpToTheRebalance() throws {
    let data = try IndustryData()
    let options = RegimeModelOptions(states: 2, covariance: .diagonal, horizon: 3, restarts: 3)
    let rebalance = Month(1999, 12)
    let model = try data.estimate(at: rebalance, options: options)
    // Scrambling every month after T changes nothing.
    let t = try #require(data.months.firstIndex(of: rebalance))
    var excess = data.excessReturns, factors = data.factors
    for i in (t + 1)..<excess.rows {
        for j in 0..<excess.cols { excess[i, j] = .nan }
        for j in 0..<factors.cols { factors[i, j] = 1 }
    }
    let again = try RegimeFactorModel.estimate(excessReturns: excess, factorReturns: factors, months: data.months, rebalance: rebalance,
                                               window: .expanding(from: data.months[0]), options: options)
    #expect(again.loadings.storage == model.loadings.storage)
    #expect(again.forecastProbabilities == model.forecastProbabilities)
    // π_{T+h} = π_Tᵀ Pʰ with π_T the last filtered row on the window.
    let window = try data.factors.selecting(rows: Array(0...t), cols: nil)
    let filtered = try model.hmm.filtered(window)
    #expect(maxRelativeDifference(model.filteredProbabilities, (0..<2).map { filtered[t, $0] }) < 1e-12)
    let power = try model.hmm.transition.power(3)
    let expected = (0..<2).map { j in (0..<2).reduce(0) { $0 + model.filteredProbabilities[$1] * power[$1, j] } }
    #expect(maxRelativeDifference(model.forecastProbabilities, expected) < 1e-12)
    #expect(model.windowMonths.last == rebalance)
    #expect(model.smoothedProbabilities.rows == t + 1)
}

@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func regimeStatesKeepTheirNumbersAcrossRebalances() throws {
    let data = try IndustryData()
    let options = RegimeModelOptions(states: 2, covariance: .full, restarts: 5)
    let first = try data.estimate(at: Month(1990, 12), options: options)
    // A first fit numbers states by increasing mean market return.
    #expect(first.hmm.means[0, 0] < first.hmm.means[1, 0])
    var previous = first
    for month in 1...12 {
        let next = try data.estimate(at: Month(1990, 12) + month, options: options, previous: previous.hmm)
        for s in 0..<2 { #expect(abs(next.hmm.means[s, 0] - previous.hmm.means[s, 0]) < 0.005) }
        #expect(next.hmm.iterations < 100)
        previous = next
    }
}

@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func regimeModelWithOneStateIsTheOLSModel() throws {
    let data = try IndustryData()
    let rebalance = Month(2005, 6)
    let window = EstimationWindow.rolling(months: 120)
    let regime = try data.estimate(at: rebalance, options: RegimeModelOptions(states: 1, covariance: .full, restarts: 1), window: window)
    let ols = try OLSFactorModel.estimate(excessReturns: data.excessReturns, factorReturns: data.factors, months: data.months,
                                          rebalance: rebalance, window: window)
    #expect(regime.forecastProbabilities == [1])
    #expect(regime.loadings.rowLabels == ols.loadings.rowLabels && regime.loadings.colLabels == ols.loadings.colLabels)
    #expect(maxRelativeDifference(regime.loadings.storage, ols.loadings.storage, floor: 1e-2) < 1e-10)
    #expect(maxRelativeDifference(regime.residualVariances.storage, ols.residualVariances.storage) < 1e-10)
    #expect(maxRelativeDifference(regime.mu.storage, ols.mu.storage) < 1e-10)
    // The HMM's covariance is the maximum-likelihood one (divisor T), the OLS model's the sample one (T − 1).
    let scale = Double(119) / 120
    #expect(maxRelativeDifference(regime.factorCovariance.storage, ols.factorCovariance.storage.map { $0 * scale }) < 1e-10)
    #expect(regime.observationCounts == ols.observationCounts)
}

@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func regimeRefitFollowsThePreviousNumberingOfThreeStates() throws {
    let data = try IndustryData()
    let options = RegimeModelOptions(states: 3, covariance: .diagonal, restarts: 4)
    let first = try data.estimate(at: Month(2000, 12), options: options)
    // A first fit numbers states by increasing mean market return.
    #expect(first.hmm.means[0, 0] < first.hmm.means[1, 0] && first.hmm.means[1, 0] < first.hmm.means[2, 0])
    // Whatever numbering the previous fit had, the refit adopts it (EM moves on a little from the first
    // fit's stopping point; a wrong numbering would differ by the gaps between states).
    for order in [[2, 0, 1], [1, 2, 0], [0, 2, 1]] {
        let previous = first.hmm.permuted(order)
        let refit = try data.estimate(at: Month(2000, 12), options: options, previous: previous)
        #expect(maxRelativeDifference(refit.hmm.means.storage, previous.means.storage, floor: 1e-3) < 1e-2)
        #expect(maxRelativeDifference(refit.forecastProbabilities, order.map { first.forecastProbabilities[$0] }, floor: 1e-2) < 1e-3)
    }
}
