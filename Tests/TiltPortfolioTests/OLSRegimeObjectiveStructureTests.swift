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

/// `minimize evar(95%) s.t. tev <= 6%` with OLS (interior point either way: EVaR is not the active-set
/// method's problem): the structured lowering's optimum equals the dense one's to 1e-8 (absolute, on a
/// monthly decimal loss of about 0.04: the interior-point method's own gap tolerance is 1e-8 relative, and
/// the dense form cannot be solved tighter — at 1e-9 it ends "almost optimal").
@Test func olsEVaRStructuredMatchesDense() throws {
    var random = SplitMix64(seed: 23)
    let context = randomContext(assets: 200, factors: 5, random: &random)
    let problem = PortfolioProblem(sense: .minimize, objective: [ObjectiveTerm(.entropicValueAtRisk(confidence: 0.95))],
                                   constraints: [PortfolioConstraint(.trackingErrorAtMost(limit: 0.06), text: "tev <= 6%")],
                                   defaults: [.fullyInvested, .longOnly])
    let lowered = try problem.lowered(in: context)
    #expect(lowered.constraints.contains { $0.text == "f_portfolio == B w" })
    let structured = try problem.solve(in: context)
    let denseObjective = try RegimeObjectives.evar(weights: context.w, states: context.regimeStates, confidence: 0.95)
    let dense = try denseVersion(of: lowered, objective: denseObjective).solve()
    #expect(dense.status == .optimal && structured.status == .optimal)
    let a = try #require(structured.objective), b = try #require(dense.objective)
    #expect(abs(a - b) <= 1e-8, "structured \(a) vs dense \(b)")
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
