/// The pattern of `C = upper(P K Pᵀ)` for a symmetric `K` given by its upper triangle, with every
/// diagonal entry present (structural zeros added where `K` has none, so that regularisation always
/// has a slot), duplicates merged, and a map from each input entry to its slot in `C`. With the map,
/// assembling new values is a single O(nnz) scatter.
struct PermutedUpperTriangle {
    let dimension: Int
    let colPointers: [Int]
    let rowIndices: [Int]
    /// `slotOfInputEntry[k]`: position in `C` receiving the input's `values[k]`.
    let slotOfInputEntry: [Int]
    /// `diagonalSlot[j]`: position of `C[j, j]`.
    let diagonalSlot: [Int]

    /// `inversePermutation[old] = new`. Throws if `upper` has an entry below its diagonal.
    init(upper: SparseMatrixCSC, inversePermutation: [Int]) throws {
        let n = upper.cols
        let inputCount = upper.rowIndices.count
        // Bucket (row, source) pairs by permuted column; source -1 is an added diagonal.
        var counts = [Int](repeating: 1, count: n + 1)
        counts[n] = 0
        var entryColumn = [Int](repeating: 0, count: inputCount)
        var entryRow = [Int](repeating: 0, count: inputCount)
        for j in 0..<n {
            for p in upper.colPointers[j]..<upper.colPointers[j + 1] {
                let i = upper.rowIndices[p]
                guard i <= j else { throw SparseMatrixError.entryBelowDiagonal(row: i, col: j) }
                let a = inversePermutation[i]
                let b = inversePermutation[j]
                entryRow[p] = min(a, b)
                entryColumn[p] = max(a, b)
                counts[max(a, b)] += 1
            }
        }
        var bucketStart = [Int](repeating: 0, count: n + 1)
        for j in 0..<n { bucketStart[j + 1] = bucketStart[j] + counts[j] }
        var fill = bucketStart
        var bucketRow = [Int](repeating: 0, count: inputCount + n)
        var bucketSource = [Int](repeating: -1, count: inputCount + n)
        for j in 0..<n {
            bucketRow[fill[j]] = j
            fill[j] += 1
        }
        for p in 0..<inputCount {
            let c = entryColumn[p]
            bucketRow[fill[c]] = entryRow[p]
            bucketSource[fill[c]] = p
            fill[c] += 1
        }
        // Merge duplicates column by column.
        var slotOfRow = [Int](repeating: 0, count: n)
        var rowSeenInColumn = [Int](repeating: -1, count: n)
        var pointers = [Int](repeating: 0, count: n + 1)
        var rows: [Int] = []
        rows.reserveCapacity(inputCount + n)
        var slotOfInput = [Int](repeating: 0, count: inputCount)
        var diagonal = [Int](repeating: 0, count: n)
        for c in 0..<n {
            for q in bucketStart[c]..<bucketStart[c + 1] {
                let r = bucketRow[q]
                if rowSeenInColumn[r] != c {
                    rowSeenInColumn[r] = c
                    slotOfRow[r] = rows.count
                    rows.append(r)
                }
                if bucketSource[q] >= 0 { slotOfInput[bucketSource[q]] = slotOfRow[r] }
            }
            diagonal[c] = slotOfRow[c]
            pointers[c + 1] = rows.count
        }
        dimension = n
        colPointers = pointers
        rowIndices = rows
        slotOfInputEntry = slotOfInput
        diagonalSlot = diagonal
    }
}
