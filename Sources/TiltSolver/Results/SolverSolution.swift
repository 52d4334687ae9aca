/// The result of `InteriorPointSolver.solve()`, in the units of the original (unscaled) problem.
public struct SolverSolution: Sendable {
    public var status: SolverStatus
    /// Primal variables (or an unbounded direction when `dualInfeasible`).
    public var x: [Double]
    /// Slacks `s = b − Ax ∈ K`.
    public var s: [Double]
    /// Dual variables `z ∈ K*` (or a Farkas certificate when `primalInfeasible`).
    public var z: [Double]
    /// `½xᵀPx + qᵀx + c` (NaN unless solved).
    public var primalObjective: Double
    /// `−½xᵀPx − bᵀz + c` (NaN unless solved).
    public var dualObjective: Double
    public var info: SolverInfo
}

/// Convergence measures of the last iterate (relative residuals as in Clarabel).
public struct SolverInfo: Sendable {
    public var iterations: Int
    /// `‖Ax + s − b‖∞ / max(1, ‖b‖∞ + ‖Ax‖∞ + ‖s‖∞)`.
    public var primalResidual: Double
    /// `‖Px + Aᵀz + q‖∞ / max(1, ‖q‖∞ + ‖Px‖∞ + ‖Aᵀz‖∞)`.
    public var dualResidual: Double
    /// `|primal objective − dual objective|`.
    public var gapAbsolute: Double
    /// Absolute gap over `max(1, min(|primal|, |dual|))`.
    public var gapRelative: Double
    /// Seconds spent in the last `solve()`.
    public var solveTime: Double
    /// Seconds spent building the solver (equilibration, KKT assembly, symbolic analysis).
    public var setupTime: Double
    /// When the run on the equilibrated data failed and the answer is a second run's on the data as given
    /// (`InteriorPointSolver.solve`): the first run's iterations, included in `iterations`.
    public var equilibratedIterations: Int? = nil

    /// After a second run, how many of `iterations` each run took (so that a total above the iteration limit
    /// reads as what it is); nil after one run.
    public var iterationSplit: String? { Self.iterationSplit(iterations, equilibrated: equilibratedIterations) }

    /// "200 on the equilibrated data, then 8 on the data as given" for a total of 208, 200 of them on the
    /// equilibrated data; nil without a first run.
    public static func iterationSplit(_ total: Int, equilibrated: Int?) -> String? {
        equilibrated.map { "\($0) on the equilibrated data, then \(total - $0) on the data as given" }
    }
}
