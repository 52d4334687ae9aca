import Foundation
import Testing
import TiltData
import TiltLinearAlgebra
import TiltModeling
import TiltPortfolio
import TiltSolver

// What the portfolio tests share: markets, problems, and solving them both ways.

/// The solver benchmark's market as a strategy sees it.
func benchmarkContext(assets n: Int, seed: UInt64 = 42) -> PortfolioContext {
    PortfolioContext(benchmarkMarket: FactorBenchmarkData(n: n, k: 6, seed: seed))
}

/// `maximize mu'f [− γ·risk] s.t. [tev <= limit], extra…`, fully invested and long-only by default.
func portfolioProblem(tevLimit: Double? = nil, riskAversion: Double? = nil, sense: PortfolioProblem.Sense = .maximize,
                              extra: [PortfolioConstraint] = [], objectiveConstant: Double? = nil) -> PortfolioProblem {
    var objective = [ObjectiveTerm(.expectedActiveReturn)]
    if let riskAversion { objective.append(ObjectiveTerm(.minus, scale: riskAversion, .risk)) }
    if let objectiveConstant { objective.append(ObjectiveTerm(.expression(value: .constant(value: .number(objectiveConstant))))) }
    var constraints = extra
    if let tevLimit { constraints.insert(PortfolioConstraint(.trackingErrorAtMost(limit: tevLimit), text: "tev <= limit"), at: 0) }
    return PortfolioProblem(sense: sense, objective: objective, constraints: constraints, defaults: [.fullyInvested, .longOnly])
}

/// Solved the way a strategy solves it (the structured method first) and by the interior-point path alone.
func solveBothWays(_ problem: PortfolioProblem, in context: PortfolioContext) throws -> (ProblemSolution, ProblemSolution) {
    (try problem.solve(in: context), try problem.lowered(in: context).solve())
}

/// Relative agreement of two matrices of values, against their largest entry (at least 1e-6: a multiplier
/// that is zero on one path is within the interior-point tolerances of zero on the other).
func agree(_ a: Matrix, _ b: Matrix, _ tolerance: Double) -> Bool {
    let scale = max(a.storage.map(abs).max() ?? 0, b.storage.map(abs).max() ?? 0, 1e-6)
    return a.rows == b.rows && a.cols == b.cols && zip(a.storage, b.storage).allSatisfy { abs($0 - $1) <= tolerance * scale }
}

/// Every constraint's dual on the two paths alike, to `tolerance` times the interior-point path's largest
/// multiplier (its multipliers of inactive bounds are ~1e-9 rather than 0 at its tolerances).
func expectDualsAgree(_ structured: ProblemSolution, _ interiorPoint: ProblemSolution, within tolerance: Double,
                      sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(structured.duals.count == interiorPoint.duals.count, sourceLocation: sourceLocation)
    let scale = interiorPoint.duals.flatMap(\.storage).map(abs).max() ?? 0
    for (index, (x, y)) in zip(structured.duals, interiorPoint.duals).enumerated() {
        let difference = zip(x.storage, y.storage).map { abs($0 - $1) }.max() ?? 0
        #expect(x.rows == y.rows && difference <= tolerance * scale, "dual of constraint \(index): off by \(difference)",
                sourceLocation: sourceLocation)
    }
}

/// A random market: full factor covariance, uneven benchmark with some zero weights; with `sectors` > 0
/// its units spread over that many sectors ("S1", …, each with a unit at least), and with `held` a book
/// held before, w₀ = 0.6 b + 0.4 r (r random on the simplex, every entry positive), else nothing held.
func randomContext(assets n: Int, factors k: Int, random: inout SplitMix64, sectors: Int = 0, held: Bool = false) -> PortfolioContext {
    func normal() -> Double { (-2 * log(max(random.uniform(), 1e-300))).squareRoot() * cos(2 * .pi * random.uniform()) }
    var loadings = Matrix(rows: k + 1, cols: n, repeating: 0)
    for i in 0..<n {
        loadings[0, i] = 0.01 * normal()
        for j in 0..<k { loadings[j + 1, i] = 0.5 * normal() + (j == 0 ? 1 : 0) }
    }
    var m = Matrix(rows: k, cols: k, repeating: 0)
    for r in 0..<k { for c in 0..<k { m[r, c] = 0.02 * normal() } }
    var covariance = Matrix(rows: k, cols: k, repeating: 0)
    for r in 0..<k { for c in 0..<k { covariance[r, c] = (0..<k).reduce(r == c ? 1e-4 : 0) { $0 + m[r, $1] * m[c, $1] } } }
    var benchmark = (0..<n).map { _ in random.uniform() < 0.2 ? 0 : random.uniform() }
    if benchmark.allSatisfy({ $0 == 0 }) { benchmark[0] = 1 }
    let total = benchmark.reduce(0, +)
    benchmark = benchmark.map { $0 / total }
    let residualVariances = (0..<n).map { _ in pow(0.02 + 0.04 * random.uniform(), 2) }
    let sectorNames = sectors > 0 ? (0..<n).map { i in "S\(i < sectors ? i + 1 : 1 + Int(random.next() % UInt64(sectors)))" } : nil
    var previous = [Double](repeating: 0, count: n)
    if held {
        let draws = (0..<n).map { _ in 0.05 + random.uniform() }
        let sum = draws.reduce(0, +)
        previous = (0..<n).map { 0.6 * benchmark[$0] + 0.4 * draws[$0] / sum }
    }
    return PortfolioContext(month: Month(2024, 12), units: (1...n).map { "a\($0)" }, loadings: loadings,
                            mu: [1] + [Double](repeating: 0, count: k), factorCovariance: covariance,
                            residualVariances: residualVariances, benchmark: benchmark, previousWeights: previous,
                            sectors: sectorNames, exposureNames: ["alpha"] + (1...k).map { "f\($0)" })
}

/// Three weights in [0, 1], one factor, a 1% monthly budget: a problem for tests of the active-set steps on
/// guesses and points they build by hand.
func threeAssetProblem() -> FactorPortfolioProblem {
    FactorPortfolioProblem(
        alpha: [0.01, 0.02, 0.03], loadings: Matrix(rows: 1, cols: 3, columnMajor: [1, 1, 1]),
        factorCovariance: Matrix(rows: 1, cols: 1, columnMajor: [0.002]), residualVariances: [0.001, 0.001, 0.001],
        benchmark: [0.2, 0.4, 0.4], risk: .trackingErrorBudget(0.01), lowerBounds: [0, 0, 0], upperBounds: [1, 1, 1])
}
