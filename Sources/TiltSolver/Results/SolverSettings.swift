/// Tolerances and algorithm switches of the interior-point solver (defaults as Clarabel's). The tolerances
/// apply to the original problem's data, whatever the solver's internal scaling (Docs/solver.md, *What
/// "optimal" means*).
public struct SolverSettings: Sendable, Equatable {
    /// Maximum number of interior-point iterations.
    public var maxIterations = 200
    /// Wall-clock limit for one `solve()` in seconds (`.infinity`: none).
    public var timeLimit = Double.infinity
    /// Print one line per iteration to standard output.
    public var verbose = false

    /// Absolute duality-gap tolerance for `optimal` (in the objective's units).
    public var gapAbsoluteTolerance = 1e-8
    /// Relative duality-gap tolerance for `optimal`.
    public var gapRelativeTolerance = 1e-8
    /// Relative primal/dual residual tolerance for `optimal`.
    public var feasibilityTolerance = 1e-8
    /// Absolute tolerance on `bᵀz` / `qᵀx` of an infeasibility certificate.
    public var infeasibilityAbsoluteTolerance = 1e-8
    /// Relative tolerance on the residual of an infeasibility certificate.
    public var infeasibilityRelativeTolerance = 1e-8
    /// An infeasibility certificate is considered only once κ/τ exceeds 1000 / this (Clarabel's
    /// `tol_ktratio`); optimality needs κ ≤ τ.
    public var kappaTauTolerance = 1e-6
    /// Looser tolerances for the `almost…` statuses, accepted when progress stalls.
    public var reducedGapAbsoluteTolerance = 5e-5
    public var reducedGapRelativeTolerance = 5e-5
    public var reducedFeasibilityTolerance = 1e-4
    public var reducedInfeasibilityAbsoluteTolerance = 5e-12
    public var reducedInfeasibilityRelativeTolerance = 5e-5
    public var reducedKappaTauTolerance = 1e-4

    /// Fraction of the step to the cone boundary actually taken.
    public var maxStepFraction = 0.99
    /// A step shorter than this ends the iterations (insufficient progress): almost optimal if the reduced
    /// tolerances hold, otherwise not solved (Clarabel's `min_terminate_step_length`). Continuing after such
    /// steps drove badly scaled exponential-cone problems from a near-optimal iterate into a false
    /// infeasibility certificate.
    public var minimumStepLength = 1e-4
    /// With exponential cones, a step at or below this makes the method leave the primal–dual scaling for
    /// the dual one from the same iterate (Clarabel's `min_switch_step_length`, 0.1 there). Tilt switches
    /// only when the primal–dual step is as short as `minimumStepLength`: on the regime study's utilities with
    /// a rank-deficient covariance, steps of 0.03 are transient, and a switch there left an iterate far from
    /// the central path that the dual scaling could not move (steps down to 1e-4 at μ ≈ 2e-3, numerical
    /// trouble), while the primal–dual scaling went on to the optimum.
    public var minimumSwitchStepLength = 1e-4

    /// Modified Ruiz equilibration of the data before solving.
    public var equilibrate = true
    public var equilibrationIterations = 10
    /// Bounds on the individual scaling factors.
    public var equilibrationMinScale = 1e-4
    public var equilibrationMaxScale = 1e4

    /// Static regularisation `σ = c + p·max|diag K|` added with the block's sign to the KKT diagonal.
    public var staticRegularizationConstant = 1e-8
    public var staticRegularizationProportional = Double.ulpOfOne * Double.ulpOfOne
    /// Pivots below `epsilon` in magnitude are replaced by `±delta` (sparse LDLᵀ only).
    public var dynamicRegularizationEpsilon = 1e-13
    public var dynamicRegularizationDelta = 2e-7

    /// Iterative refinement of every KKT solve against the unregularised matrix.
    public var iterativeRefinement = true
    public var iterativeRefinementMaxIterations = 10
    public var iterativeRefinementAbsoluteTolerance = 1e-12
    public var iterativeRefinementRelativeTolerance = 1e-13
    /// Refinement stops once an iteration improves the residual by less than this factor.
    public var iterativeRefinementStopRatio = 5.0

    /// Which KKT factorisation to use.
    public var linearSolver: LinearSolverChoice = .automatic

    public init() {}
}

/// KKT factorisation back end.
public enum LinearSolverChoice: Sendable, Equatable {
    /// Block arrow when the KKT system has that structure with many blocks of one shape (tiny
    /// blocks around a small border: factor-model portfolio problems, see `blockArrowMinimumGroup`);
    /// otherwise sparse, unless the KKT system is large and its sparse factor nearly full (see
    /// `denseMinimumDimension`, `denseMinimumFill`).
    case automatic
    /// LAPACK Bunch–Kaufman on the dense KKT matrix.
    case dense
    /// Sparse quasi-definite LDLᵀ with AMD ordering.
    case sparse
    /// Bordered block-diagonal LDLᵀ (`BlockArrowLDL`); setup fails on a KKT system without that structure.
    case blockArrow

    /// `.automatic` takes the block-arrow factorisation when at least this many blocks share one
    /// shape (one per asset in a portfolio problem): its gain is eliminating them together; with
    /// fewer, the sparse LDLᵀ is about as fast and has been checked longer (measured, release, the
    /// benchmark's portfolio problems: block arrow 15–20% faster per solve at 48 assets, about 2× at 500).
    public static let blockArrowMinimumGroup = 32
    /// `.automatic` considers the dense factorisation only from this KKT dimension on. Measured
    /// (release): the sparse LDLᵀ was as fast or faster on every sparse problem (reference set,
    /// TEV SOCP n = 48…5000) and on fully dense QPs up to KKT dimension ~150; LAPACK won from ~250.
    public static let denseMinimumDimension = 200
    /// …and only when the sparse factor `L` would fill at least this fraction of its strict lower
    /// triangle (below it the sparse kernels do less work than LAPACK's dense ones).
    public static let denseMinimumFill = 0.4
}
