import Foundation
import Testing
import TiltBacktest
import TiltData
@testable import TiltLanguage
import TiltPortfolio
import TiltSyntax

/// The plan a program lowers into, printed as `tilt run FILE --plan-json` prints it.
private func plans(_ text: String, locations: DataLocations = DataLocations()) -> (plans: [Plan], errors: String) {
    final class Collected: @unchecked Sendable { var plans: [Plan] = [] }
    let collected = Collected()
    let session = Session(locations: locations, output: { _ in })
    session.planned = { collected.plans.append($0) }
    let file = SourceFile(name: "p.tilt", text: text)
    let diagnostics = session.run(file)
    return (collected.plans, DiagnosticList(file: file, diagnostics: diagnostics).rendered())
}

/// The results of running a program.
private func results(_ text: String) -> ([BacktestResult], String) {
    final class Collected: @unchecked Sendable { var results: [BacktestResult] = [] }
    let collected = Collected()
    let session = Session(output: { _ in })
    session.strategyResults = { collected.results += $0 }
    let file = SourceFile(name: "p.tilt", text: text)
    let diagnostics = session.run(file)
    return (collected.results, DiagnosticList(file: file, diagnostics: diagnostics).rendered())
}

/// A strategy with a sweep, bounds, a sector limit, an exposure limit and turnover in the objective: both
/// the structured method and the interior-point path, and sharing of factor models between variants.
private let sweptStrategy = """
universe synthetic(stocks: 40, seed: 3, from: 2000-01, to: 2006-12)
benchmark mktcap
let floor = 0.001
gamma in [20, 80]
maximize mu'f - gamma * risk - 0.001 * turnover s.t. |w - b| <= 3%, w >= floor, sector("Finance") <= 20%, |f[hml]| <= 0.3
rebalance quarterly from 2005-01 to 2006-10
costs 5bps
crisis "Test" 2005-06 to 2005-09
"""

/// A plan written to JSON and read back is the same plan, and runs to the same numbers, with no program.
@Test func aPlanReadBackFromJSONRunsToTheSameNumbers() throws {
    let (written, errors) = plans(sweptStrategy)
    #expect(errors.isEmpty, "\(errors)")
    let plan = try #require(written.first)
    let json = try plan.json()
    let read = try Plan.read(json: Data(json.utf8))
    #expect(read == plan)
    #expect(try read.json() == json)
    let strategy = try #require(read.strategy)
    #expect(strategy.variants.map(\.label) == ["gamma = 20", "gamma = 80"])
    let fromPlan = try strategy.run()
    let (fromProgram, runErrors) = results(sweptStrategy)
    #expect(runErrors.isEmpty, "\(runErrors)")
    #expect(fromPlan.count == 2 && fromProgram.count == 2)
    for (a, b) in zip(fromPlan, fromProgram) {
        #expect(a.name == b.name)
        #expect(a.months == b.months)
        #expect(a.portfolioReturns == b.portfolioReturns)
        #expect(a.benchmarkReturns == b.benchmarkReturns)
        #expect(a.rebalances.map(\.weights) == b.rebalances.map(\.weights))
        #expect(a.crises == b.crises)
    }
}

/// What the plan of a strategy says, term by term: the structured kinds, the folded constants, the
/// defaults, one explicit variant per swept value (the swept bound replacing the program's own).
@Test func aStrategyLowersIntoStructuredTerms() throws {
    let (written, errors) = plans(sweptStrategy)
    #expect(errors.isEmpty, "\(errors)")
    let problem = try #require(written.first?.strategy?.variants.last?.problem)
    #expect(problem.objective == [ObjectiveTerm(.expectedActiveReturn), ObjectiveTerm(.minus, scale: 80, .risk),
                                  ObjectiveTerm(.minus, scale: 0.001, .turnover)])
    #expect(problem.constraints.map(\.kind) == [
        .weightsWithin(center: .benchmark, radius: .number(0.03)), .weightsAtLeast(bound: .number(0.001)),
        .sector(name: "Finance", relation: .lessEqual, value: 0.2), .exposureWithin(name: "hml", radius: 0.3),
    ])
    #expect(problem.constraints.map(\.text) == ["|w - b| <= 3%", "w >= floor", "sector(\"Finance\") <= 20%", "|f[hml]| <= 0.3"])
    // `w >= floor` lifts the long-only default; the budget stays.
    #expect(problem.defaults == [.fullyInvested])

    let (swept, sweepErrors) = plans("""
    universe synthetic(stocks: 10, seed: 1, from: 2000-01, to: 2004-12)
    tev in 2% to 4% by 1%
    maximize mu'f s.t. 6% >= tev, w <= 30%
    rebalance monthly
    """)
    #expect(sweepErrors.isEmpty, "\(sweepErrors)")
    let variants = try #require(swept.first?.strategy?.variants)
    #expect(variants.map(\.label) == ["tev = 2%", "tev = 3%", "tev = 4%"])
    // A bound written either way round is the same structured bound; the swept one replaces `tev <= …`
    // written as such only.
    #expect(variants[1].problem.constraints.map(\.kind) == [.trackingErrorAtMost(limit: 0.06), .weightsAtMost(bound: .number(0.3)), .trackingErrorAtMost(limit: 0.03)])
    #expect(variants[1].problem.defaults == [.fullyInvested, .longOnly])
}

/// A list of one value is one number: `tev <= [2%]` is the structured bound `tev <= 2%`, on either side and
/// through a name. A list of several is an error (CheckTests), whose hint's rewrite, `tev in [2%, 4%]` on a line
/// of its own, runs one backtest per value bounded by it.
@Test func aListOfOneValueBoundsAsItsNumber() throws {
    let universe = "universe synthetic(stocks: 10, seed: 1, from: 2000-01, to: 2004-12)\n"
    for constraints in ["tev <= [2%], w <= [30%]", "[2%] >= tev, w <= 30%", "tev <= cap, w <= 30%"] {
        let (written, errors) = plans(universe + "let cap = [2%]\nmaximize mu'f s.t. \(constraints)\nrebalance monthly\n")
        #expect(errors.isEmpty, "\(constraints): \(errors)")
        let problem = try #require(written.first?.strategy?.variants.first?.problem)
        #expect(problem.constraints.map(\.kind) == [.trackingErrorAtMost(limit: 0.02), .weightsAtMost(bound: .number(0.3))], "\(constraints)")
    }
    let (none, wrong) = plans(universe + "let caps = [2%, 4%]\nmaximize mu'f s.t. tev <= caps, w <= 30%\nrebalance monthly\n")
    #expect(none.isEmpty)
    #expect(wrong.hasPrefix("p.tilt:3:27: error: `tev` is one number; `caps` has 2 values\n"), "\(wrong)")
    let (swept, sweptErrors) = plans(universe + "let caps = [2%, 4%]\ntev in caps\nmaximize mu'f s.t. w <= 30%\nrebalance monthly\n")
    #expect(sweptErrors.isEmpty, "\(sweptErrors)")
    #expect(try #require(swept.first?.strategy?.variants).map { $0.problem.constraints.map(\.kind) } == [
        [.weightsAtMost(bound: .number(0.3)), .trackingErrorAtMost(limit: 0.02)],
        [.weightsAtMost(bound: .number(0.3)), .trackingErrorAtMost(limit: 0.04)],
    ])
}

/// A sweep written inside a constraint is a syntax error whose hint rewrites the program (TiltSyntax's
/// ParserTests check the wording); the rewrite is a sweep the strategy runs: one backtest per value, each
/// bounding `tev` by its value in place of `tev <= 6%`, or binding the parameter its constraint reads.
@Test func theRewriteOfASweepWrittenInsideAConstraintRunsOneBacktestPerValue() throws {
    let universe = "universe synthetic(stocks: 10, seed: 1, from: 2000-01, to: 2004-12)\n"
    let (none, wrong) = plans(universe + "maximize mu'f s.t. tev <= 6%, tev in [2%, 4%], w <= 30%\nrebalance monthly\n")
    #expect(none.isEmpty)
    #expect(wrong.hasPrefix("p.tilt:2:35: error: a sweep cannot be part of a constraint: `tev in …` is a statement of its own\n"), "\(wrong)")
    #expect(wrong.contains("hint: write the sweep on a line of its own, `tev in [2%, 4%]`, then the objective without it, "
        + "`maximize mu'f s.t. tev <= 6%, w <= 30%`: each value bounds `tev` in a backtest of its own, `tev <= 2%` in the first, "
        + "in place of `tev <= 6%`\n"), "\(wrong)")
    let (rewritten, errors) = plans(universe + "tev in [2%, 4%]\nmaximize mu'f s.t. tev <= 6%, w <= 30%\nrebalance monthly\n")
    #expect(errors.isEmpty, "\(errors)")
    let variants = try #require(rewritten.first?.strategy?.variants)
    #expect(variants.map(\.label) == ["tev = 2%", "tev = 4%"])
    #expect(variants.map { $0.problem.constraints.map(\.kind) } == [
        [.weightsAtMost(bound: .number(0.3)), .trackingErrorAtMost(limit: 0.02)],
        [.weightsAtMost(bound: .number(0.3)), .trackingErrorAtMost(limit: 0.04)],
    ])
    // Without a bound of its own: the rewrite of `maximize mu'f s.t. tev in [2%, 4%]`.
    let (bare, bareErrors) = plans(universe + "tev in [2%, 4%]\nmaximize mu'f\nrebalance monthly\n")
    #expect(bareErrors.isEmpty, "\(bareErrors)")
    #expect(try #require(bare.first?.strategy?.variants).map { $0.problem.constraints.map(\.kind) }
        == [[.trackingErrorAtMost(limit: 0.02)], [.trackingErrorAtMost(limit: 0.04)]])
    // A parameter swept inside its constraint: the constraint stays, reading the swept value.
    let (_, parameterWrong) = plans(universe + "maximize mu'f s.t. turnover <= tau in [10%, 30%]\nrebalance monthly\n")
    #expect(parameterWrong.contains("hint: write the sweep on a line of its own, `tau in [10%, 30%]`, then `maximize mu'f s.t. turnover <= tau`"),
            "\(parameterWrong)")
    let (parameter, parameterErrors) = plans(universe + "tau in [10%, 30%]\nmaximize mu'f s.t. turnover <= tau\nrebalance monthly\n")
    #expect(parameterErrors.isEmpty, "\(parameterErrors)")
    let parameterVariants = try #require(parameter.first?.strategy?.variants)
    #expect(parameterVariants.map(\.label) == ["tau = 10%", "tau = 30%"])
    #expect(parameterVariants.map { $0.problem.constraints.map(\.kind) } == [[.turnoverAtMost(limit: 0.1)], [.turnoverAtMost(limit: 0.3)]])
}

/// What the structured terms cannot say is a general expression with the program's constants folded in,
/// solved by the interior-point path; the structured problem goes to the active-set method.
@Test func generalTermsKeepTheirExpressionAndTakeTheInteriorPointPath() throws {
    let program = """
    universe synthetic(stocks: 12, seed: 2, from: 2000-01, to: 2004-12)
    let k = 2
    maximize mu'f - k * sumsq(w - b) s.t. tev <= 5%, sum(w[1:3]) <= 90%
    rebalance monthly from 2004-06 to 2004-08
    """
    let (written, errors) = plans(program)
    #expect(errors.isEmpty, "\(errors)")
    let problem = try #require(written.first?.strategy?.variants.first?.problem)
    #expect(problem.objective.count == 2)
    #expect(problem.objective[1] == ObjectiveTerm(.minus, .expression(value: .binary(op: .multiply, lhs: .constant(value: .number(2)),
        rhs: .call(function: "sumsq", arguments: [.binary(op: .subtract, lhs: .quantity(name: .weights), rhs: .quantity(name: .benchmark))])))))
    #expect(problem.constraints[1].kind == .general(
        lhs: .call(function: "sum", arguments: [.index(base: .quantity(name: .weights), items: [.positions([0, 1, 2])])]), relation: .lessEqual, rhs: .constant(value: .number(0.9))))
    let (runs, runErrors) = results(program)
    #expect(runErrors.isEmpty, "\(runErrors)")
    #expect(runs.first?.rebalances.allSatisfy { $0.method == "interior point" || $0.method == "warm-started active set" } == true)
    let (canonical, canonicalErrors) = results(program.replacingOccurrences(of: " - k * sumsq(w - b)", with: "")
        .replacingOccurrences(of: ", sum(w[1:3]) <= 90%", with: ""))
    #expect(canonicalErrors.isEmpty, "\(canonicalErrors)")
    #expect(canonical.first?.rebalances.allSatisfy { $0.method == "factor-portfolio active set" } == true)
}

/// A policy and an experiment lower into plans too.
@Test func policiesAndExperimentsHavePlans() throws {
    let (written, errors) = plans("experiment regime_study(trials: 4, stocks: 5, phi: [1, 5])")
    #expect(errors.isEmpty, "\(errors)")
    #expect(written.first?.regimeStudy == RegimeStudy.Settings(trials: 4, stocks: 5, phis: [1, 5], seed: 7, historyMonths: 120))
    let json = try #require(written.first).json()
    #expect(try Plan.read(json: Data(json.utf8)) == written.first)
    // A plan of another schema version, or with two runs, is refused.
    #expect(throws: (any Error).self) { try Plan.read(json: Data(json.replacingOccurrences(of: "\"schemaVersion\" : 1", with: "\"schemaVersion\" : 2").utf8)) }
    #expect(throws: (any Error).self) { try Plan.read(json: Data("{\"schemaVersion\": 1}".utf8)) }
}

/// A loaded plan shows what a variant sees at a month: at the first rebalance (nothing held before) it is
/// the context the backtest solved, and solving its problem there gives the backtest's weights.
@Test func aLoadedPlanShowsTheContextOfAMonth() throws {
    let (written, errors) = plans(sweptStrategy)
    #expect(errors.isEmpty, "\(errors)")
    let loaded = try #require(written.first?.strategy).load()
    let results = try loaded.run()
    let first = try #require(results.last?.rebalances.first)
    let view = try loaded.view(variant: 1, at: first.month)
    #expect(view.portfolio.units == first.assets)
    #expect(view.portfolio.benchmark == first.benchmarkWeights)
    #expect(view.portfolio.previousWeights.allSatisfy { $0 == 0 })
    let solution = try loaded.plan.variants[1].problem.solve(in: view.portfolio)
    let weights = try #require(solution.values.first { $0.0 === view.portfolio.weightVariable }?.1.storage)
    #expect(weights == first.weights)
    #expect(throws: PlanError.self) { try loaded.view(at: first.month + 600) }
}

/// A constant holding a missing value (NaN, as data may) is written and read back.
@Test func missingValuesInAPlanSurviveJSON() throws {
    var plan = try #require(plans(sweptStrategy).plans.first)
    let bound = PortfolioConstraint(.weightsAtMost(bound: .matrix(rows: 2, cols: 1, values: [0.1, .nan], rowLabels: ["a", "b"], colLabels: nil)), text: "w <= u")
    plan.strategy?.variants[0].problem.constraints.append(bound)
    let read = try Plan.read(json: Data(try plan.json().utf8))
    guard case .weightsAtMost(let value)? = read.strategy?.variants[0].problem.constraints.last?.kind else {
        Issue.record("the bound did not come back"); return
    }
    #expect(value.values[0] == 0.1 && value.values[1].isNaN)
    #expect(value.matrix.rowLabels == ["a", "b"])
}
