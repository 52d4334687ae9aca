/// Shared plumbing for calling Fortran LAPACK (32-bit integers, pointers to everything, `info`
/// codes) and the checks every factorisation makes before handing user data to it.
enum LAPACK {
    /// Reciprocal condition numbers below this make a matrix singular "to working precision".
    static let singularityThreshold = 1e-14
    /// Relative tolerance (to the largest |entry|) within which a matrix counts as symmetric.
    static let symmetryTolerance = 1e-10

    /// A dimension as LAPACK's 32-bit integer; refuses matrices too large for it instead of trapping.
    static func integer(_ n: Int) throws -> Int32 {
        guard let value = Int32(exactly: n) else {
            throw LinearAlgebraError.invalidArgument("the matrix is too large for LAPACK (\(n) > 2147483647)")
        }
        return value
    }

    /// A leading dimension: LAPACK wants at least 1, even for an empty matrix.
    static func leadingDimension(_ n: Int) throws -> Int32 { try integer(max(1, n)) }

    /// A negative `info` means Tilt passed a bad argument: report it rather than trap.
    static func checkArguments(_ info: Int32, routine: String) throws {
        if info < 0 {
            throw LinearAlgebraError.invalidArgument(
                "internal error: LAPACK routine \(routine) rejected its argument \(-info)")
        }
    }

    /// The optimal workspace size a LAPACK query (`lwork = -1`) returned in `work[0]`.
    static func workspaceSize(_ query: Double) throws -> Int32 {
        // NaN, infinite or beyond Int32 (a LAPACK that misreports): the largest size LAPACK can take.
        Int32(clamping: query, rounding: .up, to: 1...Int32.max)
    }
}

extension Matrix {
    /// The largest absolute entry (0 for an empty matrix; NaN entries are ignored).
    var maximumAbsoluteEntry: Double {
        storage.reduce(0) { Swift.max($0, abs($1)) }
    }

    /// `true` when every entry is finite (no NaN, no ±Inf).
    var isFinite: Bool { storage.allSatisfy(\.isFinite) }

    /// Throws `notSquare` unless rows == cols.
    func requireSquare(_ operation: String) throws {
        guard rows == cols else {
            throw LinearAlgebraError.notSquare(operation: operation, shape: shapeDescription)
        }
    }

    /// Throws unless every entry is finite: LAPACK factorisations of NaN/Inf data are meaningless.
    func requireFinite(_ operation: String) throws {
        guard isFinite else {
            throw LinearAlgebraError.invalidArgument(
                "cannot \(operation) \(shapeDescription): the matrix contains NaN or infinite entries")
        }
    }

    /// `true` when |a_ij − a_ji| ≤ `absoluteTolerance` for all i, j (square matrices only).
    public func isSymmetric(absoluteTolerance: Double) -> Bool {
        guard rows == cols else { return false }
        for j in 0..<cols {
            for i in (j + 1)..<rows where !(abs(self[i, j] - self[j, i]) <= absoluteTolerance) {
                return false
            }
        }
        return true
    }

    /// Throws unless the matrix is square, finite and symmetric, as Cholesky and eigen routines need.
    func requireSymmetric(_ operation: String) throws {
        try requireSquare(operation)
        try requireFinite(operation)
        guard isSymmetric(absoluteTolerance: LAPACK.symmetryTolerance * maximumAbsoluteEntry) else {
            throw LinearAlgebraError.invalidArgument(
                "cannot \(operation) \(shapeDescription): the matrix is not symmetric")
        }
    }
}
