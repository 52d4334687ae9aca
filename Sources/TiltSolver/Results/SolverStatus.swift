/// Outcome of a solve. Only `optimal` (and, with looser tolerances, `almostOptimal`) carry a
/// solution; the infeasibility statuses carry a certificate in `x` (unbounded direction) or `z`.
public enum SolverStatus: Sendable, Equatable, CustomStringConvertible {
    case optimal
    case almostOptimal
    case primalInfeasible
    case dualInfeasible
    case almostPrimalInfeasible
    case almostDualInfeasible
    case maxIterations
    case timeLimit
    case numericalError
    /// The method stopped making progress before reaching the tolerances (steps too short, or residuals
    /// growing near the tolerances), and the last good iterate does not meet the reduced ones either.
    case insufficientProgress

    public var description: String {
        switch self {
        case .optimal: return "optimal"
        case .almostOptimal: return "almost optimal (solved to reduced accuracy)"
        case .primalInfeasible: return "the constraints are infeasible"
        case .dualInfeasible: return "the objective is unbounded"
        case .almostPrimalInfeasible: return "the constraints are almost certainly infeasible"
        case .almostDualInfeasible: return "the objective is almost certainly unbounded"
        case .maxIterations: return "iteration limit reached before convergence"
        case .timeLimit: return "time limit reached before convergence"
        case .numericalError: return "numerical difficulties (the problem may be badly scaled)"
        case .insufficientProgress: return "no further progress before the tolerances were met (the problem may be badly scaled)"
        }
    }

    /// Whether `x`, `s`, `z` form a (possibly reduced-accuracy) solution.
    public var isSolved: Bool { self == .optimal || self == .almostOptimal }
}
