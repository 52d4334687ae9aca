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
}
