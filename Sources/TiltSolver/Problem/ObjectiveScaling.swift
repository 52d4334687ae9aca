/// Objectives far from unit size are solved rescaled: `InteriorPointSolver` multiplies the objective (P, q
/// and the constant) by `factor` so that its largest coefficient is 1 before it equilibrates the data, and
/// measures the residuals and the gap — and so decides termination — in the original units. Coefficients
/// between 1e-4 and 1e4 (every portfolio problem in monthly decimals) are solved as stated (`factor` 1).
///
/// `unitFactor` (1 / the largest coefficient, always) is the unit the termination tests also judge the
/// objective's measures in (`OptimalityCheck`): an absolute gap of 1e-8 on a portfolio objective of 0.01,
/// whose coefficients are alphas of 0.02, is 1e-6 relative; in unit-size terms it is 2e-10.
struct ObjectiveScaling: Sendable {
    let factor: Double
    let unitFactor: Double

    init(_ problem: ConicProblem) {
        let largest = max(problem.P.values.reduce(0) { max($0, abs($1)) }, problem.q.reduce(0) { max($0, abs($1)) })
        let usable = largest > 0 && largest.isFinite
        factor = !usable || (1e-4...1e4).contains(largest) ? 1 : 1 / largest
        unitFactor = usable ? 1 / largest : 1
    }

    /// The problem with its objective multiplied by `factor`.
    func scaled(_ problem: ConicProblem) -> ConicProblem {
        guard factor != 1 else { return problem }
        var scaled = problem
        scaled.P.values = problem.P.values.map { $0 * factor }
        scaled.q = problem.q.map { $0 * factor }
        scaled.objectiveConstant = problem.objectiveConstant * factor
        return scaled
    }
}
