import Foundation
import Testing
import TiltLinearAlgebra
@testable import TiltPortfolio
@testable import TiltSolver

/// One case of References/factor_portfolio.json (make_factor_portfolio_references.py: cvxpy + Clarabel at
/// tolerances 1e-10, the risk written through the factors).
private struct FactorPortfolioReference: Decodable {
    struct SplitMix: Decodable { let n: Int; let seed: UInt64; let factors: Int }
    struct Data: Decodable {
        /// n × K, asset by asset.
        let loadings: [[Double]]
        let factorCovariance: [[Double]]
        let residualVariances: [Double]
        let alpha: [Double]
        let benchmark: [Double]
    }
    let name: String
    let kind: String
    let parameter: Double
    let splitmix: SplitMix?
    let data: Data?
    /// Bounds on the weights when not long-only without upper bounds.
    let lower: [Double]?
    let upper: [Double]?
    /// αᵀ(w − b), minus γ·(active variance) for risk aversion.
    let objective: Double
    let weights: [Double]

    static func all() throws -> [FactorPortfolioReference] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("References/factor_portfolio.json")
        return try JSONDecoder().decode([FactorPortfolioReference].self, from: Foundation.Data(contentsOf: url))
    }

    var problem: FactorPortfolioProblem {
        let risk: FactorPortfolioProblem.Risk = kind == "tev" ? .trackingErrorBudget(parameter) : .riskAversion(parameter)
        if let splitmix {
            let market = FactorBenchmarkData(n: splitmix.n, k: splitmix.factors, seed: splitmix.seed)
            return makeProblem(loadings: market.loadings, factorCovariance: (0..<splitmix.factors).map { j in
                (0..<splitmix.factors).map { $0 == j ? market.factorVariances[j] : 0 }
            }, residualVariances: market.residualVariances, alpha: market.alphas, benchmark: market.benchmark, risk: risk,
               lower: lower, upper: upper)
        }
        let data = data!
        return makeProblem(loadings: data.loadings, factorCovariance: data.factorCovariance,
                           residualVariances: data.residualVariances, alpha: data.alpha, benchmark: data.benchmark, risk: risk)
    }
}

/// A problem from asset-by-asset loadings (n × K) and a K × K covariance given row by row.
private func makeProblem(loadings: [[Double]], factorCovariance: [[Double]], residualVariances: [Double], alpha: [Double],
                         benchmark: [Double], risk: FactorPortfolioProblem.Risk, lower: [Double]? = nil,
                         upper: [Double]? = nil) -> FactorPortfolioProblem {
    let n = loadings.count, k = factorCovariance.count
    var b = Matrix(rows: k, cols: n, repeating: 0)
    for i in 0..<n { for j in 0..<k { b[j, i] = loadings[i][j] } }
    return FactorPortfolioProblem(alpha: alpha, loadings: b, factorCovariance: Matrix(rowMajor: factorCovariance),
                                  residualVariances: residualVariances, benchmark: benchmark, risk: risk,
                                  lowerBounds: lower, upperBounds: upper)
}

/// Σ(w − b) through the factors, and the active variance.
private func riskGradient(_ problem: FactorPortfolioProblem, _ w: [Double]) -> (gradient: [Double], variance: Double) {
    let n = problem.alpha.count, k = problem.loadings.rows
    let d = (0..<n).map { w[$0] - problem.benchmark[$0] }
    let exposure = (0..<k).map { r in (0..<n).reduce(0) { $0 + problem.loadings[r, $1] * d[$1] } }
    let covarianceTimes = (0..<k).map { r in (0..<k).reduce(0) { $0 + problem.factorCovariance[r, $1] * exposure[$1] } }
    let gradient = (0..<n).map { i in
        (0..<k).reduce(0) { $0 + problem.loadings[$1, i] * covarianceTimes[$1] } + problem.residualVariances[i] * d[i]
    }
    return (gradient, zip(d, gradient).reduce(0) { $0 + $1.0 * $1.1 })
}

@Test func factorPortfolioSolverMatchesCvxpyReferences() throws {
    let references = try FactorPortfolioReference.all()
    #expect(references.count == 31)
    for reference in references {
        let problem = reference.problem
        guard let solution = FactorPortfolioSolver.solve(problem) else {
            Issue.record("\(reference.name): declined")
            continue
        }
        let activeReturn = zip(problem.alpha, zip(solution.weights, problem.benchmark)).reduce(0) { $0 + $1.0 * ($1.1.0 - $1.1.1) }
        let objective: Double
        if case .riskAversion(let gamma) = problem.risk { objective = activeReturn - gamma * solution.activeVariance } else { objective = activeReturn }
        #expect(abs(objective - reference.objective) <= 1e-8 * abs(reference.objective), "\(reference.name)")
        // Clarabel's weights are interior-point iterates at a 1e-10 gap: a gap g leaves weights off by up to
        // √(g / curvature), and the curvature along a face can be as small as 2γ·min E ≈ 4e-3 here, so they
        // are good to about 1e-4 (the objective, above, is what they pin to 1e-8); the structured weights
        // satisfy the KKT conditions to 1e-10 (next test).
        let weightError = zip(solution.weights, reference.weights).map { abs($0 - $1) }.max() ?? 0
        #expect(weightError <= 1e-4, "\(reference.name): weights off by \(weightError)")
    }
}

/// The KKT conditions checked here independently of the solver's own certificate: stationarity
/// α − κΣ(w − b) − ν1 + λ − μ = 0 with Σ applied through the factors, λ, μ ≥ 0, λ∘(w − l) = 0,
/// μ∘(u − w) = 0, l ≤ w ≤ u, 1ᵀw = 1, and the variance at the budget (or κ = 2γ).
@Test func factorPortfolioSolutionsSatisfyTheOptimalityConditions() throws {
    for reference in try FactorPortfolioReference.all() {
        let problem = reference.problem
        guard let solution = FactorPortfolioSolver.solve(problem) else { continue }  // reported by the test above
        let (gradient, variance) = riskGradient(problem, solution.weights)
        let scale = problem.alpha.map(abs).max()!
        for i in problem.alpha.indices {
            let lambda = solution.lowerBoundMultipliers[i], mu = solution.upperBoundMultipliers[i], w = solution.weights[i]
            let residual = problem.alpha[i] - solution.curvature * gradient[i] - solution.budgetMultiplier + lambda - mu
            #expect(abs(residual) <= 1e-10 * scale, "\(reference.name) asset \(i)")
            #expect(problem.lowerBounds[i] <= w && w <= problem.upperBounds[i] && lambda >= 0 && mu >= 0)
            #expect((lambda == 0 || w == problem.lowerBounds[i]) && (mu == 0 || w == problem.upperBounds[i]))
        }
        #expect(abs(solution.weights.reduce(0, +) - 1) <= 1e-12)
        #expect(abs(variance - solution.activeVariance) <= 1e-12 * variance)
        switch problem.risk {
        case .trackingErrorBudget(let tau):
            // At the budget, or within it when it does not bind (κ = 0: the linear program's optimum).
            if solution.curvature > 0 { #expect(abs(variance.squareRoot() - tau) <= 1e-10 * tau) } else { #expect(variance <= tau * tau) }
        case .riskAversion(let gamma): #expect(abs(solution.curvature - 2 * gamma) <= 1e-12 * gamma)
        case .riskAversionWithinBudget: Issue.record("the references have no case with both")
        }
    }
}

/// A budget so loose that the best single asset is inside it does not bind: the optimum is that asset
/// alone, with κ = 0 and μ_i = max α − α_i.
@Test func aBudgetThatDoesNotBindHoldsTheBestAsset() throws {
    let market = FactorBenchmarkData(n: 48, k: 6)
    let covariance = (0..<6).map { j in (0..<6).map { $0 == j ? market.factorVariances[j] : 0 } }
    let problem = makeProblem(loadings: market.loadings, factorCovariance: covariance, residualVariances: market.residualVariances,
                              alpha: market.alphas, benchmark: market.benchmark, risk: .trackingErrorBudget(0.5))
    let solution = try #require(FactorPortfolioSolver.solve(problem))
    let best = market.alphas.indices.max { market.alphas[$0] < market.alphas[$1] }!
    #expect(solution.weights[best] == 1 && solution.weights.reduce(0, +) == 1)
    #expect(solution.curvature == 0 && solution.budgetMultiplier == market.alphas[best])
    #expect(solution.activeVariance <= 0.25 && solution.lowerBoundMultipliers.allSatisfy { $0 >= 0 })
    #expect(solution.upperBoundMultipliers.allSatisfy { $0 == 0 })
    // Just inside the corner's own tracking error it still holds; just outside, the budget binds.
    let cornerRisk = solution.activeVariance.squareRoot()
    func solved(_ tau: Double) throws -> FactorPortfolioSolution {
        try #require(FactorPortfolioSolver.solve(makeProblem(
            loadings: market.loadings, factorCovariance: covariance, residualVariances: market.residualVariances,
            alpha: market.alphas, benchmark: market.benchmark, risk: .trackingErrorBudget(tau))))
    }
    #expect(try solved(cornerRisk * (1 + 1e-6)).weights[best] == 1)
    let binding = try solved(cornerRisk * 0.99)
    #expect(binding.curvature > 0 && binding.weights[best] < 1)

    // With positions capped at 30%, the loose budget's optimum fills the three largest α and puts the
    // last 10% in the fourth.
    let capped = try #require(FactorPortfolioSolver.solve(makeProblem(
        loadings: market.loadings, factorCovariance: covariance, residualVariances: market.residualVariances,
        alpha: market.alphas, benchmark: market.benchmark, risk: .trackingErrorBudget(0.5),
        upper: [Double](repeating: 0.3, count: 48))))
    let ranked = market.alphas.indices.sorted { market.alphas[$0] > market.alphas[$1] }
    #expect(ranked.prefix(3).allSatisfy { capped.weights[$0] == 0.3 } && abs(capped.weights[ranked[3]] - 0.1) <= 1e-15)
    #expect(capped.curvature == 0 && capped.budgetMultiplier == market.alphas[ranked[3]])
}

/// Out of the method's scope, it declines (nil) rather than guess: the caller then runs the interior-point
/// method.
@Test func factorPortfolioSolverDeclinesWhatItCannotCertify() throws {
    let market = FactorBenchmarkData(n: 48, k: 6)
    let covariance = (0..<6).map { j in (0..<6).map { $0 == j ? market.factorVariances[j] : 0 } }
    func problem(risk: FactorPortfolioProblem.Risk, residualVariances: [Double]? = nil, benchmark: [Double]? = nil) -> FactorPortfolioProblem {
        makeProblem(loadings: market.loadings, factorCovariance: covariance, residualVariances: residualVariances ?? market.residualVariances,
                    alpha: market.alphas, benchmark: benchmark ?? market.benchmark, risk: risk)
    }
    // No aversion (a linear program), a zero budget, a zero residual variance, NaN data, mismatched sizes.
    #expect(FactorPortfolioSolver.solve(problem(risk: .riskAversion(0))) == nil)
    #expect(FactorPortfolioSolver.solve(problem(risk: .trackingErrorBudget(0))) == nil)
    var residuals = market.residualVariances
    residuals[3] = 0
    #expect(FactorPortfolioSolver.solve(problem(risk: .riskAversion(5), residualVariances: residuals)) == nil)
    residuals[3] = .nan
    #expect(FactorPortfolioSolver.solve(problem(risk: .riskAversion(5), residualVariances: residuals)) == nil)
    #expect(FactorPortfolioSolver.solve(problem(risk: .riskAversion(5), benchmark: [1])) == nil)
    // Bounds that leave no room for a fully invested portfolio, or cross.
    let tooTight = makeProblem(loadings: market.loadings, factorCovariance: covariance, residualVariances: market.residualVariances,
                               alpha: market.alphas, benchmark: market.benchmark, risk: .riskAversion(5),
                               upper: [Double](repeating: 0.02, count: 48))
    #expect(FactorPortfolioSolver.solve(tooTight) == nil)
    let crossing = makeProblem(loadings: market.loadings, factorCovariance: covariance, residualVariances: market.residualVariances,
                               alpha: market.alphas, benchmark: market.benchmark, risk: .riskAversion(5),
                               lower: [Double](repeating: 0.01, count: 48), upper: [Double](repeating: 0.005, count: 48))
    #expect(FactorPortfolioSolver.solve(crossing) == nil)
    // An indefinite or asymmetric factor covariance: the problem would not be convex.
    for covariance in [[[1e-4, 2e-4], [2e-4, 1e-4]], [[1e-4, 1e-5], [0, 1e-4]]] {
        let twoFactors = makeProblem(loadings: market.loadings.map { Array($0.prefix(2)) }, factorCovariance: covariance,
                                     residualVariances: market.residualVariances, alpha: market.alphas,
                                     benchmark: market.benchmark, risk: .riskAversion(5))
        #expect(FactorPortfolioSolver.solve(twoFactors) == nil)
    }
}

/// A second method: the interior-point solver (with polishing, exact active set) on the cone program of
/// the same tracking-error problem, over budgets from tight to nearly loose.
@Test func factorPortfolioSolverAgreesWithTheInteriorPointMethod() throws {
    let n = 48, k = 6
    let market = FactorBenchmarkData(n: n, k: k, seed: 11)
    let covariance = (0..<k).map { j in (0..<k).map { $0 == j ? market.factorVariances[j] : 0 } }
    for budget in [0.001, 0.004, 0.01, 0.02, 0.03] {
        let problem = makeProblem(loadings: market.loadings, factorCovariance: covariance, residualVariances: market.residualVariances,
                                  alpha: market.alphas, benchmark: market.benchmark, risk: .trackingErrorBudget(budget))
        var cone = factorTEVProblem(n: n, k: k, seed: 11)
        cone.b[k + 1 + n] = budget
        let ipm = try InteriorPointSolver(problem: cone).solve()
        let polished = SolutionPolisher.polish(cone, ipm) ?? ipm
        #expect(polished.status == .optimal)
        let structured = try #require(FactorPortfolioSolver.solve(problem), "budget \(budget)")
        #expect(abs(structured.objective - (-polished.primalObjective)) <= 1e-9 * abs(structured.objective), "budget \(budget)")
    }
}

/// The full update leaves a free weight within rounding of its bound free (a limit may pin it there: moving it
/// onto the bound left the limit without a free weight, released it and freed the weight again) and moves one
/// past its bound by more onto it.
@Test func aFreeWeightWithinRoundingOfItsBoundStaysFree() throws {
    let model = FreeSetModel(threeAssetProblem())
    let guess = FreeSetModel.Guess(places: [.free, .free, .free], limits: [], turnoverActive: false)
    func point(_ first: Double) -> FreeSetModel.Point {
        FreeSetModel.Point(weights: [first, 0.5, 0.5 - first], curvature: 1, budgetMultiplier: 0, limitMultipliers: [],
                           turnoverMultiplier: 0, marginals: [0, 0, 0], price: 0, activeVariance: 1e-4, exceedsBudget: false,
                           limitValues: [], turnover: 0)
    }
    #expect(model.nextGuess(after: guess, at: point(-1e-17)).places == [.free, .free, .free])
    #expect(model.nextGuess(after: guess, at: point(0)).places == [.free, .free, .free])
    #expect(model.nextGuess(after: guess, at: point(-1e-9)).places == [.lower, .free, .free])
}
