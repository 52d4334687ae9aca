/// A sparse matrix in compressed sparse column form: the entries of column j are
/// `values[colPointers[j]..<colPointers[j+1]]` at rows `rowIndices[...]`, rows sorted within a column.
public struct SparseMatrixCSC: Sendable, Equatable {
    public var rows: Int
    public var cols: Int
    /// `cols + 1` offsets into `rowIndices` / `values`.
    public var colPointers: [Int]
    public var rowIndices: [Int]
    public var values: [Double]

    public init(rows: Int, cols: Int, colPointers: [Int], rowIndices: [Int], values: [Double]) {
        self.rows = rows
        self.cols = cols
        self.colPointers = colPointers
        self.rowIndices = rowIndices
        self.values = values
    }

    /// An all-zero `rows × cols` matrix.
    public init(zeros rows: Int, _ cols: Int) {
        self.init(rows: rows, cols: cols, colPointers: Array(repeating: 0, count: cols + 1),
                  rowIndices: [], values: [])
    }

    /// Builds a matrix from (row, col, value) triplets; duplicates are summed in the order given, explicit
    /// zeros kept (so that a structure stays the same when only values change).
    ///
    /// Two stable counting passes (by row, then by column) leave each column's entries in row order with
    /// duplicates next to each other, so no column is sorted.
    public init(rows: Int, cols: Int, triplets: [(row: Int, col: Int, value: Double)]) {
        let count = triplets.count
        var rowStart = [Int](repeating: 0, count: rows + 1)
        for t in triplets { rowStart[t.row + 1] += 1 }
        for i in 0..<rows { rowStart[i + 1] += rowStart[i] }
        var byRow = [Int](repeating: 0, count: count)
        for (k, t) in triplets.enumerated() {
            byRow[rowStart[t.row]] = k
            rowStart[t.row] += 1
        }
        var columnStart = [Int](repeating: 0, count: cols + 1)
        for t in triplets { columnStart[t.col + 1] += 1 }
        for j in 0..<cols { columnStart[j + 1] += columnStart[j] }
        var next = columnStart
        var byColumn = [Int](repeating: 0, count: count)
        for k in byRow {
            let j = triplets[k].col
            byColumn[next[j]] = k
            next[j] += 1
        }
        var colPtr = [Int](repeating: 0, count: cols + 1)
        var outRows: [Int] = [], outVals: [Double] = []
        outRows.reserveCapacity(count)
        outVals.reserveCapacity(count)
        for j in 0..<cols {
            for p in columnStart[j]..<columnStart[j + 1] {
                let t = triplets[byColumn[p]]
                if outRows.count > colPtr[j], outRows[outRows.count - 1] == t.row {
                    outVals[outVals.count - 1] += t.value
                } else {
                    outRows.append(t.row)
                    outVals.append(t.value)
                }
            }
            colPtr[j + 1] = outRows.count
        }
        self.init(rows: rows, cols: cols, colPointers: colPtr, rowIndices: outRows, values: outVals)
    }

    /// Number of stored entries.
    public var nonzeroCount: Int { values.count }
}
