/// The numeric part of `QuasiDefiniteLDL`: `L` (row indices and values, strictly lower part, in
/// columns laid out by the symbolic column pointers), `D`, `D⁻¹`, and the workspaces of the
/// up-looking (row-by-row) factorisation of QDLDL, all allocated once.
struct NumericLDLFactor {
    private var lRowIndices: [Int]
    private var lValues: [Double]
    private var d: [Double]
    private var dInverse: [Double]
    private var assembled: [Double]
    private var rowValues: [Double]
    private var rowMarked: [Bool]
    private var rowPattern: [Int]
    private var pathBuffer: [Int]
    private var nextSlotInColumn: [Int]
    private var solveWork: [Double]

    init(dimension n: Int, factorEntries: Int, assembledEntries: Int) {
        lRowIndices = [Int](repeating: 0, count: factorEntries)
        lValues = [Double](repeating: 0, count: factorEntries)
        d = [Double](repeating: 0, count: n)
        dInverse = [Double](repeating: 0, count: n)
        assembled = [Double](repeating: 0, count: assembledEntries)
        rowValues = [Double](repeating: 0, count: n)
        rowMarked = [Bool](repeating: false, count: n)
        rowPattern = [Int](repeating: 0, count: n)
        pathBuffer = [Int](repeating: 0, count: n)
        nextSlotInColumn = [Int](repeating: 0, count: n)
        solveWork = [Double](repeating: 0, count: n)
    }

    /// Assembles `upper(P K Pᵀ) + static regularisation` and factors it row by row: row `k` of `L`
    /// solves `L[0..<k, 0..<k] D y = C[0..<k, k]` over the reach of column `k` in the elimination tree.
    mutating func factor(values: [Double], upper: PermutedUpperTriangle, tree: EliminationTree,
                         lColPointers: [Int], signs: [Double], staticRegularization: Double,
                         dynamicEpsilon: Double, dynamicDelta: Double,
                         originalColumn: [Int]) throws -> (regularizedPivots: Int, positivePivots: Int) {
        let n = upper.dimension
        for q in assembled.indices { assembled[q] = 0 }
        for (k, value) in values.enumerated() { assembled[upper.slotOfInputEntry[k]] += value }
        for j in 0..<n { assembled[upper.diagonalSlot[j]] += signs[j] * staticRegularization }
        for j in 0..<n { nextSlotInColumn[j] = lColPointers[j] }

        var regularized = 0
        var positive = 0
        for k in 0..<n {
            // Pattern of row k of L: union of tree paths from each nonzero of C[:, k], collected in
            // topological order (descendants before ancestors when read backwards).
            var patternCount = 0
            d[k] = 0
            for p in upper.colPointers[k]..<upper.colPointers[k + 1] {
                let row = upper.rowIndices[p]
                if row == k {
                    d[k] += assembled[p]
                    continue
                }
                rowValues[row] += assembled[p]
                if rowMarked[row] { continue }
                rowMarked[row] = true
                pathBuffer[0] = row
                var pathLength = 1
                var node = tree.parent[row]
                while node != -1 && node < k && !rowMarked[node] {
                    rowMarked[node] = true
                    pathBuffer[pathLength] = node
                    pathLength += 1
                    node = tree.parent[node]
                }
                while pathLength > 0 {
                    pathLength -= 1
                    rowPattern[patternCount] = pathBuffer[pathLength]
                    patternCount += 1
                }
            }
            var q = patternCount - 1
            while q >= 0 {
                let column = rowPattern[q]
                let y = rowValues[column]
                let slot = nextSlotInColumn[column]
                for t in lColPointers[column]..<slot {
                    rowValues[lRowIndices[t]] -= lValues[t] * y
                }
                let lkj = y * dInverse[column]
                lRowIndices[slot] = k
                lValues[slot] = lkj
                d[k] -= y * lkj
                nextSlotInColumn[column] = slot + 1
                rowValues[column] = 0
                rowMarked[column] = false
                q -= 1
            }
            if signs[k] * d[k] < dynamicEpsilon {
                d[k] = signs[k] * dynamicDelta
                regularized += 1
            }
            guard d[k] != 0 && d[k].isFinite else {
                throw SparseMatrixError.singularPivot(column: originalColumn[k], value: d[k])
            }
            if d[k] > 0 { positive += 1 }
            dInverse[k] = 1 / d[k]
        }
        return (regularized, positive)
    }

    /// Overwrites `b` with `Pᵀ L⁻ᵀ D⁻¹ L⁻¹ P b`.
    mutating func solve(_ b: inout [Double], lColPointers: [Int], permutation: [Int]) {
        let n = permutation.count
        for i in 0..<n { solveWork[i] = b[permutation[i]] }
        for j in 0..<n {
            let xj = solveWork[j]
            if xj == 0 { continue }
            for t in lColPointers[j]..<lColPointers[j + 1] {
                solveWork[lRowIndices[t]] -= lValues[t] * xj
            }
        }
        for i in 0..<n { solveWork[i] *= dInverse[i] }
        var j = n - 1
        while j >= 0 {
            var sum = solveWork[j]
            for t in lColPointers[j]..<lColPointers[j + 1] {
                sum -= lValues[t] * solveWork[lRowIndices[t]]
            }
            solveWork[j] = sum
            j -= 1
        }
        for i in 0..<n { b[permutation[i]] = solveWork[i] }
    }
}
