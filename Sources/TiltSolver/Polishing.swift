import Foundation
import TiltLinearAlgebra

/// Polishing: the interior-point method stops at a duality gap of about 1e-8, which leaves the solution of
/// a problem with a curved active constraint (a tracking-error cone under a linear objective) off by about
/// √gap ≈ 1e-4 in the variables. Polishing guesses the active set from the solution (tight inequality
/// rows, second-order cones on their boundary), solves the optimality conditions of the problem with those
/// constraints as equalities by Newton's method, and keeps the result only if it is verifiably optimal:
/// every dropped inequality still holds, every kept one has a multiplier of the right sign, and the
/// objective is no worse. Otherwise the interior-point solution stands.
///
/// Dense linear algebra, so only for problems up to `maximumSize` variables plus constraint rows;
/// problems with exponential cones are not polished.
public enum SolutionPolisher {
    public static let maximumSize = 800

    public static func polish(_ problem: ConicProblem, _ solution: SolverSolution) -> SolverSolution? {
        guard solution.status == .optimal else { return nil }
        return refineActiveSet(problem, Start(x: solution.x, z: solution.z, s: slack(problem, solution.x),
                                              referenceObjective: solution.primalObjective, template: solution))
    }

    /// Solves `problem` without the interior-point method when the optimal active set of `previous` — the
    /// solution of a problem with the same structure (same cones and sizes) and nearby data, such as the
    /// previous rebalance of a backtest — is still optimal: Newton's method on the optimality conditions of
    /// that active set, from `previous`, with the same verification as `polish` (every dropped inequality
    /// holds, every kept one has a multiplier of the right sign, the curved cones' multipliers are in the
    /// dual cone: the KKT conditions hold to 1e-9, which certifies optimality of the convex problem).
    /// Returns nil when they do not; the caller then runs the interior-point method.
    public static func solve(_ problem: ConicProblem, near previous: SolverSolution) -> SolverSolution? {
        guard previous.status == .optimal, previous.x.count == problem.variableCount,
              previous.z.count == problem.constraintCount, previous.s.count == problem.constraintCount else { return nil }
        let start = Date()
        guard var solution = refineActiveSet(problem, Start(x: previous.x, z: previous.z, s: previous.s,
                                                             referenceObjective: nil, template: previous)) else { return nil }
        var stationarity = problem.q
        problem.P.symmetricUpperMultiplyAdd(solution.x, into: &stationarity)
        problem.A.transposeMultiplyAdd(solution.z, into: &stationarity)
        var feasibility = solution.s
        problem.A.multiplyAdd(solution.x, into: &feasibility)
        for i in feasibility.indices { feasibility[i] -= problem.b[i] }
        solution.info = SolverInfo(iterations: 0, primalResidual: maxAbs(feasibility), dualResidual: maxAbs(stationarity),
                                   gapAbsolute: 0, gapRelative: 0, solveTime: Date().timeIntervalSince(start), setupTime: 0)
        return solution
    }

    /// Where a refinement starts: primal and dual points, the slacks that classify the constraints (active
    /// or not), the objective the result must not exceed (nil: the KKT verification alone decides) and the
    /// solution whose other fields the result keeps.
    private struct Start {
        var x: [Double]
        var z: [Double]
        var s: [Double]
        var referenceObjective: Double?
        var template: SolverSolution
    }

    /// Guesses the active set from `start`'s complementarity and refines it (`refine`), correcting the set
    /// a few times; nil when no verified optimum comes out.
    private static func refineActiveSet(_ problem: ConicProblem, _ start: Start) -> SolverSolution? {
        let n = problem.variableCount, m = problem.constraintCount
        guard n + m <= maximumSize, n > 0, m > 0, !problem.cones.contains(.exponential) else { return nil }
        let a = dense(problem.A)
        let p = symmetric(problem.P)
        let z = start.z
        let s0 = start.s

        // The active set, from complementarity at the interior-point solution.
        var equalities: [Int] = []
        var inactive: [Int] = []
        var curved: [Range<Int>] = []
        var inactiveCones: [Range<Int>] = []
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
                if z[rows.lowerBound] <= sGap { inactiveCones.append(rows); continue }
                // On the boundary, away from the vertex: one smooth equality. A cone at its vertex or with
                // an interior multiplier is left to the interior-point solution.
                guard sGap <= zGap || sGap < 1e-6 * max(1, s0[rows.lowerBound]), s0[rows.lowerBound] > 1e-10 else { return nil }
                curved.append(rows)
            case .exponential: return nil
            }
        }
        // A few rounds of active-set correction: a dropped row that the refined point violates joins the
        // active set; a kept inequality whose multiplier has the wrong sign leaves it.
        for _ in 0..<8 {
            switch refine(problem, a, p, start, equalities: equalities, inactive: inactive, curved: curved,
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
    /// variable's stationarity condition.
    private static func refine(_ problem: ConicProblem, _ a: Matrix, _ p: Matrix, _ start: Start,
                               equalities: [Int], inactive: [Int], curved: [Range<Int>],
                               inactiveCones: [Range<Int>]) -> Outcome {
        let n = problem.variableCount, m = problem.constraintCount
        let z = start.z
        let s0 = start.s
        var x = start.x
        var y = equalities.map { z[$0] }
        // z = α(s₀, −s̄) on an active cone, and Aᵀz = −(α/2)∇φ for φ = s₀² − ‖s̄‖²: so μ = −α/2.
        var mu = curved.map { rows in -z[rows.lowerBound] / (2 * s0[rows.lowerBound]) }

        let bounds = singleVariableBounds(a, equalities)
        let fixedVariable = Set(bounds.map(\.variable))
        for bound in bounds { x[bound.variable] = problem.b[equalities[bound.equality]] / bound.coefficient }
        let free = (0..<n).filter { !fixedVariable.contains($0) }
        let boundEqualities = Set(bounds.map(\.equality))
        let general = equalities.indices.filter { !boundEqualities.contains($0) }
        let nf = free.count, e = general.count, c = curved.count
        let size = nf + e + c
        var converged = false

        /// ∇φ of every active cone over all variables, `gradients[j][i]`: ∇φ = −2 A_Cᵀ D s_C,
        /// D = diag(1, −1, …, −1), each component summed over the cone's rows in order (the cone's
        /// rows of column i of the column-major `a` are contiguous).
        func coneGradients(_ s: [Double]) -> [[Double]] {
            a.storage.withUnsafeBufferPointer { entries in
                s.withUnsafeBufferPointer { s in
                    curved.map { rows in
                        (0..<n).map { i in
                            let column = i * m
                            var g = 0.0
                            for rowIndex in rows {
                                let sign = rowIndex == rows.lowerBound ? 1.0 : -1.0
                                g -= 2 * sign * s[rowIndex] * entries[column + rowIndex]
                            }
                            return g
                        }
                    }
                }
            }
        }
        /// Component i of the stationarity condition q + Px + Σ aₖ yₖ (the non-bound active rows) + Σ μⱼ ∇φⱼ
        /// (row i of the symmetric `p` read as its contiguous column i).
        func stationarity(_ i: Int, _ gradients: [[Double]]) -> Double {
            var v = problem.q[i]
            p.storage.withUnsafeBufferPointer { entries in
                x.withUnsafeBufferPointer { x in
                    let column = i * n
                    for j in 0..<n { v += entries[column + j] * x[j] }
                }
            }
            for k in general { v += a[equalities[k], i] * y[k] }
            for j in 0..<c { v += mu[j] * gradients[j][i] }
            return v
        }

        for _ in 0..<12 {
            let s = slack(problem, x)
            var r = [Double](repeating: 0, count: size)
            let gradients = coneGradients(s)
            for (position, i) in free.enumerated() { r[position] = stationarity(i, gradients) }
            for (j, rows) in curved.enumerated() {
                r[nf + e + j] = s[rows.lowerBound] * s[rows.lowerBound] - rows.dropFirst().reduce(0) { $0 + s[$1] * s[$1] }
            }
            for (position, k) in general.enumerated() { r[nf + position] = -s[equalities[k]] }
            let scale = 1 + max(maxAbs(problem.q), maxAbs(problem.b))
            if maxAbs(r) <= 1e-14 * scale { converged = true; break }
            var jac = Matrix(rows: size, cols: size)
            for (column, j) in free.enumerated() { for (row, i) in free.enumerated() { jac[row, column] = p[i, j] } }
            for (j, rows) in curved.enumerated() {
                // μ ∇²φ = 2μ A_Cᵀ D A_C.
                for rowIndex in rows {
                    let d = rowIndex == rows.lowerBound ? 2 * mu[j] : -2 * mu[j]
                    let entries = free.indices.filter { a[rowIndex, free[$0]] != 0 }
                    for u in entries {
                        for v in entries { jac[u, v] += d * a[rowIndex, free[u]] * a[rowIndex, free[v]] }
                    }
                }
                for (position, i) in free.enumerated() {
                    jac[position, nf + e + j] = gradients[j][i]
                    jac[nf + e + j, position] = gradients[j][i]
                }
            }
            for (row, k) in general.enumerated() {
                for (position, i) in free.enumerated() {
                    jac[position, nf + row] = a[equalities[k], i]
                    jac[nf + row, position] = a[equalities[k], i]
                }
            }
            guard let step = try? Matrix.solve(jac, Matrix(column: r.map { -$0 })), step.storage.allSatisfy(\.isFinite) else {
                return .failed
            }
            for (position, i) in free.enumerated() { x[i] += step.storage[position] }
            for (row, k) in general.enumerated() { y[k] += step.storage[nf + row] }
            for j in 0..<c { mu[j] += step.storage[nf + e + j] }
        }
        guard converged else { return .failed }

        // The multipliers of the bounds, from the stationarity of the variables they fix.
        let s = slack(problem, x)
        let gradients = coneGradients(s)
        for bound in bounds { y[bound.equality] = -stationarity(bound.variable, gradients) / bound.coefficient }

        // Verification.
        let tolerance = 1e-9
        let bScale = 1 + maxAbs(problem.b)
        let violated = inactive.filter { s[$0] < -tolerance * bScale }
        let wrongSign = equalities.enumerated().filter { k, rowIndex in
            isNonnegativeRow(rowIndex, problem.cones) && y[k] < -tolerance
        }.map(\.element)
        if !violated.isEmpty || !wrongSign.isEmpty { return .adjust(violated: violated, wrongSign: wrongSign) }
        for rows in inactiveCones where s[rows.lowerBound] - norm(s, rows.dropFirst()) < -tolerance * bScale { return .failed }
        for (j, rows) in curved.enumerated() where mu[j] > tolerance || s[rows.lowerBound] <= 0 { return .failed }
        let objective = primalObjective(problem, p, x)
        if let reference = start.referenceObjective {
            guard objective <= reference + 1e-9 * (1 + abs(reference)) else { return .failed }
        }

        var polished = start.template
        polished.x = x
        polished.s = s
        var newZ = [Double](repeating: 0, count: m)
        for (k, rowIndex) in equalities.enumerated() { newZ[rowIndex] = y[k] }
        for (j, rows) in curved.enumerated() {
            let alpha = -2 * mu[j]
            for rowIndex in rows { newZ[rowIndex] = alpha * (rowIndex == rows.lowerBound ? s[rowIndex] : -s[rowIndex]) }
        }
        polished.z = newZ
        polished.primalObjective = objective
        polished.dualObjective = objective
        return .solved(polished)
    }

    /// An active row `a·x` with one nonzero coefficient: it fixes `variable` at `b / coefficient`.
    private struct SingleVariableBound {
        /// Position in the list of active rows.
        var equality: Int
        var variable: Int
        var coefficient: Double
    }

    /// The active rows that each bound a single variable, one per variable (a variable bounded by two
    /// active rows keeps both in the Newton system).
    private static func singleVariableBounds(_ a: Matrix, _ equalities: [Int]) -> [SingleVariableBound] {
        var found: [Int: SingleVariableBound] = [:]
        var repeated = Set<Int>()
        for (k, row) in equalities.enumerated() {
            var only: Int?
            var count = 0
            for i in 0..<a.cols where a[row, i] != 0 {
                count += 1
                only = i
                if count > 1 { break }
            }
            guard count == 1, let i = only else { continue }
            if found[i] != nil { repeated.insert(i) }
            found[i] = SingleVariableBound(equality: k, variable: i, coefficient: a[row, i])
        }
        return found.values.filter { !repeated.contains($0.variable) }.sorted { $0.equality < $1.equality }
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

    private static func dense(_ a: SparseMatrixCSC) -> Matrix {
        var d = Matrix(rows: a.rows, cols: a.cols)
        for j in 0..<a.cols { for k in a.colPointers[j]..<a.colPointers[j + 1] { d[a.rowIndices[k], j] += a.values[k] } }
        return d
    }

    /// The full symmetric P from its upper triangle.
    private static func symmetric(_ upper: SparseMatrixCSC) -> Matrix {
        var d = Matrix(rows: upper.rows, cols: upper.cols)
        for j in 0..<upper.cols {
            for k in upper.colPointers[j]..<upper.colPointers[j + 1] {
                let i = upper.rowIndices[k]
                guard i <= j else { continue }
                d[i, j] += upper.values[k]
                if i != j { d[j, i] += upper.values[k] }
            }
        }
        return d
    }

    /// s = b − Ax, with the sparse A.
    private static func slack(_ problem: ConicProblem, _ x: [Double]) -> [Double] {
        var s = problem.b
        problem.A.multiplyAdd(x, into: &s, scale: -1)
        return s
    }

    /// ½xᵀPx + qᵀx + c, the entries of the symmetric `p` read column by column (`p[j, i] = p[i, j]`).
    private static func primalObjective(_ problem: ConicProblem, _ p: Matrix, _ x: [Double]) -> Double {
        var value = problem.objectiveConstant
        p.storage.withUnsafeBufferPointer { entries in
            x.withUnsafeBufferPointer { x in
                let n = x.count
                for i in 0..<n {
                    value += problem.q[i] * x[i]
                    for j in 0..<n { value += 0.5 * x[i] * entries[i * n + j] * x[j] }
                }
            }
        }
        return value
    }

    private static func norm(_ v: [Double], _ indices: Range<Int>.SubSequence) -> Double {
        indices.reduce(0) { $0 + v[$1] * v[$1] }.squareRoot()
    }

    private static func maxAbs(_ v: [Double]) -> Double { v.reduce(0) { max($0, abs($1)) } }
}
