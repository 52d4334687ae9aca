import Foundation
import Testing
import TiltLinearAlgebra
import TiltModeling
import TiltSolver

/// What `OptimizationProblem.solve` reports, checked against closed forms: never a wrong "optimal", and an
/// `optval` that is the objective at the returned point.
struct SolveAccuracyTests {
    /// Issue 15's LP: `var x[2] >= 0; solve minimize 1e8 * x[1] + x[2] s.t. x[1] + x[2] >= 1` was reported
    /// optimal at 1.4354 with x₂ = 1.53. The answer is 1 at x = (0, 1), and the budget's multiplier 1.
    @Test func hugeCoefficientLPIsOptimalAtTheVertex() throws {
        let x = Variable(name: "x", rows: 2)
        let first = try ModelExpression.select(.variable(x), rows: [0], cols: [0])
        let second = try ModelExpression.select(.variable(x), rows: [1], cols: [0])
        let problem = OptimizationProblem(sense: .minimize, objective: try .add(.multiply(.constant(1e8), first), second), constraints: [
            .init(lhs: .variable(x), relation: .greaterEqual, rhs: .constant(0)),
            .init(lhs: try .add(first, second), relation: .greaterEqual, rhs: .constant(1)),
        ])
        let solution = try problem.solve()
        #expect(solution.status == .optimal)
        #expect(abs((solution.objective ?? .nan) - 1) <= 1e-12, "optval \(String(describing: solution.objective))")
        let values = try #require(solution.values.first { $0.0 === x }?.1.storage)
        #expect(abs(values[0]) <= 1e-12 && abs(values[1] - 1) <= 1e-12, "x = \(values)")
        #expect(abs(try #require(solution.duals.last)[0, 0] - 1) <= 1e-9)
        // Without polishing the interior-point method alone is also right, to its tolerances.
        let unpolished = try problem.solve(polish: false)
        #expect(unpolished.status == .optimal)
        #expect(abs((unpolished.objective ?? .nan) - 1) <= 1e-8)
    }

    /// `optval` is the objective expression evaluated at the returned values — for an exponential-cone
    /// objective whose epigraph variables need not be tight (logsumexp of a vector with a budget).
    @Test func optvalIsTheObjectiveAtTheReturnedPoint() throws {
        let x = Variable(name: "x", rows: 3)
        let objective = try ModelExpression.apply(.logSumExp, [.variable(x)])
        let problem = OptimizationProblem(sense: .minimize, objective: objective, constraints: [
            .init(lhs: .sum(.variable(x)), relation: .equal, rhs: .constant(3)),
            .init(lhs: .variable(x), relation: .greaterEqual, rhs: .constant(-1)),
        ])
        for settings in [SolverSettings(), { var s = SolverSettings(); s.feasibilityTolerance = 1e-4; s.gapAbsoluteTolerance = 1e-3; s.gapRelativeTolerance = 1e-3; return s }()] {
            let solution = try problem.solve(settings: settings, polish: false)
            #expect(solution.status == .optimal)
            let values = try #require(solution.values.first { $0.0 === x }?.1)
            let direct = try #require(objective.value(at: [x: values]))[0, 0]
            #expect(solution.objective == direct)
            // log(3e) at x = (1, 1, 1), within the tolerances asked for.
            #expect(abs(direct - (log(3) + 1)) <= 10 * settings.gapAbsoluteTolerance)
        }
    }
}
