import CLapack
import Foundation
import TiltLinearAlgebra

/// Polishing: the interior-point method stops at a duality gap of about 1e-8, which leaves the solution of
/// a problem with a curved active constraint (a tracking-error cone under a linear objective) off by about
/// √gap ≈ 1e-4 in the variables, and near the tolerances its last steps are at the mercy of rounding (an
/// exponential-cone problem may end "almost optimal" on one CPU's BLAS kernels and "optimal" on another's).
/// Polishing guesses the active set from the solution (tight inequality rows, second-order and exponential
/// cones on their boundary), solves the optimality conditions of the problem with those constraints as
/// equalities by Newton's method, and keeps the result only if it is verifiably optimal: every dropped
/// inequality still holds, every kept one has a multiplier of the right sign, and the point passes
/// `OptimalityCheck` at the full tolerances on the problem's data. Otherwise the interior-point solution
/// stands.
///
/// The Newton systems are dense (LU factorisations) over the variables the active set leaves free and the
/// other active rows, so only up to `maximumSize` of those; the problem data are read sparse, so the
/// problem itself may be large (a tracking-error problem over 5,000 assets, most weights at their bound of 0,
/// has a Newton system of the held assets, the exposures and the budget).
public enum SolutionPolisher {
    /// The largest order of the dense Newton system: free variables, active rows other than the bounds that
    /// fix a variable, active curved cones.
    public static let maximumSize = 800

    /// The interior-point method's solution of `problem`, polished (`polish`) where it falls short of
    /// "optimal" — almost optimal, or stopped without further progress — or where an optimal answer shows a
    /// bound shortfall (`OptimalityCheck.boundShortfall(_:x:z:)` above `boundShortfallTolerance`), and the polished
    /// point verifies: what `tilt solve` returns. `minimize 1e-8·x₁ + 0.1·x₂ + 2000·x₃ s.t. 1e-4·x₁ + 300·x₂ +
    /// x₃ ≥ 50, x ≥ 0` met Clarabel's criteria at 0.0167, where the optimum is 0.005; the polisher, which
    /// keeps an active set only when every multiplier on it has the right sign, releases x₁'s bound and ends
    /// there. Where polishing does not verify, the answer stands as the method gave it: the shortfall is not
    /// proof of a wrong answer (12 Maros–Meszaros optima show one in columns without cost), and calling those
    /// almost optimal lost 7 of them. With `polishingOptimal` every optimal solution is polished, for accuracy, as a
    /// program's `solve` does (the method stops at an absolute gap of 1e-8, 2e-6 of a tracking-error
    /// objective of 5e-3); `tilt solve` leaves other optimal answers as Clarabel would, since a dense polish
    /// of a Maros–Meszaros problem of 800 rows costs more than its solve.
    public static func interiorPointSolve(_ problem: ConicProblem, settings: SolverSettings = SolverSettings(),
                                          polishingOptimal: Bool = false) throws -> SolverSolution {
        let solution = try InteriorPointSolver(problem: problem, settings: settings).solve()
        let polishes = solution.status != .optimal || polishingOptimal
            || OptimalityCheck.boundShortfall(problem, x: solution.x, z: solution.z) > OptimalityCheck.boundShortfallTolerance
        guard polishes else { return solution }
        return polish(problem, solution, settings: settings) ?? solution
    }

    /// The polished solution of an optimal or almost optimal `solution` — or of the last iterate of a run
    /// that made no further progress (not of one stopped by its iteration limit: the limit bounds the work
    /// asked for) — with status `optimal`, or nil when polishing does not verify. The verification is the proof: a point that satisfies the optimality
    /// conditions of a convex problem to the tolerances is optimal to them, whatever the interior-point
    /// objective was (which can lie below the optimum by its infeasibility times the multipliers: 7e-9 on
    /// `minimize 1e8·x₁ + x₂`, where a no-worse-objective rule rejected the exact vertex).
    public static func polish(_ problem: ConicProblem, _ solution: SolverSolution,
                              settings: SolverSettings = SolverSettings()) -> SolverSolution? {
        guard solution.status.isSolved || solution.status == .insufficientProgress,
              solution.x.allSatisfy(\.isFinite), solution.z.allSatisfy(\.isFinite),
              let polished = refineInScaledUnits(problem, Start(x: solution.x, z: solution.z, s: slack(problem, solution.x),
                                                                template: solution)) else { return nil }
        return verified(problem, polished, settings: settings, solveTime: solution.info.solveTime,
                        iterations: solution.info.iterations)
    }

    /// `refineActiveSet` on the problem with its objective brought to unit size (`ObjectiveScaling`, as the
    /// interior-point method solves it), the multipliers converted both ways: the rule that tells active
    /// rows from inactive ones compares slacks with multipliers, which only works when the multipliers are
    /// of the data's size (with `minimize 1e8·x₁ + …` every row looked active).
    private static func refineInScaledUnits(_ problem: ConicProblem, _ start: Start) -> SolverSolution? {
        let scaling = ObjectiveScaling(problem)
        var scaledStart = start
        scaledStart.z = start.z.map { $0 * scaling.factor }
        guard var solution = refineActiveSet(scaling.scaled(problem), scaledStart) else { return nil }
        solution.z = solution.z.map { $0 / scaling.factor }
        return solution
    }

    /// `solution` with status `optimal` and its measures in `info`, if it passes `OptimalityCheck` at the
    /// full tolerances of `settings`; otherwise nil.
    private static func verified(_ problem: ConicProblem, _ solution: SolverSolution, settings: SolverSettings,
                                 solveTime: Double, iterations: Int) -> SolverSolution? {
        let check = OptimalityCheck(problem: problem, x: solution.x, s: solution.s, z: solution.z)
        guard check.meets(settings) else { return nil }
        var result = solution
        result.status = .optimal
        result.primalObjective = check.primalObjective
        result.dualObjective = check.dualObjective
        result.info = SolverInfo(iterations: iterations, primalResidual: check.primalResidual,
                                 dualResidual: check.dualResidual, gapAbsolute: check.gapAbsolute,
                                 gapRelative: check.gapRelative, solveTime: solveTime,
                                 setupTime: solution.info.setupTime,
                                 equilibratedIterations: iterations == 0 ? nil : solution.info.equilibratedIterations)
        return result
    }

    /// Solves `problem` without the interior-point method when the optimal active set of `previous` — the
    /// solution of a problem with the same structure (same cones and sizes) and nearby data, such as the
    /// previous rebalance of a backtest — is still optimal: Newton's method on the optimality conditions of
    /// that active set, from `previous`, with the same verification as `polish` (every dropped inequality
    /// holds, every kept one has a multiplier of the right sign, the curved cones' multipliers are in the
    /// dual cone: the KKT conditions hold to 1e-9, which certifies optimality of the convex problem).
    /// Returns nil when they do not; the caller then runs the interior-point method.
    public static func solve(_ problem: ConicProblem, near previous: SolverSolution,
                             settings: SolverSettings = SolverSettings()) -> SolverSolution? {
        guard previous.status == .optimal, previous.x.count == problem.variableCount,
              previous.z.count == problem.constraintCount, previous.s.count == problem.constraintCount else { return nil }
        let start = Date()
        guard var solution = refineInScaledUnits(problem, Start(x: previous.x, z: previous.z, s: previous.s,
                                                                 template: previous)) else { return nil }
        solution.info.setupTime = 0
        return verified(problem, solution, settings: settings, solveTime: Date().timeIntervalSince(start), iterations: 0)
    }

    /// Where a refinement starts: primal and dual points, the slacks that classify the constraints (active
    /// or not), and the solution whose other fields the result keeps.
    private struct Start {
        var x: [Double]
        var z: [Double]
        var s: [Double]
        var template: SolverSolution
    }

    /// Guesses the active set from `start`'s complementarity and refines it (`refine`), correcting the set
    /// a few times; nil when no verified optimum comes out.
    private static func refineActiveSet(_ problem: ConicProblem, _ start: Start) -> SolverSolution? {
        let n = problem.variableCount, m = problem.constraintCount
        guard n > 0, m > 0 else { return nil }
        let a = SparseRows(problem.A)
        let z = start.z
        let s0 = start.s

        // The active set, from complementarity at the interior-point solution.
        var equalities: [Int] = []
        var inactive: [Int] = []
        var curved: [CurvedCone] = []
        var inactiveCones: [CurvedCone] = []
        var row = 0
        for cone in problem.cones {
            let rows = row..<(row + cone.dimension)
            row += cone.dimension
            switch cone {
            case .zero: equalities += rows
            case .nonnegative:
                for i in rows { if s0[i] <= z[i] { equalities.append(i) } else { inactive.append(i) } }
            case .secondOrder:
                let sNorm = norm(s0, rows.dropFirst()), zNorm = norm(z, rows.dropFirst())
                let sGap = s0[rows.lowerBound] - sNorm, zGap = z[rows.lowerBound] - zNorm
                let cone = CurvedCone(rows: rows, kind: .secondOrder)
                if z[rows.lowerBound] <= sGap { inactiveCones.append(cone); continue }
                // On the boundary, away from the vertex: one smooth equality. A cone at its vertex or with
                // an interior multiplier is left to the interior-point solution.
                guard sGap <= zGap || sGap < 1e-6 * max(1, s0[rows.lowerBound]), s0[rows.lowerBound] > 1e-10 else { return nil }
                curved.append(cone)
            case .exponential:
                // The same rule with the distances of s and z to their cones' boundaries, to first order.
                let cone = CurvedCone(rows: rows, kind: .exponential)
                let o = rows.lowerBound
                let sSize = norm(s0, rows[...]), zSize = norm(z, rows[...])
                let sGap = CurvedCone.exponentialPrimalMargin(s0[o], s0[o + 1], s0[o + 2])
                let zGap = CurvedCone.exponentialDualMargin(z[o], z[o + 1], z[o + 2])
                if zSize <= sGap { inactiveCones.append(cone); continue }
                // On the smooth part of the boundary (y, z > 0); the face y = 0 is left to the interior point.
                guard sGap <= zGap || sGap < 1e-6 * max(1, sSize),
                      s0[o + 1] > 1e-10 * max(1, sSize), s0[o + 2] > 1e-10 * max(1, sSize) else { return nil }
                curved.append(cone)
            }
        }
        // A few rounds of active-set correction: a dropped row that the refined point violates joins the
        // active set; a kept inequality whose multiplier has the wrong sign leaves it; a Newton iteration that
        // stalls on a singular system takes in the row its step meets first (`blockingRow`).
        for _ in 0..<8 {
            switch refine(problem, a, start, equalities: equalities, inactive: inactive, curved: curved,
                          inactiveCones: inactiveCones) {
            case .solved(let polished): return polished
            case .failed: return nil
            case .adjust(let violated, let wrongSign):
                guard !violated.isEmpty || !wrongSign.isEmpty else { return nil }
                equalities = equalities.filter { !wrongSign.contains($0) } + violated
                inactive = inactive.filter { !violated.contains($0) } + wrongSign
            }
        }
        return nil
    }

    private enum Outcome {
        case solved(SolverSolution)
        case failed
        /// Rows to make active (violated) and to release (multiplier of the wrong sign).
        case adjust(violated: [Int], wrongSign: [Int])
    }

    /// Newton's method on the optimality conditions with the given active set, then verification.
    ///
    /// An active row that bounds a single variable (`wᵢ ≥ 0` at zero) fixes that variable: it and its
    /// multiplier leave the Newton system (which shrinks from all variables and active rows to the free
    /// variables and the other active rows), and the multiplier is recovered afterwards from the
    /// variable's stationarity condition. Fails when that system is larger than `maximumSize`.
    private static func refine(_ problem: ConicProblem, _ a: SparseRows, _ start: Start,
                               equalities: [Int], inactive: [Int], curved: [CurvedCone],
                               inactiveCones: [CurvedCone]) -> Outcome {
        let n = problem.variableCount, m = problem.constraintCount
        let z = start.z
        let s0 = start.s
        var x = start.x
        var y = equalities.map { z[$0] }
        // z = −μ∇φ(s) on an active cone (μ ≤ 0): μ from the interior-point z by least squares.
        var mu = curved.map { cone in
            let g = cone.gradient(s0)
            let zg = g.indices.reduce(0.0) { $0 + z[cone.rows.lowerBound + $1] * g[$1] }
            return -zg / max(VectorMath.dot(g, g), .leastNormalMagnitude)
        }

        let bounds = singleVariableBounds(a, problem.b, equalities, variableCount: n)
        var isFixed = [Bool](repeating: false, count: n)
        var isBound = [Bool](repeating: false, count: equalities.count)
        for bound in bounds {
            x[bound.variable] = bound.value
            for row in bound.rows {
                y[row.equality] = 0  // Left out of the stationarity condition until it is recovered from it.
                isBound[row.equality] = true
            }
            isFixed[bound.variable] = true
        }
        let free = (0..<n).filter { !isFixed[$0] }
        let general = equalities.indices.filter { !isBound[$0] }
        // Each variable's position among the free ones (nil: fixed): its row and column in the Jacobian.
        var freePosition = [Int?](repeating: nil, count: n)
        for (position, i) in free.enumerated() { freePosition[i] = position }
        let freeRows = a.restricted(to: freePosition)
        let nf = free.count, e = general.count, c = curved.count
        guard nf + e + c <= maximumSize else { return .failed }
        var converged = false
        // The slacks where Newton's method starts and its last step in the free variables (see `blockingRow`).
        let startSlack = slack(problem, x)
        var lastStep = [Double](repeating: 0, count: nf)

        /// The multipliers over all rows: yₖ on the active rows, z = −μ∇φ(s) on an active cone's rows, zero
        /// elsewhere. The stationarity condition q + Px + Aᵀz is then q + Px + Σ aₖ yₖ + Σ μⱼ ∇ₓφⱼ, with
        /// ∇ₓφ = −A_Cᵀ∇φ(s_C) (s = b − Ax).
        func multipliers(_ s: [Double]) -> [Double] {
            var w = [Double](repeating: 0, count: m)
            for (k, rowIndex) in equalities.enumerated() { w[rowIndex] = y[k] }
            for (j, cone) in curved.enumerated() {
                for (k, value) in cone.gradient(s).enumerated() { w[cone.rows.lowerBound + k] = -mu[j] * value }
            }
            return w
        }

        // Each residual against its own scale: stationarity against q's, the constraint rows against b's
        // (a cone's φ against b's to its degree). One scale for all would let a large objective excuse an
        // infeasible point (minimize 1e16·sum(w) "converged" with sum(w) = 0 ≠ 1).
        let dualScale = 1 + VectorMath.normInf(problem.q), primalScale = 1 + VectorMath.normInf(problem.b)
        let jacobian = DenseSystem(order: nf + e + c)
        for _ in 0..<12 {
            // The residual, in the order of the unknowns: free variables, general rows' and cones' multipliers.
            let s = slack(problem, x)
            let g = stationarity(problem, x, multipliers(s))
            let r = free.map { g[$0] } + general.map { -s[equalities[$0]] } + curved.map { $0.value(s) }
            let conesConverged = curved.indices.allSatisfy { j in
                abs(r[nf + e + j]) <= 1e-14 * pow(primalScale, curved[j].degree)
            }
            if VectorMath.allFinite(r), VectorMath.normInf(r, 0..<nf) <= 1e-14 * dualScale,
               VectorMath.normInf(r, nf..<(nf + e)) <= 1e-14 * primalScale, conesConverged {
                converged = true
                break
            }
            jacobian.reset(rightHandSide: r.map { -$0 })
            // P over the free variables, from its upper triangle.
            for (column, j) in free.enumerated() {
                for k in problem.P.colPointers[j]..<problem.P.colPointers[j + 1] {
                    let i = problem.P.rowIndices[k]
                    guard i <= j, let row = freePosition[i] else { continue }
                    jacobian.add(problem.P.values[k], row, column)
                    if i != j { jacobian.add(problem.P.values[k], column, row) }
                }
            }
            for (j, cone) in curved.enumerated() {
                // μ ∇ₓ²φ = μ A_Cᵀ∇²φ A_C, and ∇ₓφ = −A_Cᵀ∇φ(s_C) in the cone's row and column.
                let gradient = cone.gradient(s)
                for (k, rowIndex) in cone.rows.enumerated() {
                    for (position, value) in freeRows.row(rowIndex) {
                        jacobian.addSymmetric(-gradient[k] * value, position, nf + e + j)
                    }
                }
                for entry in cone.hessian(s) {
                    let weight = mu[j] * entry.value
                    for (position, value) in freeRows.row(cone.rows.lowerBound + entry.row) {
                        for (other, otherValue) in freeRows.row(cone.rows.lowerBound + entry.column) {
                            jacobian.add(weight * value * otherValue, position, other)
                        }
                    }
                }
            }
            for (row, k) in general.enumerated() {
                for (position, value) in freeRows.row(equalities[k]) { jacobian.addSymmetric(value, position, nf + row) }
            }
            guard jacobian.solve(primalCount: nf) else { return .failed }
            let step = jacobian.vector
            for position in 0..<nf { lastStep[position] = step[position] }
            for (position, i) in free.enumerated() { x[i] += step[position] }
            for (row, k) in general.enumerated() { y[k] += step[nf + row] }
            for j in 0..<c { mu[j] += step[nf + e + j] }
            // A step at the rounding level of the unknowns ends the iteration too: with data over many orders of
            // magnitude the residuals cannot reach 1e-14 of their scales in floating point (QSHARE1B: x up to
            // 9e5 against coefficients up to 1.3e3 left the rows at 1e-10 of b's 2.9e3). The verification
            // below decides either way.
            let multiplierSize = max(general.reduce(0.0) { max($0, abs(y[$1])) }, mu.reduce(0.0) { max($0, abs($1)) })
            if (0..<nf).allSatisfy({ abs(step[$0]) <= 1e-12 * max(1, abs(x[free[$0]])) }),
               (nf..<(nf + e + c)).allSatisfy({ abs(step[$0]) <= 1e-12 * max(1, multiplierSize) }) {
                converged = true
                break
            }
        }
        guard converged else {
            return blockingRow(a, start: startSlack, step: lastStep, freePosition: freePosition, inactive: inactive)
                .map { .adjust(violated: [$0], wrongSign: []) } ?? .failed
        }

        // The multipliers of the bounds, from the stationarity of the variables they fix.
        let s = slack(problem, x)
        let g = stationarity(problem, x, multipliers(s))
        for bound in bounds {
            // One row carries it: one whose multiplier then has the right sign, if any (a zero-cone row
            // takes either sign); the others' stay 0. Any such split satisfies the optimality conditions.
            let carrier = bound.rows.first { row in
                !isNonnegativeRow(equalities[row.equality], problem.cones) || -g[bound.variable] / row.coefficient >= 0
            } ?? bound.rows[0]
            y[carrier.equality] = -g[bound.variable] / carrier.coefficient
        }

        // Verification.
        let tolerance = 1e-9
        let bScale = primalScale
        // The point must satisfy the rows it holds as equalities (primal feasibility), whatever Newton's
        // residual test said.
        guard equalities.allSatisfy({ abs(s[$0]) <= tolerance * bScale }) else { return .failed }
        let violated = inactive.filter { s[$0] < -tolerance * bScale }
        let wrongSign = equalities.enumerated().filter { k, rowIndex in
            isNonnegativeRow(rowIndex, problem.cones) && y[k] < -tolerance
        }.map(\.element)
        if !violated.isEmpty || !wrongSign.isEmpty { return .adjust(violated: violated, wrongSign: wrongSign) }
        for cone in inactiveCones where cone.margin(s) < -tolerance * bScale { return .failed }
        for (j, cone) in curved.enumerated() where mu[j] > tolerance || !cone.isOnSmoothBoundary(s) { return .failed }
        let objective = primalObjective(problem, x)

        var polished = start.template
        polished.x = x
        polished.s = s
        polished.z = multipliers(s)
        polished.primalObjective = objective
        polished.dualObjective = objective
        return .solved(polished)
    }

    /// The inactive row that a stalled Newton iteration's step meets first, as the ratio test of a simplex
    /// step: nil if it meets none. Newton's method stalls when its system is singular with an inconsistent
    /// right-hand side: free variables along a direction the active rows do not pin down and the objective
    /// is not flat along (QSHARE1B: five basic columns without cost in four equality rows, at an interior-point
    /// solution that left their stationarity 1e-3 off). The regularised solve then steps down that direction
    /// (by the residual over the regularisation, much more than the other components), and the first
    /// inequality it reaches belongs in the active set (a variable of that direction reaching its bound).
    private static func blockingRow(_ a: SparseRows, start s: [Double], step: [Double], freePosition: [Int?],
                                    inactive: [Int]) -> Int? {
        var blocking: (row: Int, ratio: Double)?
        for i in inactive {
            // s = b − Ax falls by t·(a_i·Δx) along t·Δx.
            let decrease = a.row(i).reduce(0.0) { sum, entry in
                guard let k = freePosition[entry.column] else { return sum }
                return sum + entry.value * step[k]
            }
            guard decrease > 0, decrease.isFinite else { continue }
            let ratio = max(s[i], 0) / decrease
            if blocking == nil || ratio < blocking!.ratio { blocking = (i, ratio) }
        }
        return blocking?.row
    }

    /// A second-order or exponential cone in the active-set guess: its rows and a function φ of its slack
    /// with φ > 0 inside the cone, φ = 0 on the boundary (near the slack), whose gradient is an inward normal
    /// there, so that the cone's multiplier is z = −μ∇φ(s) with μ ≤ 0.
    /// Second-order: φ = s₀² − ‖s̄‖² (degree 2). Exponential (x, y, z): φ = y·log(z/y) − x (degree 1).
    private struct CurvedCone {
        enum Kind { case secondOrder, exponential }
        let rows: Range<Int>
        let kind: Kind

        /// The degree of homogeneity of φ (its residual is judged against the data's scale to this power).
        var degree: Double { kind == .secondOrder ? 2 : 1 }

        func value(_ s: [Double]) -> Double {
            let o = rows.lowerBound
            switch kind {
            case .secondOrder: return s[o] * s[o] - rows.dropFirst().reduce(0) { $0 + s[$1] * s[$1] }
            case .exponential: return s[o + 1] * log(s[o + 2] / s[o + 1]) - s[o]
            }
        }

        /// ∇φ(s), one entry per row of the cone.
        func gradient(_ s: [Double]) -> [Double] {
            let o = rows.lowerBound
            switch kind {
            case .secondOrder: return rows.map { $0 == o ? 2 * s[$0] : -2 * s[$0] }
            case .exponential: return [-1, log(s[o + 2] / s[o + 1]) - 1, s[o + 1] / s[o + 2]]
            }
        }

        /// The nonzero entries of ∇²φ(s), rows and columns numbered within the cone.
        func hessian(_ s: [Double]) -> [(row: Int, column: Int, value: Double)] {
            let o = rows.lowerBound
            switch kind {
            case .secondOrder: return (0..<rows.count).map { ($0, $0, $0 == 0 ? 2 : -2) }
            case .exponential:
                let y = s[o + 1], z = s[o + 2]
                return [(1, 1, -1 / y), (1, 2, 1 / z), (2, 1, 1 / z), (2, 2, -y / (z * z))]
            }
        }

        /// Whether s lies on the part of the boundary where φ is smooth and the cone locally one equation:
        /// off the second-order cone's vertex, off the exponential cone's face y = 0.
        func isOnSmoothBoundary(_ s: [Double]) -> Bool {
            let o = rows.lowerBound
            switch kind {
            case .secondOrder: return s[o] > 0
            case .exponential: return s[o + 1] > 0 && s[o + 2] > 0
            }
        }

        /// How far inside the cone s lies (negative: outside), in the units of s.
        func margin(_ s: [Double]) -> Double {
            let o = rows.lowerBound
            switch kind {
            case .secondOrder: return s[o] - rows.dropFirst().reduce(0) { $0 + s[$1] * s[$1] }.squareRoot()
            case .exponential: return Self.exponentialPrimalMargin(s[o], s[o + 1], s[o + 2])
            }
        }

        /// The distance of (x, y, z) inside the exponential cone to first order, φ/‖∇φ‖ (−∞ off y, z > 0).
        static func exponentialPrimalMargin(_ x: Double, _ y: Double, _ z: Double) -> Double {
            guard y > 0, z > 0 else { return -.infinity }
            let logRatio = log(z / y)
            let gradientNorm = (1 + (logRatio - 1) * (logRatio - 1) + (y / z) * (y / z)).squareRoot()
            return (y * logRatio - x) / gradientNorm
        }

        /// The same for the dual cone, with r(u, v, w) = v − u − u·log(−w/u) (−∞ off u < 0, w > 0).
        static func exponentialDualMargin(_ u: Double, _ v: Double, _ w: Double) -> Double {
            guard u < 0, w > 0 else { return -.infinity }
            let logRatio = log(-w / u)
            let gradientNorm = (logRatio * logRatio + 1 + (u / w) * (u / w)).squareRoot()
            return (v - u - u * logRatio) / gradientNorm
        }
    }

    /// The active rows `a·x` with one nonzero coefficient that fix `variable` at `value` (= b / coefficient).
    private struct SingleVariableBound {
        var variable: Int
        var value: Double
        /// Each row's position in the list of active rows, and its coefficient.
        var rows: [(equality: Int, coefficient: Double)]
    }

    /// The variables that active rows bound on their own, in the order of their first such row. A variable
    /// whose rows all fix it at the same value is fixed by them (a bound stated twice, as `var w[n] >= 0`
    /// and the constraint `w >= 0`: the interior-point method leaves both active); one whose rows disagree
    /// keeps them in the Newton system.
    private static func singleVariableBounds(_ a: SparseRows, _ b: [Double], _ equalities: [Int], variableCount: Int) -> [SingleVariableBound] {
        var position = [Int?](repeating: nil, count: variableCount)
        var bounds: [SingleVariableBound] = []
        var consistent: [Bool] = []
        for (k, row) in equalities.enumerated() {
            let entries = a.row(row)
            guard entries.count == 1, let (variable, coefficient) = entries.first else { continue }
            let value = b[row] / coefficient
            if let p = position[variable] {
                bounds[p].rows.append((k, coefficient))
                consistent[p] = consistent[p] && bounds[p].value == value
            } else {
                position[variable] = bounds.count
                bounds.append(SingleVariableBound(variable: variable, value: value, rows: [(k, coefficient)]))
                consistent.append(true)
            }
        }
        return bounds.indices.filter { consistent[$0] }.map { bounds[$0] }
    }

    private static func isNonnegativeRow(_ row: Int, _ cones: [ConeSpec]) -> Bool {
        var start = 0
        for cone in cones {
            if row < start + cone.dimension {
                if case .nonnegative = cone { return true }
                return false
            }
            start += cone.dimension
        }
        return false
    }

    /// q + Px + Aᵀz, the gradient of the Lagrangian (zero at an optimum).
    private static func stationarity(_ problem: ConicProblem, _ x: [Double], _ z: [Double]) -> [Double] {
        var v = problem.q
        problem.P.symmetricUpperMultiplyAdd(x, into: &v)
        problem.A.transposeMultiplyAdd(z, into: &v)
        return v
    }

    /// s = b − Ax, with the sparse A.
    private static func slack(_ problem: ConicProblem, _ x: [Double]) -> [Double] {
        var s = problem.b
        problem.A.multiplyAdd(x, into: &s, scale: -1)
        return s
    }

    /// ½xᵀPx + qᵀx + c.
    private static func primalObjective(_ problem: ConicProblem, _ x: [Double]) -> Double {
        let px = problem.P.symmetricUpperTimes(x)
        var value = problem.objectiveConstant
        for i in x.indices { value += (problem.q[i] + 0.5 * px[i]) * x[i] }
        return value
    }

    private static func norm(_ v: [Double], _ indices: Range<Int>.SubSequence) -> Double {
        indices.reduce(0) { $0 + v[$1] * v[$1] }.squareRoot()
    }

}

/// The rows of a sparse matrix: `row(i)` holds the nonzeros of row i in column order (repeated entries of
/// the CSC form summed, zeros dropped: the nonzeros of the dense matrix).
private struct SparseRows {
    typealias Entry = (column: Int, value: Double)
    private var starts: [Int]
    private var entries: [Entry]

    init(_ a: SparseMatrixCSC) {
        // The rows of A are the columns of Aᵀ: each row's entries in column order, repeated ones adjacent.
        let transposed = a.transposed()
        var starts = transposed.colPointers
        var entries = zip(transposed.rowIndices, transposed.values).map { Entry(column: $0, value: $1) }
        entries.withUnsafeMutableBufferPointer { entries in
            // In place, row by row: repeated entries summed, zeros dropped.
            starts.withUnsafeMutableBufferPointer { starts in
                var kept = 0
                for i in 0..<a.rows {
                    var k = starts[i]
                    let end = starts[i + 1]
                    starts[i] = kept
                    while k < end {
                        let column = entries[k].column
                        var value = 0.0
                        while k < end, entries[k].column == column {
                            value += entries[k].value
                            k += 1
                        }
                        if value != 0 {
                            entries[kept] = (column, value)
                            kept += 1
                        }
                    }
                }
                starts[a.rows] = kept
            }
        }
        self.init(starts: starts, entries: Array(entries[..<starts[a.rows]]))
    }

    func row(_ i: Int) -> ArraySlice<Entry> { entries[starts[i]..<starts[i + 1]] }

    /// These rows over the columns that `renumbered` maps, each renamed to its new number; the others dropped.
    func restricted(to renumbered: [Int?]) -> SparseRows {
        var result = SparseRows(starts: [0], entries: [])
        result.starts.reserveCapacity(starts.count)
        result.entries.reserveCapacity(entries.count)
        for i in 0..<(starts.count - 1) {
            for (column, value) in row(i) {
                if let newColumn = renumbered[column] { result.entries.append((newColumn, value)) }
            }
            result.starts.append(result.entries.count)
        }
        return result
    }

    private init(starts: [Int], entries: [Entry]) {
        self.starts = starts
        self.entries = entries
    }
}

/// A dense square system, column-major in buffers reused across solves, solved in place by LU with partial
/// pivoting (LAPACK dgesv). Refused like `Matrix.solve` refuses it: a non-finite entry, a singular matrix
/// or a reciprocal condition number (dgecon, 1-norm) below 1e-14; and a non-finite solution.
private final class DenseSystem {
    let order: Int
    /// Entry (i, j) at `i + j * order`, as assembled.
    private let matrix: UnsafeMutableBufferPointer<Double>
    /// The matrix being factored (LU factors after `solve`).
    private let factors: UnsafeMutableBufferPointer<Double>
    /// The right-hand side; the solution after `solve`.
    private(set) var vector: [Double] = []
    private var pivots: [Int32]
    private var work: [Double]
    private var integerWork: [Int32]

    init(order: Int) {
        self.order = order
        matrix = .allocate(capacity: order * order)
        factors = .allocate(capacity: order * order)
        pivots = [Int32](repeating: 0, count: order)
        work = [Double](repeating: 0, count: 4 * order)
        integerWork = [Int32](repeating: 0, count: order)
    }

    deinit {
        matrix.deallocate()
        factors.deallocate()
    }

    /// A zero matrix and the given right-hand side.
    func reset(rightHandSide: [Double]) {
        matrix.update(repeating: 0)
        vector = rightHandSide
    }

    func add(_ value: Double, _ row: Int, _ column: Int) { matrix[row + column * order] += value }

    /// Adds `value` to entries (i, j) and (j, i), i ≠ j.
    func addSymmetric(_ value: Double, _ i: Int, _ j: Int) {
        matrix[i + j * order] += value
        matrix[j + i * order] += value
    }

    /// Replaces `vector` by the solution; false when the system is refused. When the matrix is singular — a
    /// variable the active set leaves undetermined (an epigraph variable between an inactive cone and its
    /// bound), or dependent active rows — the step is taken with a proximal term instead: +δ on the first
    /// `primalCount` (variable) diagonal entries, −δ on the multipliers', δ = 1e-10 of the largest entry.
    /// Such directions then stay where the interior-point solution put them, and Newton's fixed points are
    /// unchanged (the iteration stops only where the residual is zero).
    func solve(primalCount: Int) -> Bool {
        let rightHandSide = vector
        if factorAndSolve(regularization: 0) { return true }
        var largest = 0.0
        for k in 0..<(order * order) { largest = max(largest, abs(matrix[k])) }
        vector = rightHandSide
        return factorAndSolve(regularization: 1e-10 * largest, primalCount: primalCount)
    }

    private func factorAndSolve(regularization delta: Double, primalCount: Int = 0) -> Bool {
        _ = factors.update(fromContentsOf: matrix)
        if delta > 0 {
            for i in 0..<order { factors[i + i * order] += i < primalCount ? delta : -delta }
        }
        var oneNorm = 0.0
        for j in 0..<order {
            let columnSum = factors[j * order ..< (j + 1) * order].reduce(0) { $0 + abs($1) }
            guard columnSum.isFinite else { return false }  // Finite exactly when the column's entries are.
            oneNorm = max(oneNorm, columnSum)
        }
        var n = Int32(order), one: Int32 = 1, info: Int32 = 0
        dgesv_(&n, &one, factors.baseAddress, &n, &pivots, &vector, &n, &info)
        guard info == 0 else { return false }
        var norm = Int8(UInt8(ascii: "1"))
        var reciprocalCondition = 0.0
        dgecon_(&norm, &n, factors.baseAddress, &n, &oneNorm, &reciprocalCondition, &work, &integerWork, &info)
        return info == 0 && reciprocalCondition >= 1e-14 && vector.allSatisfy(\.isFinite)
    }
}
