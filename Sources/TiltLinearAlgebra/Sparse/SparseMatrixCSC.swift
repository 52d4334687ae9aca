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

    /// Builds a matrix from (row, col, value) triplets; duplicates are summed, explicit zeros kept
    /// (so that a structure stays the same when only values change).
    public init(rows: Int, cols: Int, triplets: [(row: Int, col: Int, value: Double)]) {
        var counts = [Int](repeating: 0, count: cols + 1)
        for t in triplets { counts[t.col + 1] += 1 }
        for j in 0..<cols { counts[j + 1] += counts[j] }
        var next = counts
        var ri = [Int](repeating: 0, count: triplets.count)
        var vals = [Double](repeating: 0, count: triplets.count)
        for t in triplets {
            let p = next[t.col]
            ri[p] = t.row
            vals[p] = t.value
            next[t.col] += 1
        }
        var colPtr = [Int](repeating: 0, count: cols + 1)
        var outRows: [Int] = []
        var outVals: [Double] = []
        outRows.reserveCapacity(triplets.count)
        outVals.reserveCapacity(triplets.count)
        for j in 0..<cols {
            let range = counts[j]..<counts[j + 1]
            let order = range.sorted { ri[$0] < ri[$1] }
            var lastRow = -1
            for p in order {
                if ri[p] == lastRow {
                    outVals[outVals.count - 1] += vals[p]
                } else {
                    outRows.append(ri[p])
                    outVals.append(vals[p])
                    lastRow = ri[p]
                }
            }
            colPtr[j + 1] = outRows.count
        }
        self.init(rows: rows, cols: cols, colPointers: colPtr, rowIndices: outRows, values: outVals)
    }

    /// Number of stored entries.
    public var nonzeroCount: Int { values.count }
}
