/// The numeric part of `QuasiDefiniteLDL`: `L` (row indices and values, strictly lower part, in
/// columns laid out by the symbolic column pointers), `D`, `D⁻¹`, and the workspaces of the
/// up-looking (row-by-row) factorisation of QDLDL.
///
/// Everything, including a copy of the symbolic data, lives in buffers allocated once in `init`: the
/// factorisation runs every interior-point iteration and the solve several times per iteration, so
/// the kernels work on raw pointers (no bounds, uniqueness or exclusivity checks in the inner loops).
final class NumericLDLFactor {
    private let dimension: Int
    // Symbolic data (copied from `PermutedUpperTriangle` and the column layout).
    private let upperColPointers: UnsafeMutablePointer<Int>
    private let upperRowIndices: UnsafeMutablePointer<Int32>
    private let slotOfInputEntry: UnsafeMutablePointer<Int>
    private let inputEntryCount: Int
    private let assembledEntryCount: Int
    private let diagonalSlot: UnsafeMutablePointer<Int>
    private let lColPointers: UnsafeMutablePointer<Int>
    private let permutation: UnsafeMutablePointer<Int>
    /// Row `k` of `L`, precomputed once: entries `rowPatternStart[k]..<rowPatternStart[k + 1]` list
    /// its columns in the order the up-looking solve must visit them (`patternColumn`) and the slot
    /// of `L` each entry fills (`patternSlot`). The pattern depends on the structure only, so the
    /// numeric factorisation skips the elimination-tree walks of QDLDL.
    private let rowPatternStart: UnsafeMutablePointer<Int>
    private let patternColumn: UnsafeMutablePointer<Int32>
    private let patternSlot: UnsafeMutablePointer<Int>
    // Numeric factor.
    /// Row indices as 32-bit integers (fixed by the structure; written once in `init`).
    private let lRowIndices: UnsafeMutablePointer<Int32>
    private let lValues: UnsafeMutablePointer<Double>
    private let d: UnsafeMutablePointer<Double>
    private let dInverse: UnsafeMutablePointer<Double>
    // Workspaces.
    private let assembled: UnsafeMutablePointer<Double>
    private let rowValues: UnsafeMutablePointer<Double>
    private let solveWork: UnsafeMutablePointer<Double>
    private let secondSolveWork: UnsafeMutablePointer<Double>

    init(upper: PermutedUpperTriangle, tree: EliminationTree, lColPointers pointers: [Int], permutation p: [Int]) {
        let n = upper.dimension
        dimension = n
        upperColPointers = Self.copy(upper.colPointers)
        upperRowIndices = Self.copy32(upper.rowIndices)
        slotOfInputEntry = Self.copy(upper.slotOfInputEntry)
        inputEntryCount = upper.slotOfInputEntry.count
        assembledEntryCount = upper.rowIndices.count
        diagonalSlot = Self.copy(upper.diagonalSlot)
        lColPointers = Self.copy(pointers)
        permutation = Self.copy(p)
        let factorEntries = pointers[n]
        rowPatternStart = .allocateFilled(n + 1, with: 0)
        patternColumn = .allocateFilled(factorEntries, with: Int32(0))
        patternSlot = .allocateFilled(factorEntries, with: 0)
        lRowIndices = .allocateFilled(factorEntries, with: Int32(0))
        lValues = .allocateFilled(factorEntries, with: 0.0)
        d = .allocateFilled(n, with: 0.0)
        dInverse = .allocateFilled(n, with: 0.0)
        assembled = .allocateFilled(upper.rowIndices.count, with: 0.0)
        rowValues = .allocateFilled(n, with: 0.0)
        solveWork = .allocateFilled(n, with: 0.0)
        secondSolveWork = .allocateFilled(n, with: 0.0)
        recordRowPatterns(upper: upper, parent: tree.parent)
    }

    /// The symbolic half of the up-looking factorisation: the pattern of row `k` of `L` is the union
    /// of the elimination-tree paths from each nonzero of column `k` of the upper triangle, visited
    /// descendants first. Fills `rowPatternStart`, `patternColumn`, `patternSlot` and `lRowIndices`.
    private func recordRowPatterns(upper: PermutedUpperTriangle, parent: [Int]) {
        let n = dimension
        var marked = [Bool](repeating: false, count: n)
        var path = [Int](repeating: 0, count: n)
        var pattern = [Int](repeating: 0, count: n)
        var nextSlot = Array(UnsafeBufferPointer(start: lColPointers, count: n))
        var entry = 0
        for k in 0..<n {
            rowPatternStart[k] = entry
            var patternCount = 0
            for p in upper.colPointers[k]..<upper.colPointers[k + 1] {
                let row = upper.rowIndices[p]
                if row == k || marked[row] { continue }
                marked[row] = true
                path[0] = row
                var pathLength = 1
                var node = parent[row]
                while node != -1 && node < k && !marked[node] {
                    marked[node] = true
                    path[pathLength] = node
                    pathLength += 1
                    node = parent[node]
                }
                while pathLength > 0 {
                    pathLength -= 1
                    pattern[patternCount] = path[pathLength]
                    patternCount += 1
                }
            }
            var q = patternCount - 1
            while q >= 0 {
                let column = pattern[q]
                patternColumn[entry] = Int32(truncatingIfNeeded: column)
                patternSlot[entry] = nextSlot[column]
                lRowIndices[nextSlot[column]] = Int32(truncatingIfNeeded: k)
                nextSlot[column] += 1
                marked[column] = false
                entry += 1
                q -= 1
            }
        }
        rowPatternStart[n] = entry
    }

    deinit {
        for buffer in [upperColPointers, slotOfInputEntry, diagonalSlot, lColPointers, permutation,
                       rowPatternStart, patternSlot] {
            buffer.deallocate()
        }
        for buffer in [upperRowIndices, lRowIndices, patternColumn] { buffer.deallocate() }
        for buffer in [lValues, d, dInverse, assembled, rowValues, solveWork, secondSolveWork] { buffer.deallocate() }
    }


    private static func copy(_ array: [Int]) -> UnsafeMutablePointer<Int> {
        let buffer = UnsafeMutablePointer<Int>.allocateFilled(array.count, with: 0)
        array.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { buffer.update(from: base, count: source.count) }
        }
        return buffer
    }

    /// Copies row indices (below the dimension, which `QuasiDefiniteLDL` keeps within `Int32`).
    private static func copy32(_ array: [Int]) -> UnsafeMutablePointer<Int32> {
        let buffer = UnsafeMutablePointer<Int32>.allocateFilled(array.count, with: 0)
        for (k, value) in array.enumerated() { buffer[k] = Int32(truncatingIfNeeded: value) }
        return buffer
    }

    /// Assembles `upper(P K Pᵀ) + static regularisation` and factors it row by row: row `k` of `L`
    /// solves `L[0..<k, 0..<k] D y = C[0..<k, k]` over the reach of column `k` in the elimination tree.
    /// `signs` are indexed by permuted column; on a zero or non-finite pivot, throws with `K`'s
    /// original column.
    func factor(values: [Double], signs: [Double], staticRegularization: Double,
                dynamicEpsilon: Double, dynamicDelta: Double) throws -> (regularizedPivots: Int, positivePivots: Int) {
        let n = dimension
        assembled.update(repeating: 0, count: assembledEntryCount)
        values.withUnsafeBufferPointer { v in
            for k in 0..<inputEntryCount { assembled[slotOfInputEntry[k]] += v[k] }
        }
        signs.withUnsafeBufferPointer { s in
            for j in 0..<n { assembled[diagonalSlot[j]] += s[j] * staticRegularization }
        }

        var regularized = 0
        var positive = 0
        for k in 0..<n {
            // Row k of L solves L[0..<k, 0..<k] D y = C[0..<k, k] over the precomputed pattern.
            var diagonal = 0.0
            var p = upperColPointers[k]
            let pEnd = upperColPointers[k + 1]
            while p < pEnd {
                let row = Int(upperRowIndices[p])
                if row == k {
                    diagonal += assembled[p]
                } else {
                    rowValues[row] += assembled[p]
                }
                p &+= 1
            }
            var e = rowPatternStart[k]
            let eEnd = rowPatternStart[k + 1]
            while e < eEnd {
                let column = Int(patternColumn[e]), slot = patternSlot[e]
                let y = rowValues[column]
                var t = lColPointers[column]
                let tEnd = slot
                while t < tEnd {
                    rowValues[Int(lRowIndices[t])] -= lValues[t] * y
                    t &+= 1
                }
                let lkj = y * dInverse[column]
                lValues[slot] = lkj
                diagonal -= y * lkj
                rowValues[column] = 0
                e &+= 1
            }
            let sign = signs[k]
            if sign * diagonal < dynamicEpsilon {
                diagonal = sign * dynamicDelta
                regularized += 1
            }
            guard diagonal != 0 && diagonal.isFinite else {
                throw SparseMatrixError.singularPivot(column: permutation[k], value: diagonal)
            }
            if diagonal > 0 { positive += 1 }
            d[k] = diagonal
            dInverse[k] = 1 / diagonal
        }
        return (regularized, positive)
    }

    /// Overwrites `b` (length `dimension`) with `Pᵀ L⁻ᵀ D⁻¹ L⁻¹ P b`.
    func solve(_ b: UnsafeMutablePointer<Double>) {
        let n = dimension
        let x = solveWork
        for i in 0..<n { x[i] = b[permutation[i]] }
        for j in 0..<n {
            let xj = x[j]
            if xj == 0 { continue }
            var t = lColPointers[j]
            let tEnd = lColPointers[j + 1]
            while t < tEnd {
                x[Int(lRowIndices[t])] -= lValues[t] * xj
                t &+= 1
            }
        }
        for i in 0..<n { x[i] *= dInverse[i] }
        var j = n - 1
        while j >= 0 {
            var sum = x[j]
            var t = lColPointers[j]
            let tEnd = lColPointers[j + 1]
            while t < tEnd {
                sum -= lValues[t] * x[Int(lRowIndices[t])]
                t &+= 1
            }
            x[j] = sum
            j -= 1
        }
        for i in 0..<n { b[permutation[i]] = x[i] }
    }

    /// `solve` for two right-hand sides, sharing each read of `L`.
    func solve(_ a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>) {
        let n = dimension
        let x = solveWork, y = secondSolveWork
        for i in 0..<n {
            x[i] = a[permutation[i]]
            y[i] = b[permutation[i]]
        }
        for j in 0..<n {
            let xj = x[j], yj = y[j]
            var t = lColPointers[j]
            let tEnd = lColPointers[j + 1]
            while t < tEnd {
                let row = Int(lRowIndices[t]), l = lValues[t]
                x[row] -= l * xj
                y[row] -= l * yj
                t &+= 1
            }
        }
        for i in 0..<n {
            x[i] *= dInverse[i]
            y[i] *= dInverse[i]
        }
        var j = n - 1
        while j >= 0 {
            var sumX = x[j], sumY = y[j]
            var t = lColPointers[j]
            let tEnd = lColPointers[j + 1]
            while t < tEnd {
                let row = Int(lRowIndices[t]), l = lValues[t]
                sumX -= l * x[row]
                sumY -= l * y[row]
                t &+= 1
            }
            x[j] = sumX
            y[j] = sumY
            j -= 1
        }
        for i in 0..<n {
            a[permutation[i]] = x[i]
            b[permutation[i]] = y[i]
        }
    }
}
