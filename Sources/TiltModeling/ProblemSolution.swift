import TiltLinearAlgebra

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
            case .iterationLimit, .timeLimit, .numericalError: return "the data may be badly scaled or nearly degenerate"
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
    public var iterations: Int
    /// Wall-clock time of the interior-point solve, seconds.
    public var solveTime: Double
}
