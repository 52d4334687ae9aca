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
        let (P, A) = (problem.P, problem.A)
        let n = problem.variableCount, m = problem.constraintCount
        let (lo, hi) = (settings.equilibrationMinScale, settings.equilibrationMaxScale)
        func factor(_ norm: Double) -> Double { norm == 0 ? 1 : min(max(1 / norm.squareRoot(), lo), hi) }

        // The Ruiz iterations rescale the matrices by each round's factors d, e; instead of
        // rewriting them every round, the norms are taken on the fly through the running products
        // (unclamped, unlike `variableScale`/`constraintScale`, which are bounded cumulatively).
        var columnProduct = [Double](repeating: 1, count: n), rowProduct = [Double](repeating: 1, count: m)
        var columnNorms = [Double](repeating: 0, count: n), rowNorms = [Double](repeating: 0, count: m)
        // Cones whose rows must share one factor (the scaled slack has to stay in the cone).
        let sharedBlocks = cones.cones.filter { $0 is SecondOrderCone || $0 is ExponentialCone }.map(\.range)
        for _ in 0..<settings.equilibrationIterations {
            // The norms start each round at zero (fresh arrays, then reset as they are consumed).
            Self.accumulateSymmetricNorms(P, scale: columnProduct, into: &columnNorms)
            Self.accumulateNorms(A, rowScale: rowProduct, columnScale: columnProduct, rows: &rowNorms, cols: &columnNorms)
            // This round's factors d (from columnNorms) and e (rowNorms, averaged over shared blocks).
            for j in 0..<n {
                let d = factor(columnNorms[j])
                columnProduct[j] *= d
                variableScale[j] = min(max(variableScale[j] * d, lo), hi)
                columnNorms[j] = 0
            }
            for i in 0..<m { rowNorms[i] = factor(rowNorms[i]) }
            for block in sharedBlocks {
                var sum = 0.0
                for i in block { sum += rowNorms[i] }
                let mean = sum / Double(block.count)
                for i in block { rowNorms[i] = mean }
            }
            for i in 0..<m {
                rowProduct[i] *= rowNorms[i]
                constraintScale[i] = min(max(constraintScale[i] * rowNorms[i], lo), hi)
                rowNorms[i] = 0
            }
        }

        // Cost scaling: bring the larger of the mean column norm of P and ‖q‖∞ to one.
        var pColumnNorms = [Double](repeating: 0, count: n)
        Self.accumulateSymmetricNorms(P, scale: columnProduct, into: &pColumnNorms)
        let meanP = n == 0 ? 0 : pColumnNorms.reduce(0, +) / Double(n)
        var qNorm = 0.0
        for j in 0..<n { qNorm = max(qNorm, abs(problem.q[j] * variableScale[j])) }
        let size = max(meanP, qNorm)
        costScale = size == 0 ? 1 : min(max(1 / size, lo), hi)
    }

    /// `norms[i] = max(norms[i], max |(DSD)_ij|)`, `D = diag(scale)`, over the columns and rows of
    /// the symmetric `S` whose upper triangle `M` stores (each entry counts for its row and column).
    private static func accumulateSymmetricNorms(_ M: SparseMatrixCSC, scale: [Double], into norms: inout [Double]) {
        M.colPointers.withUnsafeBufferPointer { pointers in
            M.rowIndices.withUnsafeBufferPointer { rowIndices in
                M.values.withUnsafeBufferPointer { values in
                    scale.withUnsafeBufferPointer { scale in
                        norms.withUnsafeMutableBufferPointer { norms in
                            for j in 0..<M.cols {
                                for p in pointers[j]..<pointers[j + 1] {
                                    let i = rowIndices[p], v = abs(values[p]) * scale[i] * scale[j]
                                    norms[j] = larger(norms[j], v)
                                    norms[i] = larger(norms[i], v)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Row and column `∞`-norms of `diag(rowScale)·M·diag(columnScale)`, folded into `rows` and
    /// `cols` by `max`.
    private static func accumulateNorms(_ M: SparseMatrixCSC, rowScale: [Double], columnScale: [Double],
                                        rows: inout [Double], cols: inout [Double]) {
        M.colPointers.withUnsafeBufferPointer { pointers in
            M.rowIndices.withUnsafeBufferPointer { rowIndices in
                M.values.withUnsafeBufferPointer { values in
                    rowScale.withUnsafeBufferPointer { rowScale in
                        rows.withUnsafeMutableBufferPointer { rows in
                            for j in 0..<M.cols {
                                let cj = columnScale[j]
                                var column = cols[j]
                                for p in pointers[j]..<pointers[j + 1] {
                                    let i = rowIndices[p], v = abs(values[p]) * rowScale[i] * cj
                                    column = larger(column, v)
                                    rows[i] = larger(rows[i], v)
                                }
                                cols[j] = column
                            }
                        }
                    }
                }
            }
        }
    }

    /// `max(a, b)` for numbers that are not NaN, in the form that compiles to one `maxsd`.
    @inline(__always) private static func larger(_ a: Double, _ b: Double) -> Double { a > b ? a : b }

    /// `M ← diag(rows)·M·diag(cols)` in place.
    private static func scale(_ M: inout SparseMatrixCSC, rows: [Double], cols: [Double]) {
        let columnCount = M.cols
        M.colPointers.withUnsafeBufferPointer { pointers in
            M.rowIndices.withUnsafeBufferPointer { rowIndices in
                M.values.withUnsafeMutableBufferPointer { values in
                    for j in 0..<columnCount {
                        let cj = cols[j]
                        for p in pointers[j]..<pointers[j + 1] { values[p] *= rows[rowIndices[p]] * cj }
                    }
                }
            }
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
