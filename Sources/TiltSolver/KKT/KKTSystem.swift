import TiltLinearAlgebra

/// The regularised quasi-definite KKT system of one interior-point iteration,
///
///     [ P + σI      Aᵀ    ] [Δx]   [r_x]
///     [   A      −H − δI  ] [Δz] = [r_z]
///
/// assembled once (pattern and value slots) and refreshed each iteration with new `H` blocks.
/// Large second-order cones enter through two extra rows/columns each (see `SecondOrderCone`).
/// Solves use iterative refinement against the unregularised matrix.
final class KKTSystem {
    let variableCount: Int
    let constraintCount: Int
    /// Size of the (possibly expanded) KKT matrix.
    let size: Int
    private let pattern: SparseMatrixCSC
    private let signs: [Int]
    private var values: [Double]
    /// Slot of each stored entry of `P`'s upper triangle.
    private let pSlots: [Int]
    /// Slot of each stored entry of `A`.
    private let aSlots: [Int]
    /// Slots for each cone's `writeHessian` layout (−1: not stored, lower triangle).
    private let hessianSlots: [[Int]]
    private var hessianScratch: [Double]
    private let cones: CompositeCone
    private var solver: any KKTSolver
    private let settings: SolverSettings
    /// Workspaces of one right-hand side (`size` entries each).
    private struct SolveBuffers {
        /// `candidate` holds a refined solution until its residual shows it is better than `solution`.
        let rhs, solution, residual, candidate: UnsafeMutableBufferPointer<Double>
        init(size: Int) {
            rhs = .allocate(capacity: size)
            solution = .allocate(capacity: size)
            residual = .allocate(capacity: size)
            candidate = .allocate(capacity: size)
            for buffer in [rhs, solution, residual, candidate] { buffer.initialize(repeating: 0) }
        }
        func deallocate() {
            for buffer in [rhs, solution, residual, candidate] { buffer.deallocate() }
        }
    }
    /// Two sets, allocated once: single solves use the first, paired solves both.
    private let workspaces: [SolveBuffers]
    /// `pattern`'s row indices as 32-bit integers (the index stream of the refinement products).
    private let strictRows: UnsafeMutableBufferPointer<Int32>

    /// Assembles the pattern and picks the factorisation back end from `settings.linearSolver`.
    init(P: SparseMatrixCSC, A: SparseMatrixCSC, cones: CompositeCone, settings: SolverSettings) throws {
        let n = A.cols, m = A.rows
        guard n + m < Int(Int32.max) / 2 else {
            throw SolverError.dimensionMismatch("\(n) variables and \(m) constraints exceed the solver's 32-bit indices")
        }
        variableCount = n
        constraintCount = m
        self.cones = cones
        self.settings = settings
        let expansions = cones.cones.reduce(0) { $0 + ($1.hessianShape == .sparseExpansion ? 1 : 0) }
        size = n + m + 2 * expansions
        let layout = KKTPattern(P: P, A: A, cones: cones.cones, size: size)
        let rowIndices = layout.rowIndices
        pattern = SparseMatrixCSC(rows: size, cols: size, colPointers: layout.colPointers, rowIndices: rowIndices,
                                  values: [Double](repeating: 0, count: rowIndices.count))
        pSlots = layout.pSlots
        aSlots = layout.aSlots
        hessianSlots = layout.hessianSlots
        hessianScratch = [Double](repeating: 0, count: hessianSlots.map(\.count).max() ?? 0)
        // +1 on x and on each expansion's u column, −1 on z and on each expansion's v column.
        var signs = [Int](repeating: 1, count: size)
        for k in n..<(n + m) { signs[k] = -1 }
        for k in stride(from: n + m, to: size, by: 2) { signs[k] = -1 }
        self.signs = signs
        values = [Double](repeating: 0, count: rowIndices.count)
        workspaces = [SolveBuffers(size: size), SolveBuffers(size: size)]
        strictRows = .allocate(capacity: rowIndices.count)
        for (p, row) in rowIndices.enumerated() { strictRows[p] = Int32(truncatingIfNeeded: row) }
        let colPointers = layout.colPointers
        for j in 0..<size {
            precondition(colPointers[j + 1] > colPointers[j] && rowIndices[colPointers[j + 1] - 1] == j,
                         "KKT column \(j) must end with its diagonal")
        }
        solver = try Self.makeSolver(pattern: pattern, signs: signs, choice: settings.linearSolver)
        updateMatrixData(P: P, A: A)
    }

    /// Whether the factorisation back end is the dense LAPACK one (`.automatic` decides at setup).
    var usesDenseFactorization: Bool { solver is DenseKKTSolver }
    /// Whether it is the block-arrow one.
    var usesBlockArrowFactorization: Bool { solver is BlockArrowKKTSolver }

    private static func makeSolver(pattern: SparseMatrixCSC, signs: [Int], choice: LinearSolverChoice) throws
        -> any KKTSolver {
        switch choice {
        case .dense: return try DenseKKTSolver(pattern: pattern, signs: signs)
        case .sparse: return try SparseKKTSolver(pattern: pattern, signs: signs)
        case .blockArrow: return try BlockArrowKKTSolver(pattern: pattern, signs: signs)
        case .automatic:
            if let blockArrow = BlockArrowKKTSolver(ifWorthwhile: pattern, signs: signs) { return blockArrow }
            let sparse = try SparseKKTSolver(pattern: pattern, signs: signs)
            let size = Double(pattern.cols)
            guard pattern.cols >= LinearSolverChoice.denseMinimumDimension,
                  Double(sparse.factorNonzeroCount) >= LinearSolverChoice.denseMinimumFill * size * (size - 1) / 2
            else { return sparse }
            return try DenseKKTSolver(pattern: pattern, signs: signs)
        }
    }

    deinit {
        for b in workspaces { b.deallocate() }
        strictRows.deallocate()
    }

    /// Writes new values of `P` (upper triangle, same pattern) and `A` (same pattern); duplicate
    /// entries are summed.
    func updateMatrixData(P: SparseMatrixCSC, A: SparseMatrixCSC) {
        for slot in pSlots { values[slot] = 0 }
        for slot in aSlots { values[slot] = 0 }
        var k = 0
        for j in 0..<P.cols {
            for p in P.colPointers[j]..<P.colPointers[j + 1] where P.rowIndices[p] <= j {
                values[pSlots[k]] += P.values[p]
                k += 1
            }
        }
        for (k, slot) in aSlots.enumerated() { values[slot] += A.values[k] }
    }

    /// Writes the current cone scalings (`−H` blocks) and factors; false if the factorisation failed.
    func refactor() -> Bool {
        // Through buffers: element access to the class's arrays pays exclusivity checks in these loops.
        for (index, cone) in cones.cones.enumerated() {
            cone.writeHessian(into: &hessianScratch, at: 0)
            let d = cone.dimension, shape = cone.hessianShape
            hessianSlots[index].withUnsafeBufferPointer { slots in
                hessianScratch.withUnsafeBufferPointer { h in
                    values.withUnsafeMutableBufferPointer { values in
                        switch shape {
                        case .diagonal, .dense:
                            for k in 0..<slots.count where slots[k] >= 0 { values[slots[k]] = -h[k] }
                        case .sparseExpansion:
                            for k in 0..<d { values[slots[k]] = -h[k] }
                            for k in d..<(3 * d) { values[slots[k]] = h[k] }
                            values[slots[3 * d]] = -1
                            values[slots[3 * d + 1]] = 1
                        }
                    }
                }
            }
        }
        // Every column ends with its diagonal (checked in `init`).
        let maxDiagonal = pattern.colPointers.withUnsafeBufferPointer { pointers in
            values.withUnsafeBufferPointer { values in
                var largest = 0.0
                for j in 0..<size { largest = max(largest, abs(values[pointers[j + 1] - 1])) }
                return largest
            }
        }
        let regularization = settings.staticRegularizationConstant
            + settings.staticRegularizationProportional * maxDiagonal
        return solver.factor(values: values, staticRegularization: regularization,
                             dynamicRegularizationEpsilon: settings.dynamicRegularizationEpsilon,
                             dynamicRegularizationDelta: settings.dynamicRegularizationDelta)
    }

    /// Solves `K [x; z] = [rhsX; rhsZ]` (extra expansion rows get zero right-hand side) with
    /// iterative refinement against the unregularised `K`.
    func solve(rhsX: [Double], rhsZ: [Double], x: inout [Double], z: inout [Double]) {
        load(rhsX, rhsZ, into: 0)
        solveLoaded(count: 1)
        store(from: 0, &x, &z)
    }

    /// Two independent solves sharing each pass over the factor and over `K` (the sparse solve is
    /// limited by reading `L`, so the second right-hand side comes at a fraction of the cost).
    func solve(rhsX: [Double], rhsZ: [Double], x: inout [Double], z: inout [Double],
               rhsX second: [Double], rhsZ secondZ: [Double], x secondXOut: inout [Double], z secondZOut: inout [Double]) {
        load(rhsX, rhsZ, into: 0)
        load(second, secondZ, into: 1)
        solveLoaded(count: 2)
        store(from: 0, &x, &z)
        store(from: 1, &secondXOut, &secondZOut)
    }

    private func load(_ rhsX: [Double], _ rhsZ: [Double], into index: Int) {
        let n = variableCount, m = constraintCount, rhs = workspaces[index].rhs
        rhsX.withUnsafeBufferPointer { source in
            for i in 0..<n { rhs[i] = source[i] }
        }
        rhsZ.withUnsafeBufferPointer { source in
            for i in 0..<m { rhs[n + i] = source[i] }
        }
        for i in (n + m)..<size { rhs[i] = 0 }
    }

    private func store(from index: Int, _ x: inout [Double], _ z: inout [Double]) {
        let n = variableCount, m = constraintCount, solution = workspaces[index].solution
        x.withUnsafeMutableBufferPointer { out in
            for i in 0..<n { out[i] = solution[i] }
        }
        z.withUnsafeMutableBufferPointer { out in
            for i in 0..<m { out[i] = solution[n + i] }
        }
    }

    /// `solution ← K⁻¹ rhs` for the first `count` buffers, each refined while its residual
    /// `rhs − K·solution` keeps shrinking fast enough (`active[i] == 1`: buffer `i` still refining). A
    /// refinement step is kept only if it lowers the residual: late in a solve the KKT matrix is so badly
    /// conditioned that a step can make the solution worse (as Clarabel, which keeps the better one).
    private func solveLoaded(count: Int) {
        let first = workspaces[0], second = workspaces[1]
        for b in workspaces.prefix(count) { _ = b.solution.update(fromContentsOf: b.rhs) }
        solver.solve(first.solution, count == 2 ? second.solution : nil)
        guard settings.iterativeRefinement else { return }
        var tolerance = SIMD2<Double>(0, 0)
        var active = SIMD2<Int>(1, count == 2 ? 1 : 0)
        for index in 0..<count {
            tolerance[index] = settings.iterativeRefinementAbsoluteTolerance
                + settings.iterativeRefinementRelativeTolerance * VectorMath.normInf(UnsafeBufferPointer(workspaces[index].rhs))
        }
        let initial = computeResiduals(candidates: false, first: true, second: count == 2)
        var error = SIMD2<Double>(initial.first, initial.second)
        for index in 0..<count where error[index] <= tolerance[index] { active[index] = 0 }
        for _ in 0..<settings.iterativeRefinementMaxIterations {
            switch (active[0], active[1]) {
            case (0, 0): return
            case (1, 1): solver.solve(first.residual, second.residual)
            default: solver.solve(active[0] == 1 ? first.residual : second.residual, nil)
            }
            for index in 0..<count where active[index] == 1 {
                let b = workspaces[index]
                for i in 0..<size { b.candidate[i] = b.solution[i] + b.residual[i] }
            }
            let errors = computeResiduals(candidates: true, first: active[0] == 1, second: active[1] == 1)
            for index in 0..<count where active[index] == 1 {
                let candidateError = index == 0 ? errors.first : errors.second
                let improvement = error[index] / candidateError
                if candidateError < error[index] {
                    _ = workspaces[index].solution.update(fromContentsOf: workspaces[index].candidate)
                    error[index] = candidateError
                }
                if error[index] <= tolerance[index] || !(improvement >= settings.iterativeRefinementStopRatio) {
                    active[index] = 0
                }
            }
        }
    }

    /// `residual ← rhs − K·v` for the selected buffers, `v` their `candidate` or their `solution` (one pass
    /// over `K` for both); returns the residuals' `‖·‖∞` (0 for an unselected buffer).
    private func computeResiduals(candidates: Bool, first: Bool, second: Bool) -> (first: Double, second: Double) {
        let a = workspaces[0], b = workspaces[1]
        let x = candidates ? a.candidate : a.solution, y = candidates ? b.candidate : b.solution
        if first { _ = a.residual.update(fromContentsOf: a.rhs) }
        if second { _ = b.residual.update(fromContentsOf: b.rhs) }
        switch (first, second) {
        case (true, true): subtractProduct(x, from: a.residual, y, from: b.residual)
        case (true, false): subtractProduct(x, from: a.residual, nil, from: nil)
        case (false, true): subtractProduct(y, from: b.residual, nil, from: nil)
        case (false, false): return (0, 0)
        }
        return (first ? VectorMath.normInf(UnsafeBufferPointer(a.residual)) : 0,
                second ? VectorMath.normInf(UnsafeBufferPointer(b.residual)) : 0)
    }

    /// `r ← r − K x` (and `r2 ← r2 − K x2` in the same pass) with `K` the unregularised symmetric
    /// matrix stored as `values` on `pattern`'s upper triangle. Every column ends with its diagonal
    /// (checked in `init`), so the inner loops run over the strict upper part without a branch (as
    /// `while` loops: no range-construction checks); the paired variant is a separate loop because
    /// it is the hot one.
    private func subtractProduct(_ x: UnsafeMutableBufferPointer<Double>, from r: UnsafeMutableBufferPointer<Double>,
                                 _ x2: UnsafeMutableBufferPointer<Double>?, from r2: UnsafeMutableBufferPointer<Double>?) {
        let rows = strictRows
        values.withUnsafeBufferPointer { v in
            pattern.colPointers.withUnsafeBufferPointer { colPointers in
                if let x2, let r2 {
                    for j in 0..<size {
                        let diagonal = colPointers[j + 1] - 1
                        let xj = x[j], yj = x2[j]
                        var sumX = v[diagonal] * xj, sumY = v[diagonal] * yj
                        var p = colPointers[j]
                        while p < diagonal {
                            let i = Int(rows[p]), value = v[p]
                            r[i] -= value * xj
                            r2[i] -= value * yj
                            sumX += value * x[i]
                            sumY += value * x2[i]
                            p &+= 1
                        }
                        r[j] -= sumX
                        r2[j] -= sumY
                    }
                } else {
                    for j in 0..<size {
                        let diagonal = colPointers[j + 1] - 1
                        let xj = x[j]
                        var sum = v[diagonal] * xj
                        var p = colPointers[j]
                        while p < diagonal {
                            let i = Int(rows[p]), value = v[p]
                            r[i] -= value * xj
                            sum += value * x[i]
                            p &+= 1
                        }
                        r[j] -= sum
                    }
                }
            }
        }
    }
}
