import CLapack

extension Matrix {
    /// Eigenvalues (ascending) and orthonormal eigenvectors (as columns, in the same order) of a
    /// symmetric matrix, by divide and conquer (LAPACK dsyevd): A·V = V·diag(values). The vectors
    /// keep A's row labels.
    public func symmetricEigen() throws -> (values: [Double], vectors: Matrix) {
        let operation = "take the eigenvalues of"
        try requireSymmetric(operation)
        var vectors = Matrix(rows: rows, cols: cols, columnMajor: storage, rowLabels: rowLabels)
        var values = [Double](repeating: 0, count: rows)
        guard rows > 0 else { return (values, vectors) }
        var n = try LAPACK.integer(rows)
        var job = Int8(UInt8(ascii: "V"))
        var lower = Int8(UInt8(ascii: "L"))
        var info: Int32 = 0
        var query = 0.0
        var integerQuery: Int32 = 0
        var lwork: Int32 = -1
        var liwork: Int32 = -1
        dsyevd_(&job, &lower, &n, &vectors.storage, &n, &values, &query, &lwork, &integerQuery, &liwork, &info)
        try LAPACK.checkArguments(info, routine: "dsyevd")
        lwork = try LAPACK.workspaceSize(query)
        liwork = Swift.max(1, integerQuery)
        var work = [Double](repeating: 0, count: Int(lwork))
        var integerWork = [Int32](repeating: 0, count: Int(liwork))
        dsyevd_(&job, &lower, &n, &vectors.storage, &n, &values, &work, &lwork, &integerWork, &liwork, &info)
        try LAPACK.checkArguments(info, routine: "dsyevd")
        guard info == 0 else {
            throw LinearAlgebraError.invalidArgument(
                "cannot take the eigenvalues of \(shapeDescription): the algorithm did not converge")
        }
        return (values, vectors)
    }

    /// `true` when the matrix is symmetric within `tolerance`·max(1, max|aᵢⱼ|) and its smallest
    /// eigenvalue is at least −`tolerance`·max(1, |λmax|) — e.g. to check a user-supplied covariance
    /// matrix. Non-square, non-finite or non-symmetric matrices are simply not PSD.
    public func isPositiveSemidefinite(tolerance: Double) -> Bool {
        guard rows == cols, isFinite,
              isSymmetric(absoluteTolerance: tolerance * Swift.max(1, maximumAbsoluteEntry)),
              let values = try? symmetrized().symmetricEigen().values
        else { return false }
        guard let smallest = values.first, let largest = values.last else { return true }
        return smallest >= -tolerance * Swift.max(1, abs(largest))
    }

    /// (A + Aᵀ)/2 for a square matrix, so that nearly symmetric input passes the exact symmetry check.
    func symmetrized() -> Matrix {
        var result = self
        for j in 0..<cols {
            for i in (j + 1)..<rows {
                let average = (self[i, j] + self[j, i]) / 2
                result[i, j] = average
                result[j, i] = average
            }
        }
        return result
    }
}
