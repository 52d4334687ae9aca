import TiltLinearAlgebra

/// Curvature of an expression under the DCP rules.
public enum Curvature: String, Sendable {
    case constant, affine, convex, concave, unknown

    var isConvex: Bool { self == .constant || self == .affine || self == .convex }
    var isConcave: Bool { self == .constant || self == .affine || self == .concave }
    var isAffine: Bool { self == .constant || self == .affine }

    /// Curvature of a sum.
    static func + (a: Curvature, b: Curvature) -> Curvature {
        if a == .constant { return b }
        if b == .constant { return a }
        if a.isAffine && b.isAffine { return .affine }
        if a.isConvex && b.isConvex { return .convex }
        if a.isConcave && b.isConcave { return .concave }
        return .unknown
    }

    var negated: Curvature {
        switch self {
        case .convex: return .concave
        case .concave: return .convex
        default: return self
        }
    }
}

/// Known sign of an expression's entries.
public enum Sign: String, Sendable {
    case nonnegative, nonpositive, unknown

    static func + (a: Sign, b: Sign) -> Sign { a == b ? a : .unknown }
    var negated: Sign {
        switch self {
        case .nonnegative: return .nonpositive
        case .nonpositive: return .nonnegative
        case .unknown: return .unknown
        }
    }
    static func of(_ m: Matrix) -> Sign {
        if m.storage.allSatisfy({ $0 >= 0 }) { return .nonnegative }
        if m.storage.allSatisfy({ $0 <= 0 }) { return .nonpositive }
        return .unknown
    }
}

/// How an atom varies with one argument.
public enum Monotonicity: Sendable { case increasing, decreasing, none }

/// The atoms (non-affine functions) an optimisation expression may use. Each knows its curvature, the
/// sign of its value and its monotonicity in each argument — what the DCP rules need.
public enum Atom: Sendable {
    /// `quad(x, P) = xᵀPx` with P symmetric positive semidefinite.
    case quad(Matrix)
    /// `sumsq(x) = Σ xᵢ²`.
    case sumSquares
    /// `norm(x)`, the Euclidean norm of all entries.
    case norm2
    case norm1
    case normInf
    /// Entry-wise `|x|`.
    case abs
    /// Entry-wise `max(x, 0)`.
    case positivePart
    /// Largest entry of one expression (1×1).
    case maxEntries
    /// Smallest entry of one expression (1×1).
    case minEntries
    /// Entry-wise maximum of several expressions (broadcasting 1×1 ones).
    case maximum
    /// Entry-wise minimum of several expressions.
    case minimum
    /// Entry-wise square root (concave).
    case sqrt
    /// `log Σ exp(xᵢ)` (1×1).
    case logSumExp
    /// Entry-wise `exp`.
    case exp
    /// Entry-wise natural `log` (concave).
    case log
    /// Entry-wise `−x log x` (concave); `sum(entropy(w))` is the entropy of the weights.
    case entropy
    /// `quad_over_lin(x, y) = Σ xᵢ² / y` for y > 0 (1×1), jointly convex: the perspective of `sumsq`
    /// (a variance divided by a scale, as in EVaR's Gaussian term).
    case quadOverLinear
    /// Entry-wise `rel_entr(x, y) = x log(x / y)` for x ≥ 0, y > 0, jointly convex: the perspective of
    /// `−entropy` (how `t · logsumexp(x / t)` is written with exponential cones).
    case relativeEntropy

    public var name: String {
        switch self {
        case .quad: return "quad"
        case .sumSquares: return "sumsq"
        case .norm2: return "norm"
        case .norm1: return "norm1"
        case .normInf: return "norminf"
        case .abs: return "abs"
        case .positivePart: return "pos"
        case .maxEntries, .maximum: return "max"
        case .minEntries, .minimum: return "min"
        case .sqrt: return "sqrt"
        case .logSumExp: return "logsumexp"
        case .exp: return "exp"
        case .log: return "log"
        case .entropy: return "entropy"
        case .quadOverLinear: return "quad_over_lin"
        case .relativeEntropy: return "rel_entr"
        }
    }

    /// The curvature of the atom as a function (before composition).
    public var curvature: Curvature {
        switch self {
        case .quad, .sumSquares, .norm2, .norm1, .normInf, .abs, .positivePart, .maxEntries, .maximum, .logSumExp, .exp,
             .quadOverLinear, .relativeEntropy:
            return .convex
        case .minEntries, .minimum, .sqrt, .log, .entropy:
            return .concave
        }
    }

    /// The sign of the atom's value, given its arguments' signs.
    func sign(_ arguments: [Sign]) -> Sign {
        switch self {
        case .quad, .sumSquares, .norm2, .norm1, .normInf, .abs, .positivePart, .sqrt, .exp, .quadOverLinear: return .nonnegative
        case .maximum: return arguments.contains(.nonnegative) ? .nonnegative : (arguments.allSatisfy { $0 == .nonpositive } ? .nonpositive : .unknown)
        case .minimum: return arguments.contains(.nonpositive) ? .nonpositive : (arguments.allSatisfy { $0 == .nonnegative } ? .nonnegative : .unknown)
        case .maxEntries, .minEntries: return arguments.first ?? .unknown
        case .logSumExp, .log, .entropy, .relativeEntropy: return .unknown
        }
    }

    /// Monotonicity in an argument of the given sign. Norms and squares grow with a non-negative argument
    /// and shrink with a non-positive one.
    func monotonicity(argumentSign: Sign) -> Monotonicity {
        switch self {
        case .sumSquares, .norm2, .norm1, .normInf, .abs:
            switch argumentSign {
            case .nonnegative: return .increasing
            case .nonpositive: return .decreasing
            case .unknown: return .none
            }
        case .quad: return .none
        case .positivePart, .maxEntries, .minEntries, .maximum, .minimum, .sqrt, .logSumExp, .exp, .log: return .increasing
        case .entropy, .quadOverLinear, .relativeEntropy: return .none
        }
    }

    /// Whether an argument must be affine whatever its sign (`quad`, `entropy`, and the two-argument
    /// perspectives, whose monotonicity differs between their arguments).
    var needsAffineArgument: Bool {
        switch self {
        case .quad, .entropy, .quadOverLinear, .relativeEntropy: return true
        default: return false
        }
    }
}
