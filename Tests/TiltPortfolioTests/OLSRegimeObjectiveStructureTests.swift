import Foundation
import Testing
import TiltLinearAlgebra
import TiltModeling
import TiltPortfolio
import TiltSolver

// Issue 22: with an OLS model the one-component `regime_utility` and `evar` keep the factor structure
// (exposure variables f_portfolio = B w, a K × K risk) instead of a constant K × n product inside the
// quadratic, which the cone compiler would expand into an n × n matrix. These tests solve the dense
// formulation (the constant product, as before) next to the structured one at 200 stocks.

/// The lowered problem with its objective written the dense way: `objective(nil)` (no exposure
/// variables), and the f_portfolio definition dropped.
private func denseVersion(of lowered: OptimizationProblem, objective: ModelExpression) -> OptimizationProblem {
    var dense = lowered
    dense.objective = objective
    dense.constraints.removeAll { $0.text == "f_portfolio == B w" }
    return dense
}

/// `minimize evar(confidence) s.t. constraints`, fully invested and long-only.
private func evarProblem(confidence: Double = 0.95, _ constraints: [PortfolioConstraint]) -> PortfolioProblem {
    PortfolioProblem(sense: .minimize, objective: [ObjectiveTerm(.entropicValueAtRisk(confidence: confidence))],
                     constraints: constraints, defaults: [.fullyInvested, .longOnly])
}

private func weights(_ solution: ProblemSolution, _ context: PortfolioContext) throws -> [Double] {
    try #require(solution.values.first { $0.0 === context.weightVariable }?.1.storage)
}

/// `maximize regime_utility(phi: φ) s.t. tev <= 6%` with OLS: the active-set method answers (the
/// mean–variance problem), and its objective equals the dense formulation's optimum to 1e-8 (relative),
/// the weights to 1e-5; the interior-point path on the structured lowering agrees as well.
@Test(arguments: [2.0, 5.0, 20.0])
func olsRegimeUtilityStructuredMatchesDense(phi: Double) throws {
    var random = SplitMix64(seed: 22)
    let context = randomContext(assets: 200, factors: 5, random: &random)
    let problem = PortfolioProblem(sense: .maximize, objective: [ObjectiveTerm(.regimeUtility(phi: phi))],
                                   constraints: [PortfolioConstraint(.trackingErrorAtMost(limit: 0.06), text: "tev <= 6%")],
                                   defaults: [.fullyInvested, .longOnly])
    let structured = try problem.solve(in: context)
    #expect(structured.method == .factorPortfolio)
    let lowered = try problem.lowered(in: context)
    #expect(lowered.constraints.contains { $0.text == "f_portfolio == B w" })
    let structuredIPM = try lowered.solve()
    let denseObjective = try RegimeObjectives.utility(weights: context.w, states: context.regimeStates, phi: phi)
    let dense = try denseVersion(of: lowered, objective: denseObjective).solve()
    #expect(dense.status == .optimal && structuredIPM.status == .optimal)
    let a = try #require(structured.objective), b = try #require(dense.objective), c = try #require(structuredIPM.objective)
    #expect(abs(a - b) <= 1e-8 * abs(b), "structured \(a) vs dense \(b)")
    #expect(abs(c - b) <= 1e-8 * abs(b), "structured interior point \(c) vs dense \(b)")
    let w = try weights(structured, context), wDense = try weights(dense, context)
    #expect(zip(w, wDense).allSatisfy { abs($0 - $1) <= 1e-5 }, "\(zip(w, wDense).map { abs($0 - $1) }.max() ?? 0)")
}

/// `minimize evar(95%) s.t. tev <= 6%` with OLS: the active-set method answers (the mean–volatility
/// problem, by the search over the aversion), and its optimum equals the dense formulation's on the
/// interior-point path to 1e-8 (absolute, on a monthly decimal loss of about 0.04: the interior-point
/// method's own gap tolerance is 1e-8 relative, and the dense form cannot be solved tighter — at 1e-9 it
/// ends "almost optimal"); the interior-point path on the structured lowering agrees as well.
@Test func olsEVaRStructuredMatchesDense() throws {
    var random = SplitMix64(seed: 23)
    let context = randomContext(assets: 200, factors: 5, random: &random)
    let problem = evarProblem([PortfolioConstraint(.trackingErrorAtMost(limit: 0.06), text: "tev <= 6%")])
    let lowered = try problem.lowered(in: context)
    #expect(lowered.constraints.contains { $0.text == "f_portfolio == B w" })
    let structured = try problem.solve(in: context)
    #expect(structured.method == .factorPortfolio)
    let structuredIPM = try lowered.solve()
    let denseObjective = try RegimeObjectives.evar(weights: context.w, states: context.regimeStates, confidence: 0.95)
    let dense = try denseVersion(of: lowered, objective: denseObjective).solve()
    #expect(dense.status == .optimal && structured.status == .optimal && structuredIPM.status == .optimal)
    let a = try #require(structured.objective), b = try #require(dense.objective), c = try #require(structuredIPM.objective)
    #expect(abs(a - b) <= 1e-8, "structured \(a) vs dense \(b)")
    #expect(abs(a - c) <= 1e-8, "structured \(a) vs structured interior point \(c)")
    // Gaussian EVaR in closed form at the structured weights: −Rᵀw + σ √(−2 log 0.05).
    let w = try weights(structured, context)
    let state = try context.regimeStates[0]
    let k = state.factorCovariance.rows
    let exposure = (0..<k).map { r in (0..<w.count).reduce(0) { $0 + state.loadings[r, $1] * w[$1] } }
    var variance = zip(state.residualVariances, w).reduce(0) { $0 + $1.0 * $1.1 * $1.1 }
    for r in 0..<k { for c in 0..<k { variance += exposure[r] * state.factorCovariance[r, c] * exposure[c] } }
    let closed = -VectorMath.dot(state.expectedReturns, w) + variance.squareRoot() * (-2 * log(0.05)).squareRoot()
    #expect(abs(closed - a) <= 1e-7 * abs(a), "closed form \(closed) vs \(a)")
}

/// Gaussian EVaR with OLS on the active-set method (a search over the mean–variance aversion) against the
/// interior-point path on the same lowering, at several confidences and with the tracking-error cap loose
/// or binding, with and without a position cap, and as `− evar` in a maximised objective beside `mu'f`:
/// the objective to 1e-8 (absolute, monthly decimal), the weights to 1e-5, and every constraint's dual
/// (the cap's, the budget's, the bounds', f_portfolio's definition's) to 1e-5 of the problem's largest.
@Test(arguments: [(0.95, 0.06, nil, false), (0.99, 0.06, 0.03, false), (0.9, 0.01, nil, false), (0.95, 0.015, 0.05, true)]
      as [(Double, Double, Double?, Bool)])
func olsEVaRActiveSetMatchesInteriorPoint(confidence: Double, tevLimit: Double, cap: Double?, withReturn: Bool) throws {
    var random = SplitMix64(seed: 24)
    let context = randomContext(assets: 200, factors: 5, random: &random)
    var constraints = [PortfolioConstraint(.trackingErrorAtMost(limit: tevLimit), text: "tev <= limit")]
    if let cap { constraints.append(PortfolioConstraint(.weightsAtMost(bound: .number(cap)), text: "w <= cap")) }
    let problem = withReturn
        ? PortfolioProblem(sense: .maximize, objective: [ObjectiveTerm(.expectedActiveReturn), ObjectiveTerm(.minus, scale: 0.5, .entropicValueAtRisk(confidence: confidence))],
                           constraints: constraints, defaults: [.fullyInvested, .longOnly])
        : evarProblem(confidence: confidence, constraints)
    #expect(problem.method(in: context).structured)
    let (structured, interiorPoint) = try solveBothWays(problem, in: context)
    #expect(structured.method == .factorPortfolio && interiorPoint.method != .factorPortfolio)
    #expect(structured.status == .optimal && interiorPoint.status == .optimal)
    let a = try #require(structured.objective), b = try #require(interiorPoint.objective)
    #expect(abs(a - b) <= 1e-8, "active set \(a) vs interior point \(b)")
    let w = try weights(structured, context), wIPM = try weights(interiorPoint, context)
    #expect(zip(w, wIPM).allSatisfy { abs($0 - $1) <= 1e-5 }, "\(zip(w, wIPM).map { abs($0 - $1) }.max() ?? 0)")
    expectDualsAgree(structured, interiorPoint, within: 1e-5)
}

/// The optimality of the active-set EVaR answer checked by hand, without either solver: with a loose cap
/// (`tev <= 100%`, not binding) and long-only weights the KKT conditions of min −Rᵀw + c·σ(w) over the
/// simplex say g = −R + c·Vw/σ is equal (to ν) on the weights held and at least ν on those at zero.
@Test func olsEVaRActiveSetSatisfiesTheMeanVolatilityConditions() throws {
    var random = SplitMix64(seed: 25)
    let context = randomContext(assets: 200, factors: 5, random: &random)
    let problem = evarProblem([PortfolioConstraint(.trackingErrorAtMost(limit: 1), text: "tev <= 100%")])
    let solution = try problem.solve(in: context)
    #expect(solution.method == .factorPortfolio)
    let w = try weights(solution, context)
    let state = try context.regimeStates[0]
    let n = w.count, k = state.factorCovariance.rows
    let exposure = (0..<k).map { r in (0..<n).reduce(0) { $0 + state.loadings[r, $1] * w[$1] } }
    let sigmaExposure = (0..<k).map { r in (0..<k).reduce(0) { $0 + state.factorCovariance[r, $1] * exposure[$1] } }
    let vw = (0..<n).map { i in (0..<k).reduce(state.residualVariances[i] * w[i]) { $0 + state.loadings[$1, i] * sigmaExposure[$1] } }
    let sigma = VectorMath.dot(w, vw).squareRoot()
    let c = (-2 * log(0.05)).squareRoot()
    let gradient = (0..<n).map { -state.expectedReturns[$0] + c * vw[$0] / sigma }
    let held = (0..<n).filter { w[$0] > 1e-9 }
    let nu = held.map { gradient[$0] }.reduce(0, +) / Double(held.count)
    let size = gradient.map(abs).max() ?? 1
    #expect(held.count >= 2 && held.allSatisfy { abs(gradient[$0] - nu) <= 1e-8 * size }, "spread \(held.map { gradient[$0] - nu })")
    #expect((0..<n).filter { w[$0] <= 1e-9 }.allSatisfy { gradient[$0] >= nu - 1e-8 * size })
    #expect(abs(w.reduce(0, +) - 1) <= 1e-12 && w.allSatisfy { $0 >= 0 })
    let closed = -VectorMath.dot(state.expectedReturns, w) + c * sigma
    #expect(abs((try #require(solution.objective)) - closed) <= 1e-12)
}

/// OLS `evar` with the rest of the structured method's terms — a book held before, a turnover cost and
/// limit, a sector cap, an exposure band — on the active-set method against the interior-point path
/// (objective to 1e-8, monthly decimal); and data the method declines (an asset without residual
/// variance) left to the interior-point path, which answers.
@Test func olsEVaRWithLimitsAndTradingMatchesInteriorPointAndFallsBack() throws {
    var random = SplitMix64(seed: 26)
    let context = randomContext(assets: 200, factors: 5, random: &random, sectors: 4, held: true)
    let problem = PortfolioProblem(
        sense: .minimize,
        objective: [ObjectiveTerm(.entropicValueAtRisk(confidence: 0.95)), ObjectiveTerm(.plus, scale: 0.002, .turnover)],
        constraints: [PortfolioConstraint(.trackingErrorAtMost(limit: 0.03), text: "tev <= 3%"),
                      PortfolioConstraint(.sector(name: "S1", relation: .lessEqual, value: 0.2), text: "sector(S1) <= 20%"),
                      PortfolioConstraint(.exposureWithin(name: "f2", radius: 0.05), text: "|f[f2]| <= 0.05"),
                      PortfolioConstraint(.turnoverAtMost(limit: 0.4), text: "turnover <= 40%")],
        defaults: [.fullyInvested, .longOnly])
    let (structured, interiorPoint) = try solveBothWays(problem, in: context)
    #expect(structured.method == .factorPortfolio && interiorPoint.status == .optimal)
    let a = try #require(structured.objective), b = try #require(interiorPoint.objective)
    #expect(abs(a - b) <= 1e-8, "active set \(a) vs interior point \(b)")

    var residuals = context.residualVariances
    residuals[5] = 0
    let degenerate = PortfolioContext(month: context.month, units: context.units, loadings: context.loadings, mu: context.mu,
                                      factorCovariance: context.factorCovariance, residualVariances: residuals,
                                      benchmark: context.benchmark, previousWeights: context.previousWeights,
                                      sectors: context.sectors, exposureNames: context.exposureNames)
    #expect(problem.canonicalForm(in: degenerate) != nil)
    let fallback = try problem.solve(in: degenerate)
    #expect(fallback.method != .factorPortfolio && fallback.status == .optimal)
}
