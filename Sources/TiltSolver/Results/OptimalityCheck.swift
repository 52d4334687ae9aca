import Foundation

/// How well a primal–dual point `(x, s, z)` solves a cone program, measured on its original data (no
/// equilibration, no objective scaling) with Clarabel's definitions:
///
///     primal residual  ‖Ax + s − b‖∞ / max(1, ‖b‖∞ + ‖x‖∞ + ‖s‖∞)
///     dual residual    ‖Px + Aᵀz + q‖∞ / max(1, ‖q‖∞ + ‖x‖∞ + ‖z‖∞)
///     gap              |(½xᵀPx + qᵀx) − (−½xᵀPx − bᵀz)|, relative: over max(1, min(|primal|, |dual|))
///
/// `s` and `z` are first moved into `K` and `K*` if they lie outside (a negative slack clipped to zero, a
/// second-order cone's head raised to the norm of its tail, …), so that only points of the cones are
/// judged and what they lack shows in the residuals. The gap also covers the complementarity `sᵀz`:
/// residuals within tolerance can hide a gap when the multipliers are large (`minimize 1e8·x₁ + x₂`
/// with `x₁ ≥ 0` violated by 1e-9 moves the objective by 0.1), and `sᵀz` is what then stays large.
/// Every status `optimal` the solver returns has passed this check (`status(settings:)`).
public struct OptimalityCheck: Sendable {
    /// `½xᵀPx + qᵀx + c`: the objective at `x`.
    public var primalObjective: Double
    /// `−½xᵀPx − bᵀz + c`.
    public var dualObjective: Double
    public var primalResidual: Double
    public var dualResidual: Double
    /// `max(|primal − dual|, sᵀz)`.
    public var gapAbsolute: Double
    /// `gapAbsolute / max(1, min(|primal|, |dual|))`.
    public var gapRelative: Double

    /// Measures `(x, s, z)` on `problem` (whose `P` may hold only its upper triangle).
    public init(problem: ConicProblem, x: [Double], s: [Double], z: [Double]) {
        let s = Self.insideCones(s, problem.cones, dual: false)
        let z = Self.insideCones(z, problem.cones, dual: true)
        let upper = problem.P.upperTriangle()
        let px = upper.symmetricUpperTimes(x)
        var primal = problem.b.indices.map { -problem.b[$0] + s[$0] }
        problem.A.multiplyAdd(x, into: &primal)
        var dual = problem.q
        for j in dual.indices { dual[j] += px[j] }
        problem.A.transposeMultiplyAdd(z, into: &dual)
        let xPx = VectorMath.dot(x, px), qTx = VectorMath.dot(problem.q, x), bTz = VectorMath.dot(problem.b, z)
        let normX = VectorMath.normInf(x)
        primalResidual = VectorMath.normInf(primal)
            / max(1, VectorMath.normInf(problem.b) + normX + VectorMath.normInf(s))
        dualResidual = VectorMath.normInf(dual)
            / max(1, VectorMath.normInf(problem.q) + normX + VectorMath.normInf(z))
        primalObjective = 0.5 * xPx + qTx + problem.objectiveConstant
        dualObjective = -0.5 * xPx - bTz + problem.objectiveConstant
        gapAbsolute = max(abs(primalObjective - dualObjective), VectorMath.dot(s, z))
        gapRelative = gapAbsolute / max(1, min(abs(primalObjective), abs(dualObjective)))
        let all = [primalResidual, dualResidual, gapAbsolute, primalObjective, dualObjective]
        if !all.allSatisfy(\.isFinite) {
            primalResidual = .infinity
            dualResidual = .infinity
            gapAbsolute = .infinity
            gapRelative = .infinity
        }
    }

    /// Whether the point meets the tolerances of `settings` (the full ones, or with `reduced` those of
    /// "almost optimal").
    public func meets(_ settings: SolverSettings, reduced: Bool = false) -> Bool {
        let feasibility = reduced ? settings.reducedFeasibilityTolerance : settings.feasibilityTolerance
        let gapAbsoluteTolerance = reduced ? settings.reducedGapAbsoluteTolerance : settings.gapAbsoluteTolerance
        let gapRelativeTolerance = reduced ? settings.reducedGapRelativeTolerance : settings.gapRelativeTolerance
        return primalResidual < feasibility && dualResidual < feasibility
            && (gapAbsolute < gapAbsoluteTolerance || gapRelative < gapRelativeTolerance)
    }

    /// `optimal` if the full tolerances hold, `almostOptimal` if the reduced ones do, otherwise nil.
    public func status(_ settings: SolverSettings) -> SolverStatus? {
        if meets(settings) { return .optimal }
        return meets(settings, reduced: true) ? .almostOptimal : nil
    }

    /// `v` with each cone's block moved into the cone (`dual`: into the dual cone) if it lies outside; the
    /// zero cone's dual is the whole space.
    static func insideCones(_ v: [Double], _ cones: [ConeSpec], dual: Bool) -> [Double] {
        var v = v
        var start = 0
        for cone in cones {
            let rows = start..<(start + cone.dimension)
            start += cone.dimension
            switch cone {
            case .zero:
                if !dual { for i in rows { v[i] = 0 } }
            case .nonnegative:
                for i in rows { v[i] = max(v[i], 0) }
            case .secondOrder:
                let tail = VectorMath.norm2(v, rows.dropFirst())
                v[rows.lowerBound] = max(v[rows.lowerBound], tail)
            case .exponential:
                let o = rows.lowerBound
                let (a, b, c) = dual ? exponentialDualInside(v[o], v[o + 1], v[o + 2])
                                     : exponentialInside(v[o], v[o + 1], v[o + 2])
                (v[o], v[o + 1], v[o + 2]) = (a, b, c)
            }
        }
        return v
    }

    /// A point of `closure{(x, y, z) : y > 0, y·exp(x/y) ≤ z}` near `(x, y, z)`: `z` raised to `y·exp(x/y)`,
    /// or, for `y ≤ 0`, the face `{x ≤ 0, y = 0, z ≥ 0}`.
    private static func exponentialInside(_ x: Double, _ y: Double, _ z: Double) -> (Double, Double, Double) {
        if y > 0 {
            let bound = y * exp(x / y)
            return bound.isFinite ? (x, y, max(z, bound)) : (x, y, .infinity)
        }
        return (min(x, 0), 0, max(z, 0))
    }

    /// A point of the dual cone `closure{(u, v, w) : u < 0, −u·exp(v/u) ≤ e·w}` near `(u, v, w)`: `w` raised
    /// to `−u·exp(v/u)/e`, or, for `u ≥ 0`, the face `{u = 0, v ≥ 0, w ≥ 0}`.
    private static func exponentialDualInside(_ u: Double, _ v: Double, _ w: Double) -> (Double, Double, Double) {
        if u < 0 {
            let bound = -u * exp(v / u - 1)
            return bound.isFinite ? (u, v, max(w, bound)) : (u, v, .infinity)
        }
        return (0, max(v, 0), max(w, 0))
    }
}
