import Foundation
import Testing
import TiltBacktest
import TiltLanguage
import TiltSyntax
import TiltTestSupport

/// Runs a strategy program on ../shared/data and returns its backtests (or the rendered diagnostics).
private func backtests(_ program: String) -> (results: [BacktestResult], errors: String) {
    final class Collected: @unchecked Sendable { var results: [BacktestResult] = [] }
    let collected = Collected()
    let session = Session(locations: DataLocations(dataDirectory: SharedData.path("")), output: { _ in })
    session.strategyResults = { collected.results += $0 }
    let file = SourceFile(name: "regime.tilt", text: program)
    let diagnostics = session.run(file)
    return (collected.results, DiagnosticList(file: file, diagnostics: diagnostics).rendered())
}

private func program(model: String, objective: String = "maximize mu'f s.t. tev <= 4%",
                     rebalance: String = "rebalance monthly from 2018-12 to 2019-11") -> String {
    """
    universe kenfrench("48_Industry_Portfolios.CSV")
    factors "F-F_Research_Data_5_Factors_2x3.csv"
    benchmark mktcap
    model \(model)
    \(objective)
    \(rebalance)
    """
}

@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func regimeStrategyRunsEndToEndAndRecordsRegimeProbabilities() throws {
    let (results, errors) = backtests(program(model: "regime(states: 2, covariance: diag, horizon: 1, window: expanding, from: 1963-07)"))
    #expect(errors.isEmpty, "\(errors)")
    let result = try #require(results.first)
    #expect(result.rebalances.count == 12)
    for rebalance in result.rebalances {
        let forecast = try #require(rebalance.regimeProbabilities)
        let filtered = try #require(rebalance.filteredRegimeProbabilities)
        #expect(forecast.count == 2 && filtered.count == 2)
        #expect(abs(forecast.reduce(0, +) - 1) < 1e-12 && abs(filtered.reduce(0, +) - 1) < 1e-12)
        #expect(rebalance.status == "optimal")
        // The TEV budget binds on the mixture risk model.
        #expect(rebalance.exAnteTrackingError <= 0.04 * (1 + 1e-6))
    }
    #expect(result.months.count == 12)
}

@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func oneRegimeStrategyHasTheOLSLoadings() throws {
    // An LP whose optimum depends only on mu and the loadings (not on the factor covariance, which the
    // HMM estimates with divisor T and OLS with T − 1): the same weights and exposures.
    let objective = "maximize mu'f s.t. w <= 10%"
    let (regime, e1) = backtests(program(model: "regime(states: 1, covariance: full, window: expanding, from: 1963-07)",
                                         objective: objective, rebalance: "rebalance annually from 2000-12 to 2003-12"))
    let (ols, e2) = backtests(program(model: "ols(window: expanding, from: 1963-07)", objective: objective,
                                      rebalance: "rebalance annually from 2000-12 to 2003-12"))
    #expect(e1.isEmpty && e2.isEmpty, "\(e1)\(e2)")
    let a = try #require(regime.first), b = try #require(ols.first)
    #expect(a.rebalances.count == 4 && b.rebalances.count == 4)
    for (x, y) in zip(a.rebalances, b.rebalances) {
        #expect(x.assets == y.assets)
        #expect(zip(x.weights, y.weights).allSatisfy { abs($0 - $1) < 1e-7 })
        #expect(zip(x.activeExposures, y.activeExposures).allSatisfy { abs($0 - $1) < 1e-7 * max(1, abs($1)) })
        #expect(abs(x.specificRiskContribution - y.specificRiskContribution) < 1e-7 * y.specificRiskContribution)
        #expect(x.regimeProbabilities == [1])
        #expect(y.regimeProbabilities == nil)
    }
}

@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func regimeModelOptionsAreChecked() {
    let (_, e1) = backtests(program(model: "regime(states: 0)"))
    #expect(e1.contains("the number of regimes is a whole number from 1 to 8"))
    let (_, e2) = backtests(program(model: "regime(horizon: 1.5)"))
    #expect(e2.contains("the forecast horizon in months is a whole number"))
    let (_, e3) = backtests(program(model: "ols(states: 2)"))
    #expect(!e3.isEmpty)
    for window in ["rolling 1", "rolling -5"] {
        let (_, e4) = backtests(program(model: "ols(window: \(window))"))
        #expect(e4.contains("error: a rolling window is a whole number of months from 2 to 1200"), "\(window): \(e4)")
    }
}

@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func modelSweepRunsEachModelLikeItsOwnProgram() throws {
    let rebalance = "rebalance monthly from 2018-12 to 2019-05"
    let regimeModel = "regime(states: 2, covariance: diag, from: 1963-07)"
    let olsModel = "ols(window: expanding, from: 1963-07)"
    let (swept, errors) = backtests(program(model: "in [\(regimeModel), \(olsModel)]", rebalance: rebalance))
    #expect(errors.isEmpty, "\(errors)")
    #expect(swept.map(\.name) == ["regime", "ols"])
    for (model, result) in zip([regimeModel, olsModel], swept) {
        let (alone, e) = backtests(program(model: model, rebalance: rebalance))
        #expect(e.isEmpty, "\(e)")
        let single = try #require(alone.first)
        // Each model is estimated on its own (no sharing of models between the values of a model sweep).
        #expect(result.rebalances.map(\.weights) == single.rebalances.map(\.weights))
        #expect(result.portfolioReturns == single.portfolioReturns)
    }
    #expect(swept[0].rebalances.allSatisfy { $0.regimeProbabilities != nil })
    #expect(swept[1].rebalances.allSatisfy { $0.regimeProbabilities == nil })
}

@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func modelSweepMistakesAreErrorsAtTheirSpan() {
    let both = backtests(program(model: "ols\nmodel in [ols, regime(states: 2)]")).errors
    #expect(both.contains("a `model` statement and `model in […]` together"), "\(both)")
    let notAList = backtests(program(model: "in 3")).errors
    #expect(notAList.contains("`model in` runs over a list of models"), "\(notAList)")
    let unknown = backtests(program(model: "in [ols, regim(states: 2)]")).errors
    #expect(unknown.contains("unknown model `regim`") && unknown.contains("did you mean `regime`?"), "\(unknown)")
}

@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func regimeUtilityWithOneRegimeIsMeanVariance() throws {
    // With OLS there is one regime with probability 1, so regime_utility(phi: φ) = R'w − φ/2·w'Vw; with no
    // benchmark, mu'f = R'w and risk = w'Vw: the same problem as `maximize mu'f - φ/2 * risk`.
    func weights(_ objective: String) throws -> [[Double]] {
        let text = program(model: "ols(window: expanding, from: 1963-07)", objective: objective,
                           rebalance: "rebalance monthly from 2019-06 to 2019-11")
        let (results, errors) = backtests(text.replacingOccurrences(of: "benchmark mktcap", with: "benchmark none"))
        #expect(errors.isEmpty, "\(errors)")
        return try #require(results.first).rebalances.map(\.weights)
    }
    let utility = try weights("maximize regime_utility(phi: 8) s.t. w <= 25%")
    let meanVariance = try weights("maximize mu'f - 4 * risk s.t. w <= 25%")
    #expect(utility.count == 6)
    for (a, b) in zip(utility, meanVariance) {
        #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-6 }, "\(a) vs \(b)")
    }
}

@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func regimeObjectivesRunWithTheRegimeModelAndRejectBadArguments() throws {
    let regime = "regime(states: 2, covariance: diag, from: 1963-07)"
    for objective in ["maximize regime_utility(phi: 10) s.t. w <= 20%", "minimize evar(95%) s.t. w <= 20%"] {
        let (results, errors) = backtests(program(model: regime, objective: objective,
                                                  rebalance: "rebalance monthly from 2019-09 to 2019-11"))
        #expect(errors.isEmpty, "\(errors)")
        let result = try #require(results.first)
        for r in result.rebalances {
            #expect(r.status == "optimal")
            #expect(abs(r.weights.reduce(0, +) - 1) < 1e-8 && r.weights.allSatisfy { $0 >= -1e-9 && $0 <= 0.2 + 1e-9 })
        }
    }
    let badPhi = backtests(program(model: regime, objective: "maximize regime_utility(phi: -1)")).errors
    #expect(badPhi.contains("`regime_utility` takes the risk aversion, a number from 0.01 to 100"), "\(badPhi)")
    let hugePhi = backtests(program(model: regime, objective: "maximize regime_utility(phi: 1e4)")).errors
    #expect(hugePhi.contains("a number from 0.01 to 100"), "\(hugePhi)")
    let badLevel = backtests(program(model: regime, objective: "minimize evar(150%)")).errors
    #expect(badLevel.contains("`evar` takes a confidence level strictly between 0 and 100%"), "\(badLevel)")
}

@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func sweepValuesSharingModelsAndWarmStartsMatchSeparateRuns() throws {
    // The values of a sweep share their factor models (one estimate per month) and each run warm-starts
    // from its previous rebalance; separate programs estimate and solve afresh: the same weights.
    let rebalance = "rebalance monthly from 2015-12 to 2016-11"
    for model in ["ols(window: expanding, from: 1963-07)", "regime(states: 2, covariance: diag, from: 1963-07)"] {
        let (swept, errors) = backtests(program(model: model, objective: "tev in [3%, 5%]\nmaximize mu'f s.t. tev <= 6%",
                                                rebalance: rebalance))
        #expect(errors.isEmpty, "\(errors)")
        #expect(swept.map(\.name) == ["tev = 3%", "tev = 5%"])
        for (budget, result) in zip(["3%", "5%"], swept) {
            let (alone, e) = backtests(program(model: model, objective: "maximize mu'f s.t. tev <= \(budget)", rebalance: rebalance))
            #expect(e.isEmpty, "\(e)")
            let single = try #require(alone.first)
            #expect(result.rebalances.count == 12 && single.rebalances.count == 12)
            for (a, b) in zip(result.rebalances, single.rebalances) {
                #expect(zip(a.weights, b.weights).allSatisfy { abs($0 - $1) <= 1e-9 }, "\(model) \(budget) \(a.month)")
            }
        }
    }
}

/// A sweep must change something: the names the strategy sets at each rebalance cannot be swept, and a
/// parameter that neither the objective nor a constraint reads is an error rather than identical runs.
@Test(.enabled(if: SharedData.isAvailable, SharedData.missing)) func sweepsThatChangeNothingAreErrors() {
    let (_, e1) = backtests(program(model: "ols", objective: "w in [1, 2]\nmaximize mu'f s.t. tev <= 4%"))
    #expect(e1.contains("regime.tilt:5:1: error: `w` is set by the strategy at each rebalance, so it cannot be swept"), "\(e1)")
    let (_, e2) = backtests(program(model: "ols", objective: "gamma in [1, 2]\nmaximize mu'f s.t. tev <= 4%"))
    #expect(e2.contains("error: neither the objective nor a constraint uses `gamma`"), "\(e2)")
    let (swept, e3) = backtests(program(model: "ols", objective: "gamma in [1, 2]\nmaximize mu'f - gamma * risk s.t. tev <= 4%",
                                        rebalance: "rebalance annually from 2017-12 to 2018-12"))
    #expect(e3.isEmpty && swept.count == 2, "\(e3)")
}
