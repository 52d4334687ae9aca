extension SparseMatrixCSC {
    /// Checks that the CSC arrays describe a `rows × cols` matrix: `cols + 1` non-decreasing column
    /// pointers starting at 0 and ending at the entry count, and row indices within `0..<rows`.
    /// Duplicates and unsorted rows are allowed (consumers of this layer tolerate them).
    public func validateStructure() throws {
        guard rows >= 0, cols >= 0 else {
            throw SparseMatrixError.invalidStructure("negative dimension \(rows)×\(cols)")
        }
        guard colPointers.count == cols + 1 else {
            throw SparseMatrixError.invalidStructure("\(colPointers.count) column pointers for \(cols) columns")
        }
        guard rowIndices.count == values.count else {
            throw SparseMatrixError.invalidStructure(
                "\(rowIndices.count) row indices but \(values.count) values")
        }
        guard colPointers[0] == 0, colPointers[cols] == rowIndices.count else {
            throw SparseMatrixError.invalidStructure("column pointers must run from 0 to the entry count")
        }
        for j in 0..<cols where colPointers[j] > colPointers[j + 1] {
            throw SparseMatrixError.invalidStructure("column pointers decrease at column \(j)")
        }
        for (p, i) in rowIndices.enumerated() where i < 0 || i >= rows {
            throw SparseMatrixError.invalidStructure("row index \(i) at position \(p) outside 0..<\(rows)")
        }
    }

    /// `validateStructure()` plus squareness: the requirement of every symmetric-matrix routine.
    func validateSquareStructure() throws {
        try validateStructure()
        guard rows == cols else { throw SparseMatrixError.notSquare(rows: rows, cols: cols) }
    }
}
