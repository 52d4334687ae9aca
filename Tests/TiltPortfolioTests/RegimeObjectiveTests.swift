import Foundation
import Testing
import TiltLinearAlgebra
import TiltModeling
import TiltPortfolio
import TiltSolver

/// One instance of References/regime_objectives_reference.json (written by
/// regime_objectives_reference.py with cvxpy + Clarabel): regimes, and the optimal weights and values of
/// the exponential loss and of EVaR under long-only, fully invested constraints.
struct RegimeReference: Decodable, Sendable {
    /// A matrix as the script writes it (column-major values).
    struct Dense: Decodable, Sendable {
        let rows, cols: Int
        let values: [Double]
        var matrix: Matrix { Matrix(rows: rows, cols: cols, columnMajor: values) }
    }

    struct State: Decodable, Sendable {
        let probability: Double
        let expected_returns: [Double]
        let loadings: Dense
        let factor_covariance: Dense
        let residual_variances: [Double]
        var regime: RegimeState {
            RegimeState(probability: probability, expectedReturns: expected_returns, loadings: loadings.matrix,
                        factorCovariance: factor_covariance.matrix, residualVariances: residual_variances)
        }
    }
    let name: String
    let phi: Double
    let confidence: Double
    let states: [State]
    let loss_objective: Double
    let loss_weights: [Double]
    let evar_objective: Double
    let evar_weights: [Double]

    var regimes: [RegimeState] { states.map(\.regime) }
    var stocks: Int { loss_weights.count }

    static let all: [RegimeReference] = {
        struct File: Decodable { let cases: [RegimeReference] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("References/regime_objectives_reference.json")
        guard let data = try? Data(contentsOf: url), let file = try? JSONDecoder().decode(File.self, from: data) else { return [] }
        return file.cases
    }()

    static func named(_ name: String) throws -> RegimeReference {
        try #require(all.first { $0.name == name }, "References/regime_objectives_reference.json has no case \(name)")
    }
}

// MARK: Direct evaluation (V_s formed explicitly: an independent computation)

/// (μ_s, σ_s², ∇μ_s = R_s, ∇σ_s² = 2V_s w) at w.
private func moments(_ state: RegimeState, _ w: [Double]) throws -> (mean: Double, variance: Double, varianceGradient: [Double]) {
    let b = state.loadings, n = w.count
    let covariance = try Matrix.product(Matrix.product(b.transposed(), state.factorCovariance), b)
    var vw = [Double](repeating: 0, count: n)
    for i in 0..<n {
        var sum = state.residualVariances[i] * w[i]
        for j in 0..<n { sum += covariance[i, j] * w[j] }
        vw[i] = sum
    }
    let mean = zip(state.expectedReturns, w).reduce(0) { $0 + $1.0 * $1.1 }
    let variance = zip(vw, w).reduce(0) { $0 + $1.0 * $1.1 }
    return (mean, variance, vw.map { 2 * $0 })
}

/// log Σ π_s exp(−φμ_s + φ²σ_s²/2) and its gradient in w.
private func lossAndGradient(_ states: [RegimeState], phi: Double, at w: [Double]) throws -> (Double, [Double]) {
    let m = try states.map { try moments($0, w) }
    let exponents = zip(states, m).map { log($0.probability) - phi * $1.mean + phi * phi / 2 * $1.variance }
    let top = exponents.max() ?? 0
    let weights = exponents.map { exp($0 - top) }
    let total = weights.reduce(0, +)
    var gradient = [Double](repeating: 0, count: w.count)
    for (s, state) in states.enumerated() {
        let p = weights[s] / total
        for i in w.indices { gradient[i] += p * (-phi * state.expectedReturns[i] + phi * phi / 2 * m[s].varianceGradient[i]) }
    }
    return (top + log(total), gradient)
}

/// EVaR at w by a scalar minimisation over t (golden section on log t; the function is convex in t).
private func evarByScalarSearch(_ states: [RegimeState], confidence: Double, at w: [Double]) throws -> Double {
    let m = try states.map { try moments($0, w) }
    let alpha = 1 - confidence
    func h(_ logT: Double) -> Double {
        let t = exp(logT)
        let exponents = zip(states, m).map { log($0.probability) - $1.mean / t + $1.variance / (2 * t * t) }
        let top = exponents.max() ?? 0
        return t * (top + log(exponents.reduce(0) { $0 + exp($1 - top) }) - log(alpha))
    }
    var (lo, hi) = (log(1e-6), log(10.0))
    let ratio = (5.0.squareRoot() - 1) / 2
    for _ in 0..<200 {
        let a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo)
        if h(a) < h(b) { hi = b } else { lo = a }
    }
    return h((lo + hi) / 2)
}

private func longOnlyProblem(_ objective: ModelExpression, _ w: ModelExpression) throws -> OptimizationProblem {
    OptimizationProblem(sense: .minimize, objective: objective, constraints: [
        .init(lhs: .sum(w), relation: .equal, rhs: .constant(1)),
        .init(lhs: w, relation: .greaterEqual, rhs: .constant(0)),
    ])
}

private let caseNames = ["n10_s2", "n30_s3", "n50_s2", "n40_s3"]

@Test func regimeReferencesArePresent() {
    #expect(RegimeReference.all.map(\.name) == caseNames)
}

/// The exponential loss matches cvxpy + Clarabel (objective 1e-6 relative, weights 1e-5), equals the
/// direct evaluation of log Σ π_s exp(…) at the returned weights (1e-8), and satisfies the KKT conditions
/// of min loss s.t. Σw = 1, w ≥ 0: the gradient is λ on the support and ≥ λ off it (to the accuracy of
/// an unpolished exponential-cone solve, see below).
@Test(arguments: caseNames)
func regimeLossMatchesReferenceAndKKT(name: String) throws {
    let reference = try RegimeReference.named(name)
    let variable = Variable(name: "w", rows: reference.stocks)
    let w = ModelExpression.variable(variable)
    let loss = try RegimeObjectives.exponentialLoss(weights: w, states: reference.regimes, phi: reference.phi)
    let solution = try longOnlyProblem(loss, w).solve()
    #expect(solution.status == .optimal)
    let objective = try #require(solution.objective)
    let weights = try #require(solution.values.first { $0.0 === variable }?.1.storage)
    #expect(abs(objective - reference.loss_objective) <= 1e-6 * max(1, abs(reference.loss_objective)),
            "objective \(objective) vs cvxpy \(reference.loss_objective)")
    let weightGap = zip(weights, reference.loss_weights).map { abs($0 - $1) }.max() ?? .infinity
    #expect(weightGap <= 1e-5, "weights differ from cvxpy by \(weightGap)")

    let (direct, gradient) = try lossAndGradient(reference.regimes, phi: reference.phi, at: weights)
    #expect(abs(direct - objective) <= 1e-8 * max(1, abs(direct)), "direct evaluation \(direct) vs solver \(objective)")

    let support = weights.indices.filter { weights[$0] > 1e-6 }
    let lambda = support.map { gradient[$0] }.reduce(0, +) / Double(support.count)
    let onSupport = support.map { abs(gradient[$0] - lambda) }.max() ?? 0
    let offSupport = weights.indices.filter { weights[$0] <= 1e-6 }.map { lambda - gradient[$0] }.max() ?? 0
    // An unpolished exponential-cone solve stops at a 1e-8 gap, which leaves the weights about
    // 1e-5/‖∇²loss‖ from the optimum: the gradient is flat on the support to ~1e-5 of λ (1e-6 at φ ≤ 10);
    // the bound allows for a solve that polishing could not refine.
    let tolerance = 2e-5 * max(1, abs(lambda))
    #expect(onSupport <= tolerance, "gradient varies by \(onSupport) on the support (λ = \(lambda))")
    #expect(offSupport <= tolerance, "gradient below λ by \(offSupport) off the support (λ = \(lambda))")
}

/// EVaR matches cvxpy + Clarabel (objective 1e-6 relative, weights 3e-5), and the optimal value equals
/// the 1-D infimum over t at the returned weights, found by a scalar search.
@Test(arguments: caseNames)
func regimeEVaRMatchesReferenceAndScalarSearch(name: String) throws {
    let reference = try RegimeReference.named(name)
    let variable = Variable(name: "w", rows: reference.stocks)
    let w = ModelExpression.variable(variable)
    let evar = try RegimeObjectives.evar(weights: w, states: reference.regimes, confidence: reference.confidence)
    var settings = SolverSettings()
    settings.gapAbsoluteTolerance = 1e-10
    settings.gapRelativeTolerance = 1e-10
    settings.feasibilityTolerance = 1e-10
    let solution = try longOnlyProblem(evar, w).solve(settings: settings)
    #expect(solution.status == .optimal)
    let objective = try #require(solution.objective)
    let weights = try #require(solution.values.first { $0.0 === variable }?.1.storage)
    #expect(abs(objective - reference.evar_objective) <= 1e-6 * max(1, abs(reference.evar_objective)),
            "objective \(objective) vs cvxpy \(reference.evar_objective)")
    // EVaR is positively homogeneous in (w, t), so its optimum is flatter than the loss's: both solvers,
    // stopped at a 1e-8 gap, agree on the weights to a few 1e-5.
    let weightGap = zip(weights, reference.evar_weights).map { abs($0 - $1) }.max() ?? .infinity
    #expect(weightGap <= 3e-5, "weights differ from cvxpy by \(weightGap)")
    let searched = try evarByScalarSearch(reference.regimes, confidence: reference.confidence, at: weights)
    #expect(abs(searched - objective) <= 1e-8 * max(1, abs(searched)), "scalar search \(searched) vs solver \(objective)")
}

/// With one regime the loss is the mean-variance objective (a QP, no exponential cone) and EVaR is
/// −μ + σ√(−2 log α), the Gaussian closed form; the certainty equivalent is −loss/φ.
@Test func singleRegimeClosedForms() throws {
    let reference = try RegimeReference.named("n10_s2")
    var state = reference.regimes[0]
    state.probability = 1
    let variable = Variable(name: "w", rows: reference.stocks)
    let w = ModelExpression.variable(variable)
    let loss = try RegimeObjectives.exponentialLoss(weights: w, states: [state], phi: 5)
    let compiled = try ConeCompiler.compile(try longOnlyProblem(loss, w))
    #expect(!compiled.conic.cones.contains(.exponential))

    let equal = Matrix(column: [Double](repeating: 1 / Double(reference.stocks), count: reference.stocks))
    let m = try moments(state, equal.storage)
    let lossValue = try #require(loss.value(at: [variable: equal]))[0, 0]
    #expect(abs(lossValue - (-5 * m.mean + 12.5 * m.variance)) <= 1e-12)
    let utility = try RegimeObjectives.utility(weights: w, states: [state], phi: 5)
    #expect(abs(try #require(utility.value(at: [variable: equal]))[0, 0] + lossValue / 5) <= 1e-12)

    // EVaR at fixed weights: pin w and minimise over t alone.
    let evar = try RegimeObjectives.evar(weights: w, states: [state], confidence: 0.95)
    let pinned = OptimizationProblem(sense: .minimize, objective: evar,
                                     constraints: [.init(lhs: w, relation: .equal, rhs: .constant(equal))])
    let solution = try pinned.solve()
    let closedForm = -m.mean + m.variance.squareRoot() * (-2 * log(0.05)).squareRoot()
    let objective = try #require(solution.objective)
    #expect(abs(objective - closedForm) <= 1e-7, "EVaR \(objective) vs closed form \(closedForm)")
}

/// Bad inputs are errors with a message, not crashes.
@Test func regimeObjectiveRejectsBadInput() throws {
    let reference = try RegimeReference.named("n10_s2")
    let w = ModelExpression.variable(Variable(name: "w", rows: reference.stocks))
    var states = reference.regimes
    states[0].probability += 0.1
    #expect(throws: ModelingError.self) { try RegimeObjectives.exponentialLoss(weights: w, states: states, phi: 10) }
    #expect(throws: ModelingError.self) { try RegimeObjectives.exponentialLoss(weights: w, states: reference.regimes, phi: -1) }
    #expect(throws: ModelingError.self) { try RegimeObjectives.evar(weights: w, states: reference.regimes, confidence: 1.2) }
    #expect(throws: ModelingError.self) { try RegimeObjectives.evar(weights: w, states: [], confidence: 0.95) }
    let short = ModelExpression.variable(Variable(name: "v", rows: 3))
    #expect(throws: ModelingError.self) { try RegimeObjectives.exponentialLoss(weights: short, states: reference.regimes, phi: 10) }
}
