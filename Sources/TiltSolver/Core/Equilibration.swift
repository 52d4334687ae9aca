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

    /// Computes the scaling of `problem` (P upper triangle) as Clarabel's `equilibrate` does: each round
    /// scales columns by 1/√(column ∞-norm) and rows by 1/√(row ∞-norm) of the KKT matrix
    /// `[cDPD, DAᵀE; EAD, 0]` as currently scaled, each cumulative factor kept in
    /// [`equilibrationMinScale`, `equilibrationMaxScale`], then rescales the cost by
    /// 1/max(‖q̂‖∞, mean column norm of P̂); the rows of each second-order cone share one factor in every
    /// round (their mean), and those of an exponential cone after the rounds, so the scaled slack stays in
    /// the cone. The norms are taken through the
    /// running factors rather than by rewriting the matrices. Two departures. Clarabel averages a second-order
    /// cone's factors once, after the rounds. And it scales the cost only
    /// when P and q are both nonzero, so an LP keeps c = 1 — and `maximize x₁ − x₂` over the box
    /// `1e8·x ≤ 5e8, 1e8·x ≥ −5e8` (q̂ = 1e-4 against b̂ = 5e4 after the row and column scaling) stalls
    /// at its second iteration, in Clarabel too; Tilt scales an LP's cost by 1/‖q̂‖∞.
    init(problem: ConicProblem, cones: CompositeCone, settings: SolverSettings) {
        self.init(variables: problem.variableCount, constraints: problem.constraintCount)
        guard settings.equilibrate else { return }
        let (P, A) = (problem.P, problem.A)
        let n = problem.variableCount, m = problem.constraintCount
        let (lo, hi) = (settings.equilibrationMinScale, settings.equilibrationMaxScale)
        /// The factor 1/√norm (1 for a zero norm) bounded so that the cumulative scale stays in [lo, hi].
        func factor(_ norm: Double, _ scale: Double) -> Double {
            let f = norm == 0 ? 1 : 1 / norm.squareRoot()
            return min(max(f, lo / scale), hi / scale)
        }
        var columnNorms = [Double](repeating: 0, count: n), rowNorms = [Double](repeating: 0, count: m)
        var pNorms = [Double](repeating: 0, count: n)
        let sharedBlocks = cones.cones.filter { $0 is SecondOrderCone || $0 is ExponentialCone }.map(\.range)
        let secondOrderBlocks = cones.cones.filter { $0 is SecondOrderCone }.map(\.range)
        for _ in 0..<settings.equilibrationIterations {
            // The norms start each round at zero (reset as they are consumed).
            Self.accumulateSymmetricNorms(P, scale: variableScale, into: &pNorms)
            for j in 0..<n {
                columnNorms[j] = costScale * pNorms[j]
                pNorms[j] = 0
            }
            Self.accumulateNorms(A, rowScale: constraintScale, columnScale: variableScale, rows: &rowNorms, cols: &columnNorms)
            for j in 0..<n {
                variableScale[j] *= factor(columnNorms[j], variableScale[j])
                columnNorms[j] = 0
            }
            // Each round's factor is shared over a second-order cone's rows (Clarabel averages only once, after
            // the rounds, undoing the last rounds' balance: random SOCPs ended "almost optimal" six times as
            // often). Exponential cones are averaged once at the end, as Clarabel does (averaging them every
            // round cost the exponential-cone references an iteration).
            for block in secondOrderBlocks {
                let mean = block.reduce(0) { $0 + rowNorms[$1] } / Double(block.count)
                for i in block { rowNorms[i] = mean }
            }
            for i in 0..<m {
                constraintScale[i] *= factor(rowNorms[i], constraintScale[i])
                rowNorms[i] = 0
            }
            // Cost scaling: the larger of ‖q̂‖∞ and the mean column norm of P̂'s upper triangle to one.
            Self.accumulateUpperColumnNorms(P, scale: variableScale, into: &pNorms)
            var meanP = 0.0, qNorm = 0.0
            for j in 0..<n {
                meanP += costScale * pNorms[j]
                pNorms[j] = 0
                qNorm = max(qNorm, abs(costScale * variableScale[j] * problem.q[j]))
            }
            meanP /= Double(max(n, 1))
            if max(meanP, qNorm) > 0 {
                costScale *= min(max(1 / max(qNorm, meanP), lo / costScale), hi / costScale)
            }
        }
        // Rows of a second-order or exponential cone share one factor (their mean; the bounds may have
        // clipped some).
        for block in sharedBlocks {
            let mean = block.reduce(0) { $0 + constraintScale[$1] } / Double(block.count)
            for i in block { constraintScale[i] = mean }
        }
    }

    /// `norms[j] = max(norms[j], max_{i ≤ j} |(DMD)_ij|)`: the column norms of the stored upper triangle.
    private static func accumulateUpperColumnNorms(_ M: SparseMatrixCSC, scale: [Double], into norms: inout [Double]) {
        for j in 0..<M.cols {
            for p in M.colPointers[j]..<M.colPointers[j + 1] where M.rowIndices[p] <= j {
                norms[j] = larger(norms[j], abs(M.values[p]) * scale[M.rowIndices[p]] * scale[j])
            }
        }
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
