import CLapack

extension Matrix {
    /// The matrix product A·B (BLAS dgemm). Rows are labelled like A's rows, columns like B's columns.
    /// A 1×1 operand whose inner dimension does not match acts as a scalar (as in MATLAB), so
    /// `(x' * y) * M` works; any other inner-dimension mismatch throws "cannot multiply 48×6 by 5×1".
    public static func product(_ a: Matrix, _ b: Matrix) throws -> Matrix {
        guard a.cols == b.rows else {
            if a.isScalar { return b.map { a.storage[0] * $0 } }
            if b.isScalar { return a.map { $0 * b.storage[0] } }
            throw LinearAlgebraError.shapeMismatch(operation: "multiply", lhs: a.shapeDescription,
                                                   rhs: b.shapeDescription)
        }
        var result = Matrix(rows: a.rows, cols: b.cols, repeating: 0)
        result.rowLabels = a.rowLabels
        result.colLabels = b.colLabels
        guard a.rows > 0, b.cols > 0, a.cols > 0 else { return result }
        let m = try LAPACK.integer(a.rows)
        let n = try LAPACK.integer(b.cols)
        let k = try LAPACK.integer(a.cols)
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, m, n, k,
                    1.0, a.storage, m, b.storage, k, 0.0, &result.storage, m)
        return result
    }

    /// The matrix power Aᵏ of a square matrix by repeated squaring; A⁰ = I, and a negative k
    /// raises the inverse (so it throws for singular A).
    public func power(_ k: Int) throws -> Matrix {
        try requireSquare("take a power of")
        var base = k < 0 ? try inverse() : self
        var remaining = k.magnitude
        var result = Matrix.identity(rows)
        result.rowLabels = base.rowLabels
        result.colLabels = base.colLabels
        while remaining > 0 {
            if remaining & 1 == 1 { result = try Matrix.product(result, base) }
            remaining >>= 1
            if remaining > 0 { base = try Matrix.product(base, base) }
        }
        return result
    }
}
