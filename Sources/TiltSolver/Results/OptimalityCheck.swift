import Foundation

/// How well a primal–dual point `(x, s, z)` solves a cone program, measured on its original data (no
/// equilibration, no objective scaling) with Clarabel's definitions:
///
///     primal residual  ‖Ax + s − b‖∞ / max(1, ‖b‖∞ + ‖x‖∞ + ‖s‖∞)
///     dual residual    ‖Px + Aᵀz + q‖∞ / max(1, ‖q‖∞ + ‖x‖∞ + ‖z‖∞)
///     gap              |(½xᵀPx + qᵀx + c) − (−½xᵀPx − bᵀz + c)|, relative: over max(1, min(|primal|, |dual|))
///
/// `s` and `z` are first moved into `K` and `K*` if they lie outside (a negative slack clipped to zero, a
/// second-order cone's head raised to the norm of its tail, …), so that only points of the cones are
/// judged and what they lack shows in the residuals.
///
/// The gap and the dual residual — the measures in the objective's units — must meet their tolerances
/// twice: in the objective's own units, and in the units of the objective brought to unit size (its
/// largest coefficient 1; `ObjectiveScaling.unitFactor`). The first keeps `minimize 1e8·x₁ + x₂` from
/// stopping at an optimum off by 0.4 (an absolute gap of 1e-8 after scaling by 1e-8); the second keeps an
/// objective of size 1e-12 from passing at its starting point (gap and dual residual both below 1e-8 in its
/// own units), and makes the absolute gap of a portfolio objective of 0.01 (alphas of 0.02) 2e-10 rather
/// than 1e-8, i.e. 2e-8 relative rather than 1e-6. For coefficients of size 1 the two are one test.
///
/// Beyond Clarabel's tests, what the residuals can move the objective by must also stay within 10× the gap
/// tolerance (in both units): `Σ|(Ax + s − b)ᵢ zᵢ| + Σ|xⱼ (Px + Aᵀz + q)ⱼ|`, the sizes of the terms by
/// which `primal − dual` differs from the complementarity `sᵀz`. (A safety net against large multipliers
/// and large variables, not a second gap test: at 1× it cost the exponential-cone reference problems an
/// iteration for a bound of 1.9e-8 against 1.8e-8.) Clarabel's dual residual is relative to ‖x‖∞, so with
/// ‖x‖∞ = 8.9e5 the Maros–Meszaros QSHARE1B passed its tests 1.87 (2.6e-6) above the optimum (Clarabel's own
/// answer there is 5e-6 off); the term is 36 there. A residual measured against the whole vector hides a violated
/// row beside a large entry, and a large multiplier turns it into an objective error:
/// `minimize t s.t. t ≥ eˣ, x ≥ 18` passed Clarabel's tests at t = 65655508.7 < e^18.0000005 (the
/// exponential cone's constant row off by 4e-6, "relative" 3e-14 of ‖x‖∞ = 6.6e7, against a multiplier of
/// 1.1e9: the objective 4.5e3 too low); this term is 4.5e3 there.
/// Every status `optimal` the solver returns has passed this check (`status(settings:)`).
public struct OptimalityCheck: Sendable {
    /// `½xᵀPx + qᵀx + c`: the objective at `x`.
    public var primalObjective: Double
    /// `−½xᵀPx − bᵀz + c`.
    public var dualObjective: Double
    public var primalResidual: Double
    public var dualResidual: Double
    /// `|primal − dual|`.
    public var gapAbsolute: Double
    /// `gapAbsolute / max(1, min(|primal|, |dual|))`.
    public var gapRelative: Double
    /// The factor that brings the objective's largest coefficient to 1 (`ObjectiveScaling.unitFactor`).
    public var objectiveScale: Double
    /// The dual residual with the objective (and so z) multiplied by `objectiveScale`.
    public var scaledDualResidual: Double
    /// `Σ|(Ax + s − b)ᵢ zᵢ| + Σ|xⱼ (Px + Aᵀz + q)ⱼ|`, as described above.
    public var residualCost: Double
    /// The `boundShortfall(_:x:z:)` above which an answer that meets the tolerances is not trusted without
    /// polishing (`SolutionPolisher.interiorPointSolve`): far below what a wrong vertex shows (0.5 on the
    /// linear programs the fuzz found). Not a test of `meets`: columns without cost whose terms are all
    /// at rounding level (1e-12 and below, on 12 of the Maros–Meszaros problems) show shortfalls near 1 at
    /// their optimum, and their residual moves the objective by nothing.
    public static let boundShortfallTolerance = 1e-3

    /// Measures `(x, s, z)` on `problem` (whose `P` may hold only its upper triangle).
    public init(problem: ConicProblem, x: [Double], s: [Double], z: [Double]) {
        let s = Self.insideCones(s, problem.cones, dual: false)
        let z = Self.insideCones(z, problem.cones, dual: true)
        let (px, dual) = Self.stationarity(problem, x: x, z: z)
        var primal = problem.b.indices.map { -problem.b[$0] + s[$0] }
        problem.A.multiplyAdd(x, into: &primal)
        let xPx = VectorMath.dot(x, px), qTx = VectorMath.dot(problem.q, x), bTz = VectorMath.dot(problem.b, z)
        let normX = VectorMath.normInf(x)
        primalResidual = VectorMath.normInf(primal)
            / max(1, VectorMath.normInf(problem.b) + normX + VectorMath.normInf(s))
        let dualNorms = (residual: VectorMath.normInf(dual), q: VectorMath.normInf(problem.q), z: VectorMath.normInf(z))
        dualResidual = dualNorms.residual / max(1, dualNorms.q + normX + dualNorms.z)
        objectiveScale = ObjectiveScaling(problem).unitFactor
        scaledDualResidual = dualNorms.residual * objectiveScale / max(1, (dualNorms.q + dualNorms.z) * objectiveScale + normX)
        primalObjective = 0.5 * xPx + qTx + problem.objectiveConstant
        dualObjective = -0.5 * xPx - bTz + problem.objectiveConstant
        gapAbsolute = abs(primalObjective - dualObjective)
        gapRelative = gapAbsolute / max(1, min(abs(primalObjective), abs(dualObjective)))
        residualCost = primal.indices.reduce(0) { $0 + abs(primal[$1] * z[$1]) } + dual.indices.reduce(0) { $0 + abs(dual[$1] * x[$1]) }
        let all = [primalResidual, dualResidual, scaledDualResidual, residualCost, gapAbsolute, primalObjective, dualObjective]
        if !all.allSatisfy(\.isFinite) {
            primalResidual = .infinity
            dualResidual = .infinity
            scaledDualResidual = .infinity
            residualCost = .infinity
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
        return primalResidual < feasibility && dualResidual < feasibility && scaledDualResidual < feasibility
            && Self.gapMeets(gapAbsolute, primalObjective, dualObjective, scale: objectiveScale,
                             absolute: gapAbsoluteTolerance, relative: gapRelativeTolerance)
            && Self.gapMeets(residualCost, primalObjective, dualObjective, scale: objectiveScale,
                             absolute: 10 * gapAbsoluteTolerance, relative: 10 * gapRelativeTolerance)
    }

    /// The gap test in both units (see the type's comment): `gap` within `absolute` or within `relative` of
    /// max(1, min(|primal|, |dual|)), both as given and with the objective multiplied by `scale`.
    static func gapMeets(_ gap: Double, _ primal: Double, _ dual: Double, scale: Double, absolute: Double,
                         relative: Double) -> Bool {
        func meets(_ factor: Double) -> Bool {
            let g = gap * factor
            return g < absolute || g < relative * max(1, min(abs(primal), abs(dual)) * factor)
        }
        return meets(1) && meets(scale)
    }

    /// A sign of a wrong answer that Clarabel's tests pass: a bounded variable whose stationarity is off by a large
    /// share of its own terms, in the direction its bounds' multipliers cannot take up. The dual residual is
    /// measured against the whole vector and the residual cost multiplies it by the returned x, so a column
    /// whose terms are small beside the largest cost can be far off where its optimal value is large:
    /// `minimize 1e-8·x₁ + 0.1·x₂ + 2000·x₃ s.t. 1e-4·x₁ + 300·x₂ + x₃ ≥ 50, x ≥ 0` passed them at x₂ = 1/6
    /// (objective 0.0167; the optimum is 0.005 at x₁ = 5e5) with x₁'s residual −2.3e-8, 1e-11 of ‖q‖∞ but
    /// half of x₁'s own terms, and x₁ = 0; a six-column one ended at 5.07e-6 (optimum 1.74e-6) with a
    /// residual of −7.2e-8 on a column whose optimal value is 46 and returned value 0.93. A residual of the
    /// sign a bound's multiplier can take up is harmless (raising that multiplier, which is unbounded above,
    /// makes the column's stationarity exact and keeps z in K*); one of the other sign can be taken up only
    /// down to a multiplier of 0, and what is left says the objective still falls as the variable moves off
    /// that bound, by an amount no tolerance on x̂ bounds. So for each variable with a bound — a row of a
    /// nonnegative cone with a single entry in its column — the residual of its stationarity is moved into
    /// its bounds' multipliers as far as they stay nonnegative; what is left, over the sum of the sizes of
    /// the column's terms |qⱼ| + |(Px)ⱼ| + Σᵢ|aᵢⱼzᵢ|, is the shortfall. Free variables are left to the tests
    /// above (nothing can take up their residual).
    /// Measured on demand (`SolutionPolisher.interiorPointSolve` asks it of an optimal answer), not by every
    /// check the iterations make: it is no test of `meets`.
    public static func boundShortfall(_ problem: ConicProblem, x: [Double], z: [Double]) -> Double {
        let z = insideCones(z, problem.cones, dual: true)
        let (px, residual) = stationarity(problem, x: x, z: z)
        let A = problem.A
        // Rows of the nonnegative cones, and how many entries each has.
        var inequality = [Bool](repeating: false, count: A.rows), entries = [Int](repeating: 0, count: A.rows)
        var start = 0
        for cone in problem.cones {
            if case .nonnegative(let m) = cone { for i in start..<(start + m) { inequality[i] = true } }
            start += cone.dimension
        }
        for i in A.rowIndices { entries[i] += 1 }
        var largest = 0.0
        for j in 0..<A.cols {
            let r = residual[j]
            var size = abs(problem.q[j]) + abs(px[j]), bounded = false, unlimited = false, capacity = 0.0
            for k in A.colPointers[j]..<A.colPointers[j + 1] {
                let i = A.rowIndices[k], a = A.values[k]
                size += abs(a * z[i])
                guard inequality[i], entries[i] == 1 else { continue }
                bounded = true
                // Raising zᵢ moves rⱼ by aᵢⱼ per unit; lowering it, by −aᵢⱼ down to zᵢ = 0.
                if a * r < 0 { unlimited = true } else { capacity += abs(a) * z[i] }
            }
            guard bounded, !unlimited, r != 0 else { continue }
            let shortfall = abs(r) - capacity
            if shortfall > 0, size > 0 { largest = max(largest, shortfall / size) }
        }
        return largest
    }

    /// `Px` and the stationarity residual `Px + Aᵀz + q` (`P` may hold only its upper triangle).
    private static func stationarity(_ problem: ConicProblem, x: [Double], z: [Double]) -> (px: [Double], residual: [Double]) {
        let px = problem.P.upperTriangle().symmetricUpperTimes(x)
        var residual = problem.q
        for j in residual.indices { residual[j] += px[j] }
        problem.A.transposeMultiplyAdd(z, into: &residual)
        return (px, residual)
    }

    /// `optimal` if the full tolerances hold, `almostOptimal` if the reduced ones do, otherwise nil.
    public func status(_ settings: SolverSettings) -> SolverStatus? {
        if meets(settings) { return .optimal }
        return meets(settings, reduced: true) ? .almostOptimal : nil
    }

    /// How small a certificate's residual must also be against the data's size times the direction's
    /// (largest entry of A and P times ‖z‖∞ or ‖x‖∞): loose, as it only rules out certificates that hold
    /// merely because the constraint coefficients are tiny (a box `1e-8·x ≤ 5e-8` was called unbounded).
    static let certificateTolerance = 1e-4

    /// Whether `z` certifies that `Ax + s = b, s ∈ K` has no solution (Farkas): with `z` moved into K* and
    /// scaled to `bᵀz = −1`, `‖Aᵀz‖∞ ≤ tol · max(1, ‖z‖∞)` (Clarabel's measure, tol the infeasibility
    /// tolerance of `settings`, reduced or not) and `‖Aᵀz‖∞ ≤ certificateTolerance · max|A, P| · ‖z‖∞`.
    public static func certifiesInfeasibility(_ problem: ConicProblem, z: [Double], settings: SolverSettings,
                                              reduced: Bool = false) -> Bool {
        let inside = insideCones(z, problem.cones, dual: true)
        let bTz = VectorMath.dot(problem.b, inside)
        guard bTz < 0, bTz.isFinite else { return false }
        let certificate = inside.map { -$0 / bTz }
        let residual = VectorMath.normInf(problem.A.transposeTimes(certificate))
        let size = VectorMath.normInf(certificate)
        let tolerance = reduced ? settings.reducedInfeasibilityRelativeTolerance : settings.infeasibilityRelativeTolerance
        return residual <= tolerance * max(1, size) && residual <= certificateTolerance * dataSize(problem) * size
    }

    /// Whether `(x, s)` certifies that the objective is unbounded below: with `s` moved into K and both scaled
    /// to `qᵀx = −1`, `max(‖Px‖∞ / max(1, ‖x‖∞), ‖Ax + s‖∞ / max(1, ‖x‖∞ + ‖s‖∞)) ≤ tol` and the same
    /// residual `≤ certificateTolerance · max|A, P| · ‖x‖∞`.
    public static func certifiesUnboundedness(_ problem: ConicProblem, x: [Double], s: [Double], settings: SolverSettings,
                                              reduced: Bool = false) -> Bool {
        let qTx = VectorMath.dot(problem.q, x)
        guard qTx < 0, qTx.isFinite else { return false }
        let direction = x.map { -$0 / qTx }
        let slack = insideCones(s.map { -$0 / qTx }, problem.cones, dual: false)
        var primal = slack
        problem.A.multiplyAdd(direction, into: &primal)
        let px = problem.P.upperTriangle().symmetricUpperTimes(direction)
        let size = VectorMath.normInf(direction)
        let residual = max(VectorMath.normInf(px) / max(1, size),
                           VectorMath.normInf(primal) / max(1, size + VectorMath.normInf(slack)))
        let tolerance = reduced ? settings.reducedInfeasibilityRelativeTolerance : settings.infeasibilityRelativeTolerance
        return residual <= tolerance && residual <= certificateTolerance * dataSize(problem) * size / max(1, size)
    }

    /// The largest entry of A and P.
    private static func dataSize(_ problem: ConicProblem) -> Double {
        max(VectorMath.normInf(problem.A.values), VectorMath.normInf(problem.P.values))
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
