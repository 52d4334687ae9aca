import Foundation
import Testing
import TiltLinearAlgebra
@testable import TiltPortfolio

/// A rebalance of Examples/exposure_limits.tilt as FactorPortfolioSolver receives it
/// (References/exposure_limits_<month>.json) and its optimum from cvxpy + Clarabel
/// (exposure_limits_reference.py): 2001-01, a month whose primal–dual guesses cycle between a sector cap,
/// three exposure limits and `w <= 10%`, and which the method answers by its parametric path; 2001-12,
/// whose path passes a weight pinned by the sector cap (see `aMonthWithAPinnedWeightIsSolvedStructured`).
private struct ExposureLimitedMonth: Decodable {
    struct Limit: Decodable { let coefficients: [Double]; let lower: Double?; let upper: Double? }
    let alpha: [Double]
    /// n × K, asset by asset.
    let loadings: [[Double]]
    let factorCovariance: [[Double]]
    let residualVariances: [Double]
    let benchmark: [Double]
    let lower: [Double]
    let upper: [Double?]
    let limits: [Limit]
    /// τ, monthly.
    let budget: Double

    struct Optimum: Decodable { let objective: Double; let weights: [Double] }
    struct Reference: Decodable {
        struct Aversion: Decodable { let gamma: Double; let objective: Double; let weights: [Double] }
        let budget: Optimum
        /// 2001-01 only.
        let aversion: Aversion?
    }

    static func load(_ month: String = "2001_01") throws -> (month: ExposureLimitedMonth, reference: Reference) {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("References")
        return (try JSONDecoder().decode(ExposureLimitedMonth.self, from: Data(contentsOf: folder.appendingPathComponent("exposure_limits_\(month).json"))),
                try JSONDecoder().decode(Reference.self, from: Data(contentsOf: folder.appendingPathComponent("exposure_limits_\(month)_reference.json"))))
    }

    func problem(_ risk: FactorPortfolioProblem.Risk) -> FactorPortfolioProblem {
        let n = alpha.count, k = factorCovariance.count
        var b = Matrix(rows: k, cols: n, repeating: 0)
        for i in 0..<n { for r in 0..<k { b[r, i] = loadings[i][r] } }
        return FactorPortfolioProblem(
            alpha: alpha, loadings: b, factorCovariance: Matrix(rowMajor: factorCovariance), residualVariances: residualVariances,
            benchmark: benchmark, risk: risk, lowerBounds: lower, upperBounds: upper.map { $0 ?? .infinity },
            limits: limits.map { .init(coefficients: $0.coefficients, lower: $0.lower ?? -.infinity, upper: $0.upper ?? .infinity) })
    }
}

private func expectMatches(_ solution: FactorPortfolioSolution?, objective: Double, weights: [Double], _ what: String) throws {
    let solution = try #require(solution, "\(what): not answered")
    #expect(abs(solution.objective - objective) <= 1e-8 * abs(objective), "\(what): objective \(solution.objective) vs \(objective)")
    let largest = zip(solution.weights, weights).map { abs($0 - $1) }.max() ?? .infinity
    #expect(largest <= 1e-6, "\(what): weights differ by \(largest)")
}

/// The parametric path alone, from the problem's linear program.
private func path(_ problem: FactorPortfolioProblem) -> FactorPortfolioSolution? {
    let model = FreeSetModel(problem)
    return model.pathFromLinearProgram(model.linearProgramOptimum())
}

/// The month answered structured (certified), at the reference optimum; and the path alone reaches it.
@Test func anExposureLimitedMonthIsSolvedStructured() throws {
    let (month, reference) = try ExposureLimitedMonth.load()
    let problem = month.problem(.trackingErrorBudget(month.budget))
    try expectMatches(FactorPortfolioSolver.solve(problem), objective: reference.budget.objective, weights: reference.budget.weights, "solver")
    try expectMatches(path(problem), objective: reference.budget.objective,
                      weights: reference.budget.weights, "path")
}

/// The path's other end: under a risk aversion it stops at κ = 2γ.
@Test func theParametricPathStopsAtTheAversion() throws {
    let (month, reference) = try ExposureLimitedMonth.load()
    let aversion = try #require(reference.aversion)
    let problem = month.problem(.riskAversion(aversion.gamma))
    try expectMatches(path(problem), objective: aversion.objective, weights: aversion.weights, "path")
    try expectMatches(FactorPortfolioSolver.solve(problem), objective: aversion.objective, weights: aversion.weights, "solver")
}

/// 2001-12: the sector cap (20%) equals the caps of the two members at 10%, so once the others reach 0 the
/// last free one is pinned at 0 by the cap and its slope along the path is rounding. Read as a move (in the
/// release build its rounding leaned towards the bound), it made a breakpoint at once, the guess singular,
/// and the month went to the interior-point method. The month answered structured, by the path and by the
/// solver, at the reference optimum (the rule itself: `aRoundingSlopeIsNotABreakpoint`, since the debug
/// build's rounding happens to lean the other way here).
@Test func aMonthWithAPinnedWeightIsSolvedStructured() throws {
    let (month, reference) = try ExposureLimitedMonth.load("2001_12")
    let problem = month.problem(.trackingErrorBudget(month.budget))
    try expectMatches(path(problem), objective: reference.budget.objective, weights: reference.budget.weights, "path")
    try expectMatches(FactorPortfolioSolver.solve(problem), objective: reference.budget.objective,
                      weights: reference.budget.weights, "solver")
}

/// A free weight a hair past its bound at t = 1 whose slope is rounding (1e-18 against 0.3 for the others) is
/// pinned, not moving: no breakpoint; with a real slope (1e-3) the same weight meets its bound at once.
@Test func aRoundingSlopeIsNotABreakpoint() throws {
    let model = FreeSetModel(threeAssetProblem())
    func segment(pinnedSlope: Double) -> FreeSetModel.Segment {
        FreeSetModel.Segment(
            guess: .init(places: [.free, .free, .free], limits: [], turnoverActive: false), active: [], turnoverRow: nil,
            vertex: false, offset: [-1e-17 - pinnedSlope, 0.5, 0.5], slope: [pinnedSlope, 0.3, -0.3], exposureSlope: [0], exposureOffset: [0],
            multiplierOffset: [0], multiplierSlope: [0], variance: (a: 1, b: 0, c: 0))
    }
    #expect(model.nextBreakpoint(segment(pinnedSlope: 1e-18), from: 1, downTo: 0) == nil)
    let moving = try #require(model.nextBreakpoint(segment(pinnedSlope: 1e-3), from: 1, downTo: 0))
    #expect(moving.t == 1 && moving.guess.places == [.lower, .free, .free])
}
