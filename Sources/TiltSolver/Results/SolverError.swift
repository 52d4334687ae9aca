/// Problems with the data passed to the solver (thrown before any iteration).
public enum SolverError: Error, Equatable, CustomStringConvertible {
    /// A NaN or infinite value in the named data array (`"P"`, `"q"`, `"A"`, `"b"`).
    case nonFiniteData(String)
    /// Inconsistent sizes, e.g. `A` has a different number of rows than `b`.
    case dimensionMismatch(String)
    /// A cone of invalid dimension (second-order cones need at least one row).
    case invalidCone(String)
    /// A matrix whose CSC structure is malformed (row index out of range, unsorted rows, …).
    case invalidMatrix(String)
    /// `update(...)` received a matrix whose sparsity pattern differs from the one at setup.
    case patternChanged(String)

    public var description: String {
        switch self {
        case .nonFiniteData(let name): return "solver data \(name) contains NaN or infinite values"
        case .dimensionMismatch(let what): return "solver data dimensions do not match: \(what)"
        case .invalidCone(let what): return "invalid cone: \(what)"
        case .invalidMatrix(let what): return "invalid sparse matrix: \(what)"
        case .patternChanged(let what): return "sparsity pattern of \(what) changed since setup; build a new solver"
        }
    }
}
