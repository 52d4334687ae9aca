import Foundation
import Testing
import TiltLinearAlgebra
@testable import TiltPortfolio

/// Examples/exposure_limits.tilt's rebalance of 2001-01 as FactorPortfolioSolver receives it
/// (References/exposure_limits_2001_01.json) and its optimum from cvxpy + Clarabel
/// (exposure_limits_reference.py): a month whose primal–dual guesses cycle between a sector cap, three
/// exposure limits and `w <= 10%`, and which the method now answers by its parametric path.
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
        let aversion: Aversion
    }

    static func load() throws -> (month: ExposureLimitedMonth, reference: Reference) {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("References")
        return (try JSONDecoder().decode(ExposureLimitedMonth.self, from: Data(contentsOf: folder.appendingPathComponent("exposure_limits_2001_01.json"))),
                try JSONDecoder().decode(Reference.self, from: Data(contentsOf: folder.appendingPathComponent("exposure_limits_2001_01_reference.json"))))
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
    let problem = month.problem(.riskAversion(reference.aversion.gamma))
    try expectMatches(path(problem), objective: reference.aversion.objective,
                      weights: reference.aversion.weights, "path")
    try expectMatches(FactorPortfolioSolver.solve(problem), objective: reference.aversion.objective,
                      weights: reference.aversion.weights, "solver")
}
