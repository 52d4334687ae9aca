import Testing
import TiltLinearAlgebra
import TiltModeling
import TiltSolver

/// The reference file and the Swift statements cover the same problems.
@Test func everyReferenceProblemHasABuilder() {
    #expect(ModelReference.all.count >= 25, "References/references.json is missing or short")
    #expect(Set(ModelReference.all.keys) == Set(ReferenceModels.builders.keys))
}

/// Each problem solved by Tilt matches cvxpy + Clarabel: status and objective (1e-6 relative) at the
/// default solver settings; unique variable values and duals (1e-5, or the reference's looser tolerance
/// for flat exponential-cone optima) from a solve to 1e-10; and, independently of cvxpy, the objective
/// re-evaluated at the returned values equals the reported one and every constraint holds (1e-7).
@Test(arguments: ReferenceModels.builders.keys.sorted())
func problemMatchesCvxpy(name: String) throws {
    let reference = try #require(ModelReference.all[name])
    let builder = try #require(ReferenceModels.builders[name])
    let built = try builder(reference)
    let solution = try solveReference(built.problem, settings: SolverSettings())

    switch reference.status {
    case "infeasible": #expect(solution.status == .infeasible); return
    case "unbounded": #expect(solution.status == .unbounded); return
    default: #expect(reference.status == "optimal")
    }
    #expect(solution.status == .optimal)
    let expected = try #require(reference.objective)
    let objective = try #require(solution.objective)
    #expect(abs(objective - expected) <= 1e-6 * max(1, abs(expected)), "objective \(objective) vs cvxpy \(expected)")
    #expect(Set(solution.values.keys) == Set(built.variables))

    // Independent of cvxpy: the solution as a point of the stated problem.
    let reevaluated = try #require(built.problem.objective.value(at: solution.values))[0, 0]
    #expect(abs(reevaluated - objective) <= 1e-7 * max(1, abs(objective)),
            "objective at the returned values \(reevaluated) vs reported \(objective)")
    for (index, constraint) in built.problem.constraints.enumerated() {
        let violation = try #require(try constraintViolation(constraint, at: solution.values))
        #expect(violation <= 1e-7, "constraint \(index) violated by \(violation)")
    }

    // Values and duals: a 1e-8 gap leaves the point of a flat optimum uncertain at ~1e-5, so they are
    // compared after a solve to 1e-10; where the solver cannot get there, the default solve is compared
    // ten times more loosely.
    let precise = try solveReference(built.problem, settings: preciseSettings)
    let (compared, widening) = precise.status == .optimal ? (precise, 1.0) : (solution, 10.0)
    if reference.uniqueValues {
        for variable in built.variables {
            let expectedValue = try #require(reference.values?[variable.name]).matrix
            let value = try #require(compared.values[variable])
            #expect(maxDifference(value, expectedValue) <= widening * reference.valueTolerance * max(1, maxAbs(expectedValue)),
                    "\(variable.name) = \(value.storage) vs cvxpy \(expectedValue.storage)")
        }
    }
    if reference.uniqueDuals, let duals = compared.duals {
        let expectedDuals = try #require(reference.duals)
        try #require(duals.count == expectedDuals.count)
        for (index, (dual, expectedDual)) in zip(duals, expectedDuals.map(\.matrix)).enumerated() {
            #expect(dual.rows == expectedDual.rows && dual.cols == expectedDual.cols)
            #expect(maxDifference(dual, expectedDual) <= widening * reference.dualTolerance * max(1, maxAbs(expectedDual)),
                    "dual of constraint \(index): \(dual.storage) vs cvxpy \(expectedDual.storage)")
        }
    }
}

/// What the checks need from a solve: `problem.solve()`'s answer, or the same read from the cone program.
struct ReferenceSolve {
    var status: ProblemSolution.Status
    var objective: Double?
    var values: [Variable: Matrix]
    /// `nil` when the problem was not solved.
    var duals: [Matrix]?
}

/// Gap and feasibility tolerances of 1e-10 instead of the default 1e-8.
let preciseSettings: SolverSettings = {
    var s = SolverSettings()
    s.gapAbsoluteTolerance = 1e-10
    s.gapRelativeTolerance = 1e-10
    s.feasibilityTolerance = 1e-10
    return s
}()

/// `problem.solve()` in the harness's terms.
func solveReference(_ problem: OptimizationProblem, settings: SolverSettings) throws -> ReferenceSolve {
    let s = try problem.solve(settings: settings)
    return ReferenceSolve(status: s.status, objective: s.objective,
                          values: Dictionary(uniqueKeysWithValues: s.values.map { ($0.0, $0.1) }), duals: s.duals)
}

/// How far `constraint` is from holding at `values` (0 when it holds), relative to the size of its sides.
func constraintViolation(_ constraint: Constraint, at values: [Variable: Matrix]) throws -> Double? {
    guard let lhs = constraint.lhs.value(at: values), let rhs = constraint.rhs.value(at: values),
          let gap = try Expr.subtract(constraint.lhs, constraint.rhs).value(at: values) else { return nil }
    let size = max(1, maxAbs(lhs), maxAbs(rhs))
    let worst: Double
    switch constraint.relation {
    case .equal: worst = maxAbs(gap)
    case .lessEqual: worst = max(0, gap.storage.max() ?? 0)
    case .greaterEqual: worst = max(0, -(gap.storage.min() ?? 0))
    }
    return worst / size
}

func maxAbs(_ m: Matrix) -> Double { m.storage.reduce(0) { max($0, abs($1)) } }

/// Largest entry-wise difference; infinite when the shapes differ.
func maxDifference(_ a: Matrix, _ b: Matrix) -> Double {
    guard a.rows == b.rows, a.cols == b.cols else { return .infinity }
    return zip(a.storage, b.storage).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
