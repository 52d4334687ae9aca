import TiltLinearAlgebra

/// One cone of the product `K` in `Ax + s = b, s ∈ K`. Rows of `A` are assigned to the cones in order.
public enum ConeSpec: Sendable, Equatable {
    /// `{0}ⁿ`: equality constraints.
    case zero(Int)
    /// `ℝⁿ₊`: inequality constraints.
    case nonnegative(Int)
    /// `{(t, x) : ‖x‖₂ ≤ t}` of total dimension n (n ≥ 1).
    case secondOrder(Int)
    /// The exponential cone, dimension 3, in Clarabel's convention:
    /// `closure{(x, y, z) : y > 0, y·exp(x/y) ≤ z}`.
    case exponential

    /// Number of rows of `A` this cone takes.
    public var dimension: Int {
        switch self {
        case .zero(let n), .nonnegative(let n), .secondOrder(let n): return n
        case .exponential: return 3
        }
    }
}

/// A conic program in the standard form of Clarabel:
///
///     minimize   ½ xᵀPx + qᵀx + objectiveConstant
///     subject to Ax + s = b,  s ∈ K = K₁ × … × K_p
///
/// `P` holds the upper triangle only (entries below the diagonal are ignored) and must be PSD.
public struct ConicProblem: Sendable, Equatable {
    public var P: SparseMatrixCSC
    public var q: [Double]
    public var A: SparseMatrixCSC
    public var b: [Double]
    public var cones: [ConeSpec]
    public var objectiveConstant: Double

    public init(P: SparseMatrixCSC, q: [Double], A: SparseMatrixCSC, b: [Double], cones: [ConeSpec],
                objectiveConstant: Double = 0) {
        self.P = P
        self.q = q
        self.A = A
        self.b = b
        self.cones = cones
        self.objectiveConstant = objectiveConstant
    }

    /// Number of variables.
    public var variableCount: Int { q.count }
    /// Number of constraint rows.
    public var constraintCount: Int { b.count }
}
