import Foundation
import Testing
import TiltLinearAlgebra
@testable import TiltSolver

/// Every reference problem, with every KKT back end (`.automatic` is the block-arrow one where the
/// KKT system has that structure): status and objective as Clarabel's (1e-6 relative), and the KKT
/// conditions of the returned point checked directly.
@Test(arguments: ReferenceProblem.names, [LinearSolverChoice.dense, .sparse, .automatic])
func referenceProblemMatchesClarabel(name: String, backend: LinearSolverChoice) throws {
    let reference = try ReferenceProblem.load(name)
    let problem = reference.problem
    var settings = SolverSettings()
    settings.linearSolver = backend
    let solution = try InteriorPointSolver(problem: problem, settings: settings).solve()
    switch reference.status {
    case "Solved":
        #expect(solution.status == .optimal, "\(name): \(solution.status)")
        let expected = try #require(reference.objective)
        #expect(abs(solution.primalObjective - expected) <= 1e-6 * max(1, abs(expected)),
                "\(name): \(solution.primalObjective) vs clarabel \(expected)")
        #expect(KKTCheck.primalResidual(problem, solution) < 1e-7, "\(name)")
        #expect(KKTCheck.dualResidual(problem, solution) < 1e-7, "\(name)")
        #expect(KKTCheck.complementarity(solution) < 1e-7, "\(name)")
        #expect(KKTCheck.coneViolation(problem, solution) < 1e-8, "\(name)")
    case "PrimalInfeasible":
        #expect(solution.status == .primalInfeasible, "\(name): \(solution.status)")
        // Farkas certificate: bᵀz = −1, Aᵀz ≈ 0, z ∈ K*.
        let atz = problem.A.transposeTimes(solution.z)
        #expect(abs(zip(problem.b, solution.z).reduce(0) { $0 + $1.0 * $1.1 } + 1) < 1e-9)
        #expect(KKTCheck.normInf(atz) < 1e-6)
        #expect(solution.z.allSatisfy { $0 >= -1e-9 })
    case "DualInfeasible":
        #expect(solution.status == .dualInfeasible, "\(name): \(solution.status)")
        // Unbounded direction: qᵀx = −1, Ax ∈ −K.
        #expect(abs(zip(problem.q, solution.x).reduce(0) { $0 + $1.0 * $1.1 } + 1) < 1e-9)
        let ax = problem.A.times(solution.x)
        #expect(abs(ax[0]) < 1e-6)
        #expect(ax.dropFirst().allSatisfy { $0 <= 1e-6 })
    default:
        Issue.record("unknown reference status \(reference.status)")
    }
}

/// Exponential-cone problems converge in about Clarabel's iteration counts (clarabel 0.11.1, as
/// printed by References/make_references.py: 11, 9, 9).
@Test(arguments: [("exp_logsumexp", 11), ("exp_entropy", 9), ("exp_explog", 9)])
func exponentialConeIterationsStayNearClarabel(name: String, clarabelIterations: Int) throws {
    let solution = try InteriorPointSolver(problem: try ReferenceProblem.load(name).problem).solve()
    #expect(solution.status == .optimal)
    #expect(solution.info.iterations <= clarabelIterations + 2, "\(name): \(solution.info.iterations) iterations")
}
