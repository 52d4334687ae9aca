import Foundation
import Testing
import TiltLinearAlgebra
@testable import TiltSolver

/// One case of References/hard_cases.json (written by make_hard_cases.py): a small cone program that has
/// broken interior-point solvers, with its answer from a second method — a closed form, checked against
/// Clarabel, or Clarabel at tolerances 1e-10.
private struct HardCase: Decodable, Sendable {
    let name: String
    let note: String
    let P: ReferenceProblem.CSC
    let q: [Double]
    let A: ReferenceProblem.CSC
    let b: [Double]
    let cones: [ReferenceProblem.Cone]
    let objectiveConstant: Double
    /// "Solved", "PrimalInfeasible" or "DualInfeasible".
    let status: String
    let objective: Double?
    /// The optimal point, where it is unique.
    let x: [Double]?
    let source: String

    var problem: ConicProblem {
        ConicProblem(P: P.matrix, q: q, A: A.matrix, b: b, cones: cones.map(\.spec), objectiveConstant: objectiveConstant)
    }

    static let all: [HardCase] = {
        struct File: Decodable { let cases: [HardCase] }
        let url = ReferenceProblem.directory.appendingPathComponent("hard_cases.json")
        guard let data = try? Data(contentsOf: url), let file = try? JSONDecoder().decode(File.self, from: data) else { return [] }
        return file.cases
    }()
}

private let hardCaseNames = [
    "lp_huge_coefficient", "lp_tiny_coefficients", "lp_mixed_row_scales", "lp_large_constant", "lp_degenerate_vertex",
    "lp_dependent_equalities", "lp_nearly_infeasible", "lp_infeasible_by_1e-6", "lp_unbounded_free_variable",
    "qp_free_variables", "qp_singular_flat", "qp_bordered_singular_covariance", "qp_huge_curvature", "qp_tiny_curvature",
    "socp_vertex", "socp_small_budget", "exp_large_optimum", "exp_tiny_weight",
]

@Test func hardCasesArePresent() {
    #expect(HardCase.all.map(\.name) == hardCaseNames)
}

/// Every case at default settings. Solvable ones: the interior-point method alone never calls a wrong
/// objective optimal (optimal within 1e-7 of the answer, relative to max(1, |answer|); where it cannot
/// reach the tolerances it says "almost optimal", and is then within 1e-4), and with polishing, as
/// `OptimizationProblem.solve` runs it, the answer is optimal within 1e-7 — within 1e-9, x too, where the
/// polished point verified. Where the point is unique and was not polished, x is within 1e-4 (the
/// interior-point method guarantees the objective; flat optima leave x to about √gap). Infeasible and
/// unbounded cases return a certificate that holds on the data (checked here directly, not through the
/// solver's own check): Farkas `z ∈ K*` with `Aᵀz ≈ 0`, `bᵀz = −1`; or `x` with `Px ≈ 0`, `Ax ∈ −K`,
/// `qᵀx = −1`.
@Test(arguments: hardCaseNames)
func hardCaseIsSolvedToItsKnownAnswer(name: String) throws {
    let hard = try #require(HardCase.all.first { $0.name == name }, "hard_cases.json has no case \(name)")
    let problem = hard.problem
    let solution = try InteriorPointSolver(problem: problem).solve()
    switch hard.status {
    case "Solved":
        let answer = try #require(hard.objective)
        let scale = max(1, abs(answer))
        #expect(solution.status.isSolved, "\(name) (\(hard.note)): \(solution.status)")
        guard solution.status.isSolved else { return }
        let bound = solution.status == .optimal ? 1e-7 : 1e-4
        #expect(abs(solution.primalObjective - answer) <= bound * scale,
                "\(name): \(solution.status) at \(solution.primalObjective) vs \(answer) (\(hard.source))")
        // The objective is the one of the returned point.
        #expect(abs(solution.primalObjective - objective(problem, solution.x)) <= 1e-12 * scale)
        let polished = SolutionPolisher.polish(problem, solution)
        let final = polished ?? solution
        #expect(final.status == .optimal, "\(name): \(solution.status), not polished")
        #expect(abs(final.primalObjective - answer) <= (polished == nil ? 1e-7 : 1e-9) * scale,
                "\(name): objective \(final.primalObjective) vs \(answer) (\(polished == nil ? "not " : "")polished)")
        if let x = hard.x {
            let gap = zip(final.x, x).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
            #expect(gap <= (polished == nil ? 1e-4 : 1e-9), "\(name): x = \(final.x) vs \(x)")
        }
    case "PrimalInfeasible":
        #expect(solution.status == .primalInfeasible, "\(name): \(solution.status)")
        guard solution.status == .primalInfeasible else { return }
        let z = solution.z
        #expect(abs(dot(problem.b, z) + 1) <= 1e-9)
        #expect(KKTCheck.normInf(problem.A.transposeTimes(z)) <= 1e-7 * max(1, KKTCheck.normInf(z)))
        #expect(KKTCheck.coneViolation(problem, SolverSolution(status: .optimal, x: [], s: [Double](repeating: 0, count: z.count), z: z,
                                                                primalObjective: 0, dualObjective: 0, info: solution.info)) <= 1e-9)
    case "DualInfeasible":
        #expect(solution.status == .dualInfeasible, "\(name): \(solution.status)")
        guard solution.status == .dualInfeasible else { return }
        let x = solution.x
        #expect(abs(dot(problem.q, x) + 1) <= 1e-9)
        let ax = problem.A.times(x)
        #expect(KKTCheck.normInf(problem.P.upperTriangle().symmetricUpperTimes(x)) <= 1e-7 * max(1, KKTCheck.normInf(x)))
        // Ax ∈ −K (only nonnegative and zero rows in these cases): Ax ≤ 0, = 0 on zero rows.
        var row = 0
        for cone in problem.cones {
            for i in row..<(row + cone.dimension) {
                switch cone {
                case .zero: #expect(abs(ax[i]) <= 1e-7 * max(1, KKTCheck.normInf(x)))
                default: #expect(ax[i] <= 1e-7 * max(1, KKTCheck.normInf(x)))
                }
            }
            row += cone.dimension
        }
    default:
        Issue.record("\(name): unknown status \(hard.status)")
    }
}

private func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

/// ½xᵀPx + qᵀx + c, computed here from the data.
private func objective(_ problem: ConicProblem, _ x: [Double]) -> Double {
    let px = problem.P.upperTriangle().symmetricUpperTimes(x)
    return 0.5 * dot(x, px) + dot(problem.q, x) + problem.objectiveConstant
}
