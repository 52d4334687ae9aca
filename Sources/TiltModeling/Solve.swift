import TiltLinearAlgebra
import TiltSolver

extension OptimizationProblem {
    /// Compiles the problem to a cone program, solves it with Tilt's interior-point solver and reads the
    /// solution back: variable values, the objective as stated (maximisations are not negated) and one
    /// multiplier matrix per constraint. A DCP violation or bad data throws a `ModelingError`; a problem
    /// that is infeasible, unbounded or not solved comes back with that status and no values.
    ///
    /// With `polish` (the default), an optimal or almost optimal solution is refined by `SolutionPolisher`
    /// when the refinement verifies at the tolerances of `settings` (it is then optimal). With `warmStart` (the solution of a problem of the
    /// same structure, e.g. the previous rebalance's), the active set of that solution is tried first: when
    /// it is still optimal (verified), the interior-point method is skipped (`iterations` is then 0).
    /// (A strategy's canonical portfolio problem is first offered to TiltPortfolio's structured method.)
    public func solve(settings: SolverSettings = SolverSettings(), polish: Bool = true,
                      warmStart: WarmStart? = nil) throws -> ProblemSolution {
        let compiled = try ConeCompiler.compile(self)
        let conic = compiled.conic
        var result: SolverSolution
        var method = ProblemSolution.Method.interiorPoint
        do {
            if polish, let warmStart, warmStart.cones == conic.cones,
               let solved = SolutionPolisher.solve(conic, near: warmStart.solution, settings: settings) {
                result = solved
                method = .warmStartedActiveSet
            } else if polish {
                result = try SolutionPolisher.interiorPointSolve(conic, settings: settings, polishingOptimal: true)
            } else {
                result = try InteriorPointSolver(problem: conic, settings: settings).solve()
            }
        } catch let error as SolverError {
            throw ModelingError("the problem's data cannot be solved: \(error.description)",
                                hint: "look for NaN or infinite values in the data")
        }
        let status: ProblemSolution.Status
        switch result.status {
        case .optimal: status = .optimal
        case .almostOptimal: status = .almostOptimal
        case .primalInfeasible, .almostPrimalInfeasible: status = .infeasible
        case .dualInfeasible, .almostDualInfeasible: status = .unbounded
        case .maxIterations: status = .iterationLimit
        case .timeLimit: status = .timeLimit
        case .numericalError, .insufficientProgress: status = .numericalError
        }
        guard result.status.isSolved else {
            return ProblemSolution(status: status, objective: nil, values: [], duals: [], iterations: result.info.iterations,
                                   equilibratedIterations: result.info.equilibratedIterations, solveTime: result.info.solveTime)
        }
        let values = compiled.values(from: result.x)
        return ProblemSolution(
            status: status, objective: objectiveValue(at: values) ?? compiled.objectiveSign * result.primalObjective,
            values: values,
            duals: (0..<constraints.count).map { compiled.dual(of: $0, from: result.z) },
            iterations: result.info.iterations, equilibratedIterations: result.info.equilibratedIterations,
            solveTime: result.info.solveTime,
            warmStart: result.status == .optimal ? WarmStart(cones: compiled.conic.cones, solution: result) : nil,
            method: method)
    }

    /// The objective as stated, evaluated at the returned variable values: what `optval` reports, so that it
    /// is the objective of the returned point even where an epigraph variable of the cone program is not
    /// tight (an almost optimal solve). Nil when a value is missing or not finite (a point on the edge of a
    /// logarithm's domain); the cone program's objective then stands in.
    func objectiveValue(at values: [(Variable, Matrix)]) -> Double? {
        let byVariable = Dictionary(values.map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first })
        guard let value = objective.value(at: byVariable), value.rows == 1, value.cols == 1, value[0, 0].isFinite else { return nil }
        return value[0, 0]
    }
}
