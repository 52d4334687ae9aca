import CLapack

extension Matrix {
    /// The lower-triangular Cholesky factor L with A = L·Lᵀ (LAPACK dpotrf), e.g. to simulate
    /// correlated returns from a covariance matrix. A must be symmetric (to 1e-10 relative) and
    /// positive definite; labels are kept.
    public func cholesky() throws -> Matrix {
        let operation = "take the Cholesky factor of"
        try requireSymmetric(operation)
        var factor = self
        guard rows > 0 else { return factor }
        var n = try LAPACK.integer(rows)
        var lower = Int8(UInt8(ascii: "L"))
        var info: Int32 = 0
        dpotrf_(&lower, &n, &factor.storage, &n, &info)
        try LAPACK.checkArguments(info, routine: "dpotrf")
        guard info == 0 else {
            throw LinearAlgebraError.notPositiveDefinite(operation: "take the Cholesky factor")
        }
        for j in 1..<Swift.max(1, cols) {
            for i in 0..<j { factor[i, j] = 0 }
        }
        return factor
    }
}
