/// Objectives far from unit size are solved rescaled. The solver's tolerances are absolute — 1e-8 on the
/// duality gap, as Clarabel's — so an objective whose coefficients are 1e-8 would be "solved" to ±50%,
/// and one of 1e16 can make a bounded problem pass the solver's unboundedness test. The cone program's
/// objective (P, q and the constant) is multiplied by `factor` so that its largest coefficient is 1, and the
/// solution's objective values and multipliers are divided by it. Coefficients between 1e-4 and 1e4 — every
/// portfolio problem in monthly decimals — are solved as stated (`factor` 1). Used by the DCP layer's solve
/// and by `tilt solve`; the interior-point solver itself solves what it is given.
public struct ObjectiveScaling: Sendable {
    public let factor: Double

    public init(_ problem: ConicProblem) {
        let largest = max(problem.P.values.reduce(0) { max($0, abs($1)) }, problem.q.reduce(0) { max($0, abs($1)) })
        factor = largest == 0 || (1e-4...1e4).contains(largest) || !largest.isFinite ? 1 : 1 / largest
    }

    /// The problem with its objective multiplied by `factor`.
    public func scaled(_ problem: ConicProblem) -> ConicProblem {
        guard factor != 1 else { return problem }
        var scaled = problem
        scaled.P.values = problem.P.values.map { $0 * factor }
        scaled.q = problem.q.map { $0 * factor }
        scaled.objectiveConstant = problem.objectiveConstant * factor
        return scaled
    }

    /// A solution of the scaled problem in the units of the stated one (objectives and multipliers ÷ factor;
    /// x and s, and the certificates' directions, do not depend on the objective's size).
    public func unscaled(_ solution: SolverSolution) -> SolverSolution {
        guard factor != 1 else { return solution }
        var result = solution
        result.primalObjective = solution.primalObjective / factor
        result.dualObjective = solution.dualObjective / factor
        if solution.status.isSolved { result.z = solution.z.map { $0 / factor } }
        return result
    }

    /// A solution in the stated units (a warm start) in the units of the scaled problem.
    public func scaledSolution(_ solution: SolverSolution) -> SolverSolution {
        guard factor != 1 else { return solution }
        var result = solution
        result.primalObjective = solution.primalObjective * factor
        result.dualObjective = solution.dualObjective * factor
        result.z = solution.z.map { $0 * factor }
        return result
    }
}
