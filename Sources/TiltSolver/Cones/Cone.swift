/// How a cone's block of the scaling matrix `H` (with `H Δz + Δs = −offset` the linearised
/// complementarity) enters the KKT matrix.
enum HessianShape: Equatable {
    /// `H = diag(h)`; `writeHessian` writes `dimension` values.
    case diagonal
    /// `H` dense; `writeHessian` writes `dimension²` values, column-major.
    case dense
    /// `H = η²D + (ηu)(ηu)ᵀ − (ηv)(ηv)ᵀ` with `D` diagonal, kept sparse in the KKT matrix by two
    /// extra rows/columns; `writeHessian` writes `η²D` (dimension values), then `ηu`, then `ηv`.
    case sparseExpansion
}

/// How nonsymmetric cones scale the Newton system (Clarabel's `ScalingStrategy`). The method starts with
/// `primalDual` and falls back to `dual` for the rest of the solve when a step is too short, the KKT
/// factorisation fails or progress stalls.
enum ScalingStrategy: Equatable {
    /// The primal–dual scaling of Dahl & Andersen: `H` satisfies both secant equations `Hz = s`, `Hz̃ = s̃`.
    case primalDual
    /// `H = μ∇²f*(z)`, the dual barrier's Hessian: slower, but its steps are kept near the central path by a
    /// stricter neighbourhood.
    case dual
}

/// One cone of the product `K`, with the operations the interior-point method needs. A cone owns
/// the rows `range` of the stacked vectors `s`, `z` (every method reads and writes only those rows)
/// and keeps its current scaling between `updateScaling` and the next call.
protocol Cone: AnyObject {
    /// Rows of `s`/`z` this cone owns.
    var range: Range<Int> { get }
    /// Barrier degree ν of this cone (0 for the zero cone).
    var degree: Int { get }
    /// Whether the cone is self-dual with a Nesterov–Todd scaling (`λ = Wz = W⁻ᵀs`).
    var isSymmetric: Bool { get }
    var hessianShape: HessianShape { get }

    /// Central starting point: `s = z =` the cone's unit (or central) point.
    func unitInitialization(s: inout [Double], z: inout [Double])
    /// For the symmetric start (Clarabel's `margins`): the largest α with `v − αe` in the cone (negative
    /// when `v` lies outside; e the cone's unit), and the sum of the positive such margins. The zero cone
    /// has none: (+∞, 0). Exponential cones are never shifted (they start from the central point).
    func margins(_ v: [Double]) -> (minimum: Double, positive: Double)
    /// `v ← v + αe`; the zero cone sets a primal `v` (`isPrimal`) to zero instead.
    func shiftAlongUnit(_ v: inout [Double], by alpha: Double, isPrimal: Bool)
    /// Recomputes the scaling from interior `s`, `z`; false if they are not interior. Nonsymmetric cones
    /// follow `strategy`; symmetric cones always take their Nesterov–Todd scaling.
    func updateScaling(s: [Double], z: [Double], mu: Double, strategy: ScalingStrategy) -> Bool
    /// Writes this cone's `H` values in the layout of `hessianShape`, starting at `out[base]`.
    func writeHessian(into out: inout [Double], at base: Int)
    /// `y[range] = H x[range]`.
    func multiplyHessian(_ x: [Double], into y: inout [Double])
    /// Right-hand side `ds` of the affine (predictor) complementarity equation.
    func affineDs(_ ds: inout [Double], s: [Double])
    /// Adds the Mehrotra/third-order correction and centring `σμ` to the affine `ds`, given the
    /// affine directions.
    func addCombinedShift(_ ds: inout [Double], dz: [Double], ds affineDs: [Double], sigmaMu: Double)
    /// `offset` such that `Δs = −offset − H Δz` solves the complementarity equation for `ds`.
    func deltaSOffset(_ out: inout [Double], ds: [Double], z: [Double])
    /// Largest `α ≤ alphaMax` keeping `z + αdz` in the dual and `s + αds` in the primal cone.
    func stepLength(dz: [Double], ds: [Double], z: [Double], s: [Double], alphaMax: Double) -> Double
    /// Whether `z + αdz`, `s + αds` stay well centred (nonsymmetric cones; symmetric cones: true).
    func isCentred(dz: [Double], ds: [Double], z: [Double], s: [Double], alpha: Double,
                   mu: Double) -> Bool
}

extension Cone {
    var dimension: Int { range.count }

    func isCentred(dz: [Double], ds: [Double], z: [Double], s: [Double], alpha: Double,
                   mu: Double) -> Bool { true }
}

/// This cone's rows of stacked vectors as buffers indexed from 0 (row `range.lowerBound` is entry
/// 0), for the per-iteration loops.
extension Cone {
    typealias Rows = UnsafeBufferPointer<Double>
    typealias MutableRows = UnsafeMutableBufferPointer<Double>

    func withRows<R>(_ a: [Double], _ b: [Double], _ body: (Rows, Rows) -> R) -> R {
        let range = self.range
        return a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in body(Rows(rebasing: a[range]), Rows(rebasing: b[range])) }
        }
    }

    func withRows<R>(_ y: inout [Double], _ body: (MutableRows) -> R) -> R {
        let range = self.range
        return y.withUnsafeMutableBufferPointer { y in body(MutableRows(rebasing: y[range])) }
    }

    func withRows<R>(_ a: [Double], _ y: inout [Double], _ body: (Rows, MutableRows) -> R) -> R {
        let range = self.range
        return a.withUnsafeBufferPointer { a in
            y.withUnsafeMutableBufferPointer { y in body(Rows(rebasing: a[range]), MutableRows(rebasing: y[range])) }
        }
    }

    func withRows<R>(_ a: [Double], _ b: [Double], _ y: inout [Double], _ body: (Rows, Rows, MutableRows) -> R) -> R {
        withRows(a, b) { a, b in withRows(&y) { y in body(a, b, y) } }
    }
}
