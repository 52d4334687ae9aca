import Foundation
import Testing
import TiltLinearAlgebra
@testable import TiltSolver

/// Linear programs whose costs span many decades, `minimize Σ cⱼxⱼ s.t. Σ aⱼxⱼ ≥ h, x ≥ 0`, with the
/// optimum h·minⱼ cⱼ/aⱼ in closed form (the column cheapest per unit of the row fills it). A differential
/// fuzz against Clarabel and HiGHS found the interior-point method passing Clarabel's criteria at a wrong
/// vertex: a cost of 1e-8 beside one of 2,000, so that the cheap column's reduced cost, −2.3e-8, is 1e-11
/// of ‖q‖∞, while its optimal value is 5e5 — and `tilt solve`, which polished only "almost optimal"
/// answers, called 0.0167 optimal where the optimum is 0.005. Solved as `tilt solve` now does
/// (`SolutionPolisher.interiorPointSolve`: such an answer shows a bound shortfall, and is polished).
@Suite struct WideCostRangeTests {
    /// The program with the row as `−aᵀx + s = −h` and each bound as `−xⱼ + s = 0`, `s ≥ 0` (as the MPS
    /// reader and the modelling layer write them).
    static func problem(costs c: [Double], row a: [Double], rhs h: Double) -> ConicProblem {
        let n = c.count
        var triplets: [(row: Int, col: Int, value: Double)] = []
        for j in 0..<n {
            triplets.append((0, j, -a[j]))
            triplets.append((1 + j, j, -1))
        }
        return ConicProblem(P: SparseMatrixCSC(zeros: n, n), q: c, A: SparseMatrixCSC(rows: 1 + n, cols: n, triplets: triplets),
                            b: [-h] + [Double](repeating: 0, count: n), cones: [.nonnegative(1 + n)])
    }

    static func optimum(costs c: [Double], row a: [Double], rhs h: Double) -> Double {
        h * zip(c, a).map { $0 / $1 }.min()!
    }

    /// Whether `objective` is the optimum as HardCasesTests and the Maros–Meszaros comparison count it:
    /// within 1e-7 of it, relative to max(1, |optimum|). (These optima are 1e-10…1e-2, so this is an
    /// absolute 1e-7; the gap tolerance is an absolute 1e-8, and polished answers land within 7e-8.)
    static func isOptimum(_ objective: Double, _ optimum: Double) -> Bool {
        abs(objective - optimum) <= 1e-7 * max(1, abs(optimum))
    }

    /// The fuzz's smallest findings, at default tolerances and at 1e-10.
    @Test(arguments: [
        ([1e-8, 0.1, 2000], [1e-4, 300, 1], 50.0),
        ([1e-8, 6.294841528266557e-07, 1931.774265648468, 0.07016732691872012],
         [0.0001174605867622476, 0.0013049103568646655, 0.418743032689029, 237.39316448371056], 49.00676051342546),
    ])
    func theFuzzFindingsEndAtTheOptimum(costs: [Double], row: [Double], rhs: Double) throws {
        let problem = Self.problem(costs: costs, row: row, rhs: rhs), optimum = Self.optimum(costs: costs, row: row, rhs: rhs)
        var tight = SolverSettings()
        tight.feasibilityTolerance = 1e-10
        tight.gapAbsoluteTolerance = 1e-10
        tight.gapRelativeTolerance = 1e-10
        for settings in [SolverSettings(), tight] {
            let solution = try SolutionPolisher.interiorPointSolve(problem, settings: settings)
            #expect(solution.status == .optimal)
            #expect(Self.isOptimum(solution.primalObjective, optimum), "\(solution.primalObjective) against \(optimum)")
        }
    }

    /// 3,000 random programs of the same kind (costs 1e-8…3e3, coefficients 1e-4…1e3, two to six columns):
    /// nearly all optimal, and — a ratchet, not the goal — at most the 13 wrong "optimal" answers left at
    /// this commit (18 without the bound-shortfall polish; the worst 5.07e-6 for an optimum of 1.74e-6): the
    /// method stops at a point off every vertex (two columns basic where one is), Clarabel's criteria and
    /// the residual cost hold there, and polishing from it does not reach a vertex that verifies. Not yet
    /// "never a wrong optimal" for such data (Docs/solver.md, *What "optimal" means*).
    @Test func randomWideRangesKeepTheirKnownWrongOptimaAtMost() throws {
        var random = SplitMix64(seed: 29)
        func decades(_ range: ClosedRange<Double>) -> Double {
            pow(10, range.lowerBound + (range.upperBound - range.lowerBound) * random.uniform())
        }
        var optimal = 0, wrong: [String] = []
        let count = 3000
        for _ in 0..<count {
            let n = 2 + Int(random.next() % 5)
            let costs = (0..<n).map { _ in decades(-8...3.5) }, row = (0..<n).map { _ in decades(-4...3) }, rhs = decades(0...2)
            let solution = try SolutionPolisher.interiorPointSolve(Self.problem(costs: costs, row: row, rhs: rhs))
            guard solution.status == .optimal else { continue }
            optimal += 1
            let optimum = Self.optimum(costs: costs, row: row, rhs: rhs)
            if !Self.isOptimum(solution.primalObjective, optimum) {
                wrong.append("costs \(costs), row \(row), rhs \(rhs): \(solution.primalObjective) against \(optimum)")
            }
        }
        #expect(wrong.count <= 13, "\(wrong.count) wrong optimal answers, e.g. \(wrong.prefix(3))")
        #expect(optimal >= count * 9 / 10, "\(optimal) of \(count) optimal")
    }
}
