extension SparseMatrixCSC {
    /// `y = A x` for a general sparse `A` (`x.count == cols`, `y` is resized to `rows`).
    public func multiply(_ x: [Double], into y: inout [Double]) {
        precondition(x.count == cols, "multiply: x has \(x.count) entries, matrix has \(cols) columns")
        resetOutput(&y, count: rows)
        for j in 0..<cols {
            let xj = x[j]
            if xj == 0 { continue }
            for p in colPointers[j]..<colPointers[j + 1] {
                y[rowIndices[p]] += values[p] * xj
            }
        }
    }

    /// `y = K x` where `K` is the symmetric matrix whose upper triangle (diagonal included) is stored
    /// in `self`; entries below the diagonal, if any, are ignored. Used for KKT residuals.
    public func multiplySymmetricUpper(_ x: [Double], into y: inout [Double]) {
        precondition(rows == cols && x.count == cols, "multiplySymmetricUpper: needs a square matrix and matching x")
        resetOutput(&y, count: rows)
        for j in 0..<cols {
            let xj = x[j]
            var sum = 0.0
            for p in colPointers[j]..<colPointers[j + 1] {
                let i = rowIndices[p]
                if i < j {
                    y[i] += values[p] * xj
                    sum += values[p] * x[i]
                } else if i == j {
                    sum += values[p] * xj
                }
            }
            y[j] += sum
        }
    }

    /// The transpose `Aᵀ` in CSC form (rows sorted within each column, duplicates kept).
    public func transposed() -> SparseMatrixCSC {
        var pointers = [Int](repeating: 0, count: rows + 1)
        for i in rowIndices { pointers[i + 1] += 1 }
        for i in 0..<rows { pointers[i + 1] += pointers[i] }
        var next = pointers
        var outRows = [Int](repeating: 0, count: rowIndices.count)
        var outValues = [Double](repeating: 0, count: values.count)
        for j in 0..<cols {
            for p in colPointers[j]..<colPointers[j + 1] {
                let q = next[rowIndices[p]]
                outRows[q] = j
                outValues[q] = values[p]
                next[rowIndices[p]] = q + 1
            }
        }
        return SparseMatrixCSC(rows: cols, cols: rows, colPointers: pointers, rowIndices: outRows, values: outValues)
    }

    private func resetOutput(_ y: inout [Double], count: Int) {
        if y.count == count {
            for i in 0..<count { y[i] = 0 }
        } else {
            y = [Double](repeating: 0, count: count)
        }
    }
}
