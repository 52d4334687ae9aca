import CLapack

/// The numeric half of one group of same-shape blocks (`BlockProgram`): their values slot by slot
/// across blocks, the inverse pivots, and the kernels that run the program. The kernels run several
/// times per interior-point iteration, on groups of a few to thousands of blocks, so they read the
/// program through raw pointers (a copy of its index arrays, in one allocation): no bounds,
/// uniqueness or reference-count traffic in the loops. The border part of a pivot row, over all
/// blocks, is a dense `t × b` matrix: from `blasMinimumBlocks` blocks on, its products go to BLAS.
final class BlockGroup {
    /// Below this many blocks, BLAS's call overhead outweighs its faster kernels (measured: n = 48
    /// portfolio KKT systems).
    static let blasMinimumBlocks = 32
    private let blockCount: Int
    private let memberCount: Int
    private let entryCount: Int
    private let fillCount: Int
    private let signs: UnsafeMutablePointer<Double>
    private let index: ProgramIndex
    private let values: UnsafeMutablePointer<Double>
    private let dInverse: UnsafeMutablePointer<Double>
    private let work: UnsafeMutablePointer<Double>
    /// `t × b` normalised border rows during `factor`; `t` values during a solve; the `t × t` Gram matrix.
    private let scaledRows: UnsafeMutablePointer<Double>
    private let borderValues: UnsafeMutablePointer<Double>
    private let gram: UnsafeMutablePointer<Double>

    /// `BlockProgram`'s index arrays behind pointers into one buffer.
    private struct ProgramIndex {
        let storage: UnsafeMutablePointer<Int>
        let columns, entrySlot, sources, fillSlots, diagonalSlot: UnsafeMutablePointer<Int>
        let rowStart, rowTarget, rowSlot, borderStart, borderRow: UnsafeMutablePointer<Int>
        let updateStart, updateTarget, updateLeft, updateRight, schurStart, schurTarget: UnsafeMutablePointer<Int>

        init(_ p: BlockProgram) {
            let arrays = [p.columns, p.entrySlot, p.sources, p.fillSlots, p.diagonalSlot,
                          p.rowStart, p.rowTarget, p.rowSlot, p.borderStart, p.borderRow,
                          p.updateStart, p.updateTarget, p.updateLeft, p.updateRight, p.schurStart, p.schurTarget]
            storage = .allocate(capacity: max(1, arrays.reduce(0) { $0 + $1.count }))
            var next = storage
            var views: [UnsafeMutablePointer<Int>] = []
            for array in arrays {
                views.append(next)
                array.withUnsafeBufferPointer { if let base = $0.baseAddress { next.initialize(from: base, count: $0.count) } }
                next += array.count
            }
            (columns, entrySlot, sources, fillSlots, diagonalSlot) = (views[0], views[1], views[2], views[3], views[4])
            (rowStart, rowTarget, rowSlot, borderStart, borderRow) = (views[5], views[6], views[7], views[8], views[9])
            (updateStart, updateTarget, updateLeft, updateRight, schurStart, schurTarget) =
                (views[10], views[11], views[12], views[13], views[14], views[15])
        }
    }

    init(program: BlockProgram) {
        let b = program.blockCount, c = program.memberCount
        blockCount = b
        memberCount = c
        entryCount = program.entrySlot.count
        fillCount = program.fillSlots.count
        signs = .allocate(capacity: max(1, c))
        signs.initialize(from: program.signs, count: c)
        index = ProgramIndex(program)
        let widest = (0..<c).map { program.borderStart[$0 + 1] - program.borderStart[$0] }.max() ?? 0
        values = .allocateFilled(program.slotCount * b, with: 0)
        dInverse = .allocateFilled(c * b, with: 0)
        work = .allocateFilled(c * b, with: 0)
        scaledRows = .allocateFilled(widest * b, with: 0)
        borderValues = .allocateFilled(widest, with: 0)
        gram = .allocateFilled(widest * widest, with: 0)
    }

    deinit {
        signs.deallocate()
        index.storage.deallocate()
        for buffer in [values, dInverse, work, scaledRows, borderValues, gram] { buffer.deallocate() }
    }

    /// Eliminates every block and adds the blocks' contributions to `border`'s matrix; returns the
    /// number of dynamically regularised pivots.
    func factor(values input: UnsafeBufferPointer<Double>, staticRegularization: Double, eps: Double,
                delta: Double, schur border: DenseBorder) throws -> Int {
        let b = blockCount, index = index, values = values, schur = border.matrix
        for e in 0..<entryCount {
            let target = values + index.entrySlot[e] * b, source = index.sources + e * b
            for k in 0..<b { target[k] = input[source[k]] }
        }
        for f in 0..<fillCount { (values + index.fillSlots[f] * b).update(repeating: 0, count: b) }
        var regularized = 0
        for p in 0..<memberCount {
            let sign = signs[p], d = values + index.diagonalSlot[p] * b, inverse = dInverse + p * b
            for k in 0..<b {
                var pivot = d[k] + sign * staticRegularization
                if sign * pivot < eps {
                    pivot = sign * delta
                    regularized += 1
                }
                guard pivot != 0 && pivot.isFinite else {
                    throw SparseMatrixError.singularPivot(column: index.columns[p * b + k], value: pivot)
                }
                d[k] = pivot
                inverse[k] = 1 / pivot
            }
            for u in index.updateStart[p]..<index.updateStart[p + 1] {
                let target = values + index.updateTarget[u] * b
                let left = values + index.updateLeft[u] * b, right = values + index.updateRight[u] * b
                for k in 0..<b { target[k] -= left[k] * right[k] * inverse[k] }
            }
            let t = index.borderStart[p + 1] - index.borderStart[p]
            if t > 0 {
                // Border part X (t × b): S −= X·diag(1/d)·Xᵀ over the blocks, then L = X·diag(1/d).
                let rows = values + index.borderStart[p] * b
                for e in 0..<t {
                    let row = rows + e * b, scaled = scaledRows + e * b
                    for k in 0..<b { scaled[k] = row[k] * inverse[k] }
                }
                if b >= Self.blasMinimumBlocks {
                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(t), Int32(t), Int32(b),
                                1, rows, Int32(b), scaledRows, Int32(b), 0, gram, Int32(t))
                } else {
                    for i in 0..<t { for j in i..<t { gram[i * t + j] = blockDot(rows + i * b, scaledRows + j * b, b) } }
                }
                var q = index.schurStart[p]
                for i in 0..<t {
                    for j in i..<t {
                        schur[index.schurTarget[q]] -= gram[i * t + j]
                        q += 1
                    }
                }
                rows.update(from: scaledRows, count: t * b)
            }
            for e in index.rowStart[p]..<index.rowStart[p + 1] {
                let l = values + index.rowSlot[e] * b
                for k in 0..<b { l[k] *= inverse[k] }
            }
        }
        return regularized
    }

    /// Forward substitution and diagonal scaling of the blocks' part of `x`, subtracting their
    /// contributions from the border's right-hand side.
    func forward(_ x: UnsafeMutablePointer<Double>, border: DenseBorder) {
        let b = blockCount, c = memberCount, index = index, values = values, work = work, rhs = border.rhs
        for i in 0..<(c * b) { work[i] = x[index.columns[i]] }
        for p in 0..<c {
            let pivot = work + p * b
            for e in index.rowStart[p]..<index.rowStart[p + 1] {
                let target = work + index.rowTarget[e] * b, l = values + index.rowSlot[e] * b
                for k in 0..<b { target[k] -= l[k] * pivot[k] }
            }
            let first = index.borderStart[p], t = index.borderStart[p + 1] - first
            guard t > 0 else { continue }
            let rows = values + index.borderStart[p] * b
            if b >= Self.blasMinimumBlocks {
                cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(t), Int32(b), 1, rows, Int32(b), pivot, 1, 0, borderValues, 1)
            } else {
                for e in 0..<t { borderValues[e] = blockDot(rows + e * b, pivot, b) }
            }
            for e in 0..<t { rhs[index.borderRow[first + e]] -= borderValues[e] }
        }
        for i in 0..<(c * b) { work[i] *= dInverse[i] }
    }

    /// Backward substitution once the border is solved; writes the blocks' part of `x`.
    func backward(_ x: UnsafeMutablePointer<Double>, border: DenseBorder) {
        let b = blockCount, c = memberCount, index = index, values = values, work = work, rhs = border.rhs
        var p = c - 1
        while p >= 0 {
            let pivot = work + p * b
            for e in index.rowStart[p]..<index.rowStart[p + 1] {
                let known = work + index.rowTarget[e] * b, l = values + index.rowSlot[e] * b
                for k in 0..<b { pivot[k] -= l[k] * known[k] }
            }
            let first = index.borderStart[p], t = index.borderStart[p + 1] - first
            if t > 0 {
                let rows = values + index.borderStart[p] * b
                for e in 0..<t { borderValues[e] = rhs[index.borderRow[first + e]] }
                if b >= Self.blasMinimumBlocks {
                    cblas_dgemv(CblasRowMajor, CblasTrans, Int32(t), Int32(b), -1, rows, Int32(b), borderValues, 1, 1, pivot, 1)
                } else {
                    for e in 0..<t {
                        let l = rows + e * b, known = borderValues[e]
                        for k in 0..<b { pivot[k] -= l[k] * known }
                    }
                }
            }
            p -= 1
        }
        for i in 0..<(c * b) { x[index.columns[i]] = work[i] }
    }
}

/// The border's Schur complement, factored as a dense LDLᵀ without pivoting, and the border part
/// of the right-hand side during a solve. The matrix is the lower triangle in row-major order
/// (`DenseBorder.index`), so that the left-looking factorisation and the substitutions run over
/// contiguous rows: dot products and row updates that vectorise.
final class DenseBorder {
    let size: Int
    private let columns: [Int]
    private let signs: [Double]
    /// Entries of `K` between border columns and where they go in `matrix`.
    private let entries: [Int]
    private let targets: [Int]
    let matrix: UnsafeMutablePointer<Double>
    private let d: UnsafeMutablePointer<Double>
    private let dInverse: UnsafeMutablePointer<Double>
    /// `L[j, k]·d[k]` for the row being factored.
    private let scaledRow: UnsafeMutablePointer<Double>
    let rhs: UnsafeMutablePointer<Double>

    /// Position of entry `(a, b)` (either order) of an `m × m` border matrix in `matrix`.
    static func index(_ a: Int, _ b: Int, size m: Int) -> Int { max(a, b) * m + min(a, b) }

    init(structure: BlockArrowStructure) {
        let m = structure.borderColumns.count
        size = m
        columns = structure.borderColumns
        signs = structure.borderSigns
        entries = structure.borderEntries
        targets = structure.borderTargets
        matrix = .allocateFilled(m * m, with: 0)
        d = .allocateFilled(m, with: 0)
        dInverse = .allocateFilled(m, with: 0)
        scaledRow = .allocateFilled(m, with: 0)
        rhs = .allocateFilled(m, with: 0)
    }

    deinit {
        for buffer in [matrix, d, dInverse, scaledRow, rhs] { buffer.deallocate() }
    }

    /// Loads the border's own entries of `K` (plus static regularisation); the blocks add theirs.
    func assemble(values: UnsafeBufferPointer<Double>, staticRegularization: Double) {
        let m = size
        matrix.update(repeating: 0, count: max(1, m * m))
        for (entry, target) in zip(entries, targets) { matrix[target] += values[entry] }
        for t in 0..<m { matrix[t * m + t] += signs[t] * staticRegularization }
    }

    /// Left-looking LDLᵀ of the assembled Schur complement, row `j` of `L` at a time:
    /// `d_j = S_jj − Σ_k L_jk² d_k`, then `L_ij = (S_ij − Σ_k L_ik·L_jk d_k) / d_j` for `i > j`.
    /// Returns the number of regularised pivots.
    func factor(eps: Double, delta: Double) throws -> Int {
        let m = size
        var regularized = 0
        for j in 0..<m {
            let row = matrix + j * m
            for k in 0..<j { scaledRow[k] = row[k] * d[k] }
            var pivot = row[j] - blockDot(row, scaledRow, j)
            if signs[j] * pivot < eps {
                pivot = signs[j] * delta
                regularized += 1
            }
            guard pivot != 0 && pivot.isFinite else { throw SparseMatrixError.singularPivot(column: columns[j], value: pivot) }
            d[j] = pivot
            dInverse[j] = 1 / pivot
            var i = j + 1
            while i < m {
                let below = matrix + i * m
                below[j] = (below[j] - blockDot(below, scaledRow, j)) * dInverse[j]
                i += 1
            }
        }
        return regularized
    }

    func gather(from x: UnsafeMutablePointer<Double>) {
        for t in 0..<size { rhs[t] = x[columns[t]] }
    }

    /// `rhs ← S⁻¹ rhs` with the factored Schur complement `S`: forward substitution by rows (dot
    /// products), scaling, backward substitution by rows (updates of the earlier entries).
    func solve() {
        let m = size
        for i in 0..<m { rhs[i] -= blockDot(matrix + i * m, rhs, i) }
        for i in 0..<m { rhs[i] *= dInverse[i] }
        var i = m - 1
        while i > 0 {
            let row = matrix + i * m, known = rhs[i]
            for k in 0..<i { rhs[k] -= row[k] * known }
            i -= 1
        }
    }

    func scatter(into x: UnsafeMutablePointer<Double>) {
        for t in 0..<size { x[columns[t]] = rhs[t] }
    }
}

/// `Σ x[k]·y[k]` over `count` entries, in four interleaved partial sums (which the compiler
/// vectorises; a single running sum must be evaluated in order).
@inline(__always)
private func blockDot(_ x: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ count: Int) -> Double {
    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
    var k = 0
    while k + 4 <= count {
        s0 += x[k] * y[k]; s1 += x[k + 1] * y[k + 1]; s2 += x[k + 2] * y[k + 2]; s3 += x[k + 3] * y[k + 3]
        k += 4
    }
    while k < count { s0 += x[k] * y[k]; k += 1 }
    return (s0 + s1) + (s2 + s3)
}
