import TiltLinearAlgebra

/// Modified Ruiz equilibration of `[P Aᵀ; A 0]` plus a cost scaling, as in Clarabel:
///
///     P̂ = c·DPD,  q̂ = c·Dq,  Â = EAD,  b̂ = Eb,   x = Dx̂,  s = E⁻¹ŝ,  z = Eẑ/c.
///
/// Rows of a second-order or exponential cone share one scale factor so that the scaled slack stays
/// in the same cone.
struct Equilibration {
    /// `D` (variables).
    var variableScale: [Double]
    /// `E` (constraint rows).
    var constraintScale: [Double]
    /// `c` (objective).
    var costScale: Double

    /// The identity scaling.
    init(variables n: Int, constraints m: Int) {
        variableScale = [Double](repeating: 1, count: n)
        constraintScale = [Double](repeating: 1, count: m)
        costScale = 1
    }

    /// Computes the scaling of `problem` (P upper triangle).
    init(problem: ConicProblem, cones: CompositeCone, settings: SolverSettings) {
        self.init(variables: problem.variableCount, constraints: problem.constraintCount)
        guard settings.equilibrate else { return }
        var P = problem.P, A = problem.A
        let n = problem.variableCount, m = problem.constraintCount
        let (lo, hi) = (settings.equilibrationMinScale, settings.equilibrationMaxScale)
        func factor(_ norm: Double) -> Double { norm == 0 ? 1 : min(max(1 / norm.squareRoot(), lo), hi) }

        for _ in 0..<settings.equilibrationIterations {
            var columnNorms = [Double](repeating: 0, count: n)
            var rowNorms = [Double](repeating: 0, count: m)
            for j in 0..<n {
                for p in P.colPointers[j]..<P.colPointers[j + 1] {
                    let v = abs(P.values[p]), i = P.rowIndices[p]
                    columnNorms[j] = max(columnNorms[j], v)
                    columnNorms[i] = max(columnNorms[i], v)
                }
                for p in A.colPointers[j]..<A.colPointers[j + 1] {
                    let v = abs(A.values[p])
                    columnNorms[j] = max(columnNorms[j], v)
                    rowNorms[A.rowIndices[p]] = max(rowNorms[A.rowIndices[p]], v)
                }
            }
            let d = columnNorms.map(factor)
            var e = rowNorms.map(factor)
            for cone in cones.cones where cone is SecondOrderCone || cone is ExponentialCone {
                let mean = cone.range.reduce(0) { $0 + e[$1] } / Double(cone.dimension)
                for i in cone.range { e[i] = mean }
            }
            Self.scale(&P, rows: d, cols: d)
            Self.scale(&A, rows: e, cols: d)
            for j in 0..<n { variableScale[j] = min(max(variableScale[j] * d[j], lo), hi) }
            for i in 0..<m { constraintScale[i] = min(max(constraintScale[i] * e[i], lo), hi) }
        }

        // Cost scaling: bring the larger of the mean column norm of P and ‖q‖∞ to one.
        var pColumnNorms = [Double](repeating: 0, count: n)
        for j in 0..<n {
            for p in P.colPointers[j]..<P.colPointers[j + 1] {
                let v = abs(P.values[p])
                pColumnNorms[j] = max(pColumnNorms[j], v)
                pColumnNorms[P.rowIndices[p]] = max(pColumnNorms[P.rowIndices[p]], v)
            }
        }
        let meanP = n == 0 ? 0 : pColumnNorms.reduce(0, +) / Double(n)
        var qNorm = 0.0
        for j in 0..<n { qNorm = max(qNorm, abs(problem.q[j] * variableScale[j])) }
        let size = max(meanP, qNorm)
        costScale = size == 0 ? 1 : min(max(1 / size, lo), hi)
    }

    /// `M ← diag(rows)·M·diag(cols)` in place.
    private static func scale(_ M: inout SparseMatrixCSC, rows: [Double], cols: [Double]) {
        for j in 0..<M.cols {
            for p in M.colPointers[j]..<M.colPointers[j + 1] { M.values[p] *= rows[M.rowIndices[p]] * cols[j] }
        }
    }

    /// The scaled problem data `(P̂, q̂, Â, b̂)`.
    func scaled(P: SparseMatrixCSC, q: [Double], A: SparseMatrixCSC, b: [Double])
        -> (P: SparseMatrixCSC, q: [Double], A: SparseMatrixCSC, b: [Double]) {
        var P = P, A = A
        Self.scale(&P, rows: variableScale, cols: variableScale)
        for k in P.values.indices { P.values[k] *= costScale }
        Self.scale(&A, rows: constraintScale, cols: variableScale)
        let q = q.indices.map { costScale * variableScale[$0] * q[$0] }
        let b = b.indices.map { constraintScale[$0] * b[$0] }
        return (P, q, A, b)
    }

    /// Original-space `x = D x̂ · factor`.
    func unscaleX(_ x: [Double], factor: Double = 1) -> [Double] {
        x.indices.map { variableScale[$0] * x[$0] * factor }
    }
    /// Original-space `s = E⁻¹ ŝ · factor`.
    func unscaleS(_ s: [Double], factor: Double = 1) -> [Double] {
        s.indices.map { s[$0] / constraintScale[$0] * factor }
    }
    /// Original-space `z = E ẑ / c · factor`.
    func unscaleZ(_ z: [Double], factor: Double = 1) -> [Double] {
        z.indices.map { constraintScale[$0] * z[$0] / costScale * factor }
    }
}
