import CLapack

extension Matrix {
    /// The sample covariance matrix (divisor n − 1) of the columns of `x`, whose rows are
    /// observations (e.g. months) and columns variables (e.g. assets), in the units of `x` squared
    /// (monthly returns give a monthly covariance). Labelled by `x`'s columns on both axes; exactly
    /// symmetric. Needs at least two rows.
    public static func covariance(_ x: Matrix) throws -> Matrix {
        guard x.rows >= 2 else {
            throw LinearAlgebraError.invalidArgument(
                "cannot take the covariance of \(x.shapeDescription): it needs at least 2 rows (observations)")
        }
        var centered = x.storage
        for j in 0..<x.cols {
            let range = j * x.rows ..< (j + 1) * x.rows
            let mean = centered[range].reduce(0, +) / Double(x.rows)
            for index in range { centered[index] -= mean }
        }
        var result = Matrix(rows: x.cols, cols: x.cols, repeating: 0)
        guard x.cols > 0 else { return result }
        let n = try LAPACK.integer(x.cols)
        let k = try LAPACK.integer(x.rows)
        cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, n, n, k,
                    1.0 / Double(x.rows - 1), centered, k, centered, k, 0.0, &result.storage, n)
        return result.symmetrized().labelled(rows: x.colLabels, cols: x.colLabels)
    }

    /// The correlation matrix of the columns of `x` (rows are observations): covariance scaled to a
    /// unit diagonal. Throws when a column is constant, whose correlation is undefined.
    public static func correlation(_ x: Matrix) throws -> Matrix {
        var result = try covariance(x)
        let deviations = (0..<result.rows).map { result[$0, $0].squareRoot() }
        if let constant = deviations.firstIndex(of: 0) {
            let name = x.colLabels.map { "'\($0[constant])'" } ?? "\(constant + 1)"
            throw LinearAlgebraError.invalidArgument(
                "cannot take correlations: column \(name) is constant (zero variance)")
        }
        for j in 0..<result.cols {
            for i in 0..<result.rows {
                result[i, j] = i == j && deviations[i].isFinite ? 1 : result[i, j] / (deviations[i] * deviations[j])
            }
        }
        return result
    }
}
