import CLapack

extension Matrix {
    /// The inverse A⁻¹ by LU factorisation (LAPACK dgetrf/dgetri). Refuses singular or
    /// ill-conditioned matrices (1-norm reciprocal condition number below 1e-14, from dgecon) rather
    /// than returning garbage. Labels swap: A⁻¹ maps A's rows back to its columns.
    public func inverse() throws -> Matrix {
        let operation = "invert"
        try requireSquare(operation)
        try requireFinite(operation)
        var n = try LAPACK.integer(rows)
        var lda = try LAPACK.leadingDimension(rows)
        var result = Matrix(rows: rows, cols: cols, columnMajor: storage,
                            rowLabels: colLabels, colLabels: rowLabels)
        guard rows > 0 else { return result }
        var pivots = [Int32](repeating: 0, count: rows)
        let norm = oneNorm()
        var info: Int32 = 0
        dgetrf_(&n, &n, &result.storage, &lda, &pivots, &info)
        try LAPACK.checkArguments(info, routine: "dgetrf")
        guard info == 0 else { throw LinearAlgebraError.singular(operation: operation) }
        try Matrix.requireWellConditioned(luFactors: result.storage, order: rows, oneNorm: norm,
                                          operation: operation)
        var query = 0.0
        var lwork: Int32 = -1
        dgetri_(&n, &result.storage, &lda, &pivots, &query, &lwork, &info)
        try LAPACK.checkArguments(info, routine: "dgetri")
        lwork = try LAPACK.workspaceSize(query)
        var work = [Double](repeating: 0, count: Int(lwork))
        dgetri_(&n, &result.storage, &lda, &pivots, &work, &lwork, &info)
        try LAPACK.checkArguments(info, routine: "dgetri")
        guard info == 0 else { throw LinearAlgebraError.singular(operation: operation) }
        return result
    }

    /// The solution X of A·X = B. Square A: LU with partial pivoting (dgesv), refusing singular or
    /// ill-conditioned A like `inverse()`. Non-square A: least squares (dgels) — the X minimising
    /// ‖A·X − B‖ when A is tall, the minimum-norm X when A is wide; A must have full rank.
    /// X's rows are labelled by A's columns, its columns by B's columns.
    public static func solve(_ a: Matrix, _ b: Matrix) throws -> Matrix {
        let operation = "solve"
        guard a.rows == b.rows else {
            throw LinearAlgebraError.shapeMismatch(operation: operation, lhs: a.shapeDescription,
                                                   rhs: b.shapeDescription)
        }
        try a.requireFinite(operation)
        try b.requireFinite(operation)
        let empty = Matrix(rows: a.cols, cols: b.cols, repeating: 0)
        guard a.rows > 0, a.cols > 0, b.cols > 0 else { return empty.labelled(rows: a.colLabels, cols: b.colLabels) }
        let x = a.rows == a.cols ? try squareSolve(a, b) : try leastSquares(a, b)
        return x.labelled(rows: a.colLabels, cols: b.colLabels)
    }

    /// LU solve of a square, non-empty system (dgesv), then a conditioning check on the factors.
    private static func squareSolve(_ a: Matrix, _ b: Matrix) throws -> Matrix {
        let operation = "solve"
        var n = try LAPACK.integer(a.rows)
        var nrhs = try LAPACK.integer(b.cols)
        var factors = a.storage
        var x = b.storage
        var pivots = [Int32](repeating: 0, count: a.rows)
        var info: Int32 = 0
        let norm = a.oneNorm()
        dgesv_(&n, &nrhs, &factors, &n, &pivots, &x, &n, &info)
        try LAPACK.checkArguments(info, routine: "dgesv")
        guard info == 0 else { throw LinearAlgebraError.singular(operation: operation) }
        try requireWellConditioned(luFactors: factors, order: a.rows, oneNorm: norm, operation: operation)
        return Matrix(rows: a.rows, cols: b.cols, columnMajor: x)
    }

    /// Least squares (tall) or minimum-norm (wide) solution of a non-empty system by QR/LQ.
    /// Rank deficiency is detected from the triangular factor: a diagonal entry below 1e-14 times the
    /// largest one means the columns (tall) or rows (wide) of A are linearly dependent.
    private static func leastSquares(_ a: Matrix, _ b: Matrix) throws -> Matrix {
        a.rows > a.cols ? try tallLeastSquares(a, b) : try wideMinimumNorm(a, b)
    }

    /// min ‖Ax − b‖ for a tall A: Householder QR (dgeqrf), Qᵀb (dormqr), Rx = (Qᵀb)[0..<n] (dtrtrs).
    /// (dgels does the same after scaling A and b by their largest entries, whose reference-LAPACK norm
    /// costs more than the factorisation when b has many columns; requireFinite already rules out the
    /// non-finite entries that scaling guards against, and an overflow would show as a non-finite result.)
    private static func tallLeastSquares(_ a: Matrix, _ b: Matrix) throws -> Matrix {
        var m = try LAPACK.integer(a.rows)
        var n = try LAPACK.integer(a.cols)
        var nrhs = try LAPACK.integer(b.cols)
        var factors = a.storage
        var x = b.storage
        var tau = [Double](repeating: 0, count: a.cols)
        var info: Int32 = 0
        var query = 0.0
        var lwork: Int32 = -1
        dgeqrf_(&m, &n, &factors, &m, &tau, &query, &lwork, &info)
        try LAPACK.checkArguments(info, routine: "dgeqrf")
        var side = Int8(UInt8(ascii: "L")), transpose = Int8(UInt8(ascii: "T"))
        var multiplyQuery = 0.0
        dormqr_(&side, &transpose, &m, &nrhs, &n, &factors, &m, &tau, &x, &m, &multiplyQuery, &lwork, &info)
        try LAPACK.checkArguments(info, routine: "dormqr")
        lwork = try LAPACK.workspaceSize(Swift.max(query, multiplyQuery))
        var work = [Double](repeating: 0, count: Int(lwork))
        dgeqrf_(&m, &n, &factors, &m, &tau, &work, &lwork, &info)
        try LAPACK.checkArguments(info, routine: "dgeqrf")
        guard hasFullRank(factors, rows: a.rows, cols: a.cols) else { throw linearlyDependent("columns", a) }
        dormqr_(&side, &transpose, &m, &nrhs, &n, &factors, &m, &tau, &x, &m, &work, &lwork, &info)
        try LAPACK.checkArguments(info, routine: "dormqr")
        var upper = Int8(UInt8(ascii: "U")), noTranspose = Int8(UInt8(ascii: "N"))
        dtrtrs_(&upper, &noTranspose, &noTranspose, &n, &nrhs, factors, &m, &x, &m, &info)
        try LAPACK.checkArguments(info, routine: "dtrtrs")
        let solution = leadingRows(a.cols, of: x, leadingDimension: a.rows, columns: b.cols)
        guard info == 0, solution.allSatisfy(\.isFinite) else { throw LinearAlgebraError.singular(operation: "solve") }
        return Matrix(rows: a.cols, cols: b.cols, columnMajor: solution)
    }

    /// The minimum-norm solution of a wide system by LQ (dgels).
    private static func wideMinimumNorm(_ a: Matrix, _ b: Matrix) throws -> Matrix {
        var m = try LAPACK.integer(a.rows)
        var n = try LAPACK.integer(a.cols)
        var nrhs = try LAPACK.integer(b.cols)
        let ldb = Swift.max(a.rows, a.cols)
        var factors = a.storage
        // dgels reads B from, and writes X to, an ldb × nrhs array.
        var x = [Double](repeating: 0, count: ldb * b.cols)
        for j in 0..<b.cols {
            x.replaceSubrange(j * ldb ..< j * ldb + b.rows, with: b.storage[j * b.rows ..< (j + 1) * b.rows])
        }
        var info: Int32 = 0
        var query = 0.0
        var lwork: Int32 = -1
        var ldbInt = try LAPACK.integer(ldb)
        var trans = Int8(UInt8(ascii: "N"))
        dgels_(&trans, &m, &n, &nrhs, &factors, &m, &x, &ldbInt, &query, &lwork, &info)
        try LAPACK.checkArguments(info, routine: "dgels")
        lwork = try LAPACK.workspaceSize(query)
        var work = [Double](repeating: 0, count: Int(lwork))
        dgels_(&trans, &m, &n, &nrhs, &factors, &m, &x, &ldbInt, &work, &lwork, &info)
        try LAPACK.checkArguments(info, routine: "dgels")
        guard info == 0, hasFullRank(factors, rows: a.rows, cols: a.cols) else { throw linearlyDependent("rows", a) }
        return Matrix(rows: a.cols, cols: b.cols, columnMajor: leadingRows(a.cols, of: x, leadingDimension: ldb, columns: b.cols))
    }

    /// The first `rows` entries of each of `columns` columns of a column-major array with leading dimension
    /// `leadingDimension` (LAPACK leaves a least-squares solution in the top of a taller right-hand side).
    private static func leadingRows(_ rows: Int, of x: [Double], leadingDimension: Int, columns: Int) -> [Double] {
        var result = [Double](repeating: 0, count: rows * columns)
        for j in 0..<columns {
            result.replaceSubrange(j * rows ..< (j + 1) * rows, with: x[j * leadingDimension ..< j * leadingDimension + rows])
        }
        return result
    }

    /// Whether the triangular factor (R of QR or L of LQ, on the diagonal of the column-major `factors`
    /// of a `rows`×`cols` matrix) has every diagonal entry above 1e-14 times its largest one.
    private static func hasFullRank(_ factors: [Double], rows: Int, cols: Int) -> Bool {
        let triangular = (0..<Swift.min(rows, cols)).map { abs(factors[$0 + $0 * rows]) }
        let largest = triangular.max() ?? 0
        return triangular.allSatisfy { $0 > LAPACK.singularityThreshold * largest }
    }

    private static func linearlyDependent(_ what: String, _ a: Matrix) -> LinearAlgebraError {
        .invalidArgument("cannot solve the least-squares problem: the \(what) of the \(a.shapeDescription) "
                         + "matrix are linearly dependent")
    }

    /// The 1-norm (largest absolute column sum), the norm dgecon estimates the condition number in.
    func oneNorm() -> Double {
        guard rows > 0 else { return 0 }
        return (0..<cols).reduce(0) { norm, j in
            Swift.max(norm, storage[j * rows ..< (j + 1) * rows].reduce(0) { $0 + abs($1) })
        }
    }

    /// Throws `singular` when the LU factors of an `order`×`order` matrix with the given 1-norm have a
    /// reciprocal condition number (dgecon) below `LAPACK.singularityThreshold`.
    private static func requireWellConditioned(luFactors: [Double], order: Int, oneNorm: Double,
                                               operation: String) throws {
        var n = try LAPACK.integer(order)
        var work = [Double](repeating: 0, count: 4 * order)
        var integerWork = [Int32](repeating: 0, count: order)
        var rcond = 0.0
        var info: Int32 = 0
        var norm = Int8(UInt8(ascii: "1"))
        var anorm = oneNorm
        dgecon_(&norm, &n, luFactors, &n, &anorm, &rcond, &work, &integerWork, &info)
        try LAPACK.checkArguments(info, routine: "dgecon")
        guard info == 0, rcond >= LAPACK.singularityThreshold else {
            throw LinearAlgebraError.singular(operation: operation)
        }
    }

    /// A copy with the given labels (dropped when their count does not match).
    func labelled(rows newRowLabels: [String]?, cols newColLabels: [String]?) -> Matrix {
        var copy = self
        copy.rowLabels = newRowLabels
        copy.colLabels = newColLabels
        return copy
    }
}
