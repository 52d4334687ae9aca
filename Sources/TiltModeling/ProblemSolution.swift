import TiltLinearAlgebra
import TiltSolver

/// The outcome of solving an `OptimizationProblem`, in the problem's own terms.
public struct ProblemSolution: Sendable {
    /// What happened, in words a user can act on.
    public enum Status: String, Sendable {
        case optimal
        case almostOptimal = "almost optimal"
        case infeasible
        case unbounded
        case iterationLimit = "iteration limit"
        case timeLimit = "time limit"
        case numericalError = "numerical error"

        public var description: String {
            switch self {
            case .optimal: return "solved to optimality"
            case .almostOptimal: return "solved to reduced accuracy"
            case .infeasible: return "infeasible: no point satisfies all the constraints"
            case .unbounded: return "unbounded: the objective can be improved without limit"
            case .iterationLimit: return "not solved: the iteration limit was reached"
            case .timeLimit: return "not solved: the time limit was reached"
            case .numericalError: return "not solved: the solver ran into numerical trouble"
            }
        }

        /// A suggestion for a failed solve.
        public var hint: String? {
            switch self {
            case .infeasible: return "a budget (e.g. a tracking-error cap) may be tighter than the other constraints allow"
            case .unbounded: return "a bound is probably missing, e.g. `w >= 0` or `sum(w) == 1`"
            case .iterationLimit, .timeLimit, .numericalError:
                // Unboundedness through an exponential cone often ends here rather than with a certificate.
                return "the data may be badly scaled or nearly degenerate, or the problem unbounded (a bound missing)"
            default: return nil
            }
        }
    }

    public var status: Status
    /// The optimal value of the objective as stated (not negated for `maximize`); `nil` unless solved.
    public var objective: Double?
    public var values: [(Variable, Matrix)]
    /// One multiplier matrix per constraint of the problem, in order.
    public var duals: [Matrix]
    /// Iterations of `method`: interior-point iterations, or active-set guesses (0 for a warm start).
    public var iterations: Int
    /// Of the interior-point iterations, those of a first run on the equilibrated data that failed, when the
    /// answer is a second run's on the data as given (`SolverInfo.equilibratedIterations`).
    public var equilibratedIterations: Int?
    /// Wall-clock time of the solve (by `method`), seconds.
    public var solveTime: Double
    /// The solved cone program's solution, to warm-start the next problem of the same structure (a
    /// backtest's next rebalance); nil unless optimal.
    public var warmStart: WarmStart? = nil
    /// Which method found the solution.
    public var method: Method = .interiorPoint

    /// How many of `iterations` each run took, after a second run (`SolverInfo.iterationSplit`).
    public var iterationSplit: String? { SolverInfo.iterationSplit(iterations, equilibrated: equilibratedIterations) }

    /// A solution found by a method outside this module (TiltPortfolio's structured method).
    public init(status: Status, objective: Double?, values: [(Variable, Matrix)], duals: [Matrix], iterations: Int,
                equilibratedIterations: Int? = nil, solveTime: Double, warmStart: WarmStart? = nil,
                method: Method = .interiorPoint) {
        self.status = status
        self.objective = objective
        self.values = values
        self.duals = duals
        self.iterations = iterations
        self.equilibratedIterations = equilibratedIterations
        self.solveTime = solveTime
        self.warmStart = warmStart
        self.method = method
    }

    /// The methods that solve an `OptimizationProblem`.
    public enum Method: String, Sendable {
        /// The interior-point solver on the compiled cone program (then polished when that verifies).
        case interiorPoint = "interior point"
        /// The previous solution's active set, verified optimal (`SolutionPolisher.solve(_:near:)`).
        case warmStartedActiveSet = "warm-started active set"
        /// TiltPortfolio's `FactorPortfolioSolver`, for the canonical factor-portfolio problem.
        case factorPortfolio = "factor-portfolio active set"
    }
}

/// An optimal solution of a cone program kept to start the next solve of the same structure from its active
/// set (`SolutionPolisher.solve(_:near:)`); used only when the cones match, and only when the result is
/// verified optimal for the new problem, so a stale warm start costs time, never accuracy.
public struct WarmStart: Sendable {
    let cones: [ConeSpec]
    let solution: SolverSolution
}
