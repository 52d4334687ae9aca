/// Sparse LDLᵀ factorisation of a symmetric quasi-definite matrix `K` (the KKT matrix
/// `[[P + δI, Aᵀ], [A, −W² − δI]]` of the interior-point solver), in the manner of QDLDL/Clarabel:
/// a fill-reducing symmetric permutation, then `P K Pᵀ = L D Lᵀ` with unit lower-triangular `L` and
/// diagonal `D`, without pivoting, since the sign of each pivot is known in advance.
///
/// The symbolic analysis (ordering, elimination tree, column counts, slot map of the input entries)
/// happens once in `init`; `factor` can then be called any number of times with new values for the
/// same pattern, each in O(nnz(K) + flops), and `solve` applies `K⁻¹`.
public final class QuasiDefiniteLDL {
    /// Order of `K`.
    public let dimension: Int
    /// The symmetric permutation used: row/column `i` of the factored matrix is `K`'s `permutation[i]`.
    public let permutation: [Int]
    private let inputEntryCount: Int
    private let lColPointers: [Int]
    private let numeric: NumericLDLFactor
    /// The last `signs` given to `factor` and their permuted copy (validated and permuted only when
    /// they change, since an interior-point solver passes the same signs every iteration).
    private var lastSigns: [Int8] = []
    private var permutedSigns: [Double] = []

    /// Number of pivots replaced by `sign · dynamicDelta` in the last `factor` call.
    public private(set) var regularizedPivotCount = 0
    /// Number of positive entries of `D` in the last `factor` call (the inertia check of a KKT
    /// matrix: it should equal the number of primal variables).
    public private(set) var positivePivotCount = 0
    /// Whether `factor` has succeeded, so that `solve` may be called.
    public private(set) var isFactored = false

    /// Number of stored entries of `L` strictly below the diagonal (the fill measure).
    public var factorNonzeroCount: Int { lColPointers[dimension] }

    /// Symbolic analysis of the pattern of `K`'s upper triangle (values are ignored; the entry order
    /// defines the layout expected by `factor`). `ordering` is a permutation `p` (new `i` = old
    /// `p[i]`); when nil, approximate minimum degree is used.
    public init(pattern upperTriangle: SparseMatrixCSC, ordering: [Int]? = nil) throws {
        try upperTriangle.validateSquareStructure()
        let n = upperTriangle.cols
        guard n <= Int(Int32.max) else {
            throw SparseMatrixError.invalidStructure("dimension \(n) exceeds the 32-bit row indices of the factor")
        }
        let p = try ordering ?? ApproximateMinimumDegree.ordering(upperTriangle)
        let inverse = try Self.inverse(of: p, dimension: n)
        dimension = n
        permutation = p
        inputEntryCount = upperTriangle.rowIndices.count
        let upper = try PermutedUpperTriangle(upper: upperTriangle, inversePermutation: inverse)
        let tree = EliminationTree(upper: upper)
        var pointers = [Int](repeating: 0, count: n + 1)
        for j in 0..<n { pointers[j + 1] = pointers[j] + tree.columnCounts[j] }
        lColPointers = pointers
        numeric = NumericLDLFactor(upper: upper, tree: tree, lColPointers: pointers, permutation: p)
    }

    /// Numeric factorisation of `K` with the given values.
    ///
    /// - Parameters:
    ///   - values: `K`'s upper-triangle values in the CSC order of the pattern given to `init`.
    ///   - signs: expected sign (+1 / −1) of each pivot, indexed by `K`'s original column.
    ///   - staticRegularization: `sign · staticRegularization` is added to every diagonal entry.
    ///   - eps: a pivot with `sign · D_jj < eps` is replaced by `sign · dynamicDelta` and counted in
    ///     `regularizedPivotCount` (dynamic regularisation, as in Clarabel/QDLDL).
    /// - Throws: `SparseMatrixError` for wrong array lengths or signs, or a zero / non-finite pivot.
    public func factor(values: [Double], signs: [Int8], staticRegularization: Double,
                       dynamicRegularization eps: Double, dynamicDelta: Double) throws {
        isFactored = false
        guard values.count == inputEntryCount else {
            throw SparseMatrixError.lengthMismatch(what: "values", expected: inputEntryCount, actual: values.count)
        }
        guard signs.count == dimension else {
            throw SparseMatrixError.lengthMismatch(what: "signs", expected: dimension, actual: signs.count)
        }
        if signs != lastSigns {
            for (column, sign) in signs.enumerated() where sign != 1 && sign != -1 {
                throw SparseMatrixError.invalidSign(column: column, value: sign)
            }
            lastSigns = signs
            permutedSigns = permutation.map { Double(signs[$0]) }
        }
        let outcome = try numeric.factor(values: values, signs: permutedSigns,
                                         staticRegularization: staticRegularization,
                                         dynamicEpsilon: eps, dynamicDelta: dynamicDelta)
        regularizedPivotCount = outcome.regularizedPivots
        positivePivotCount = outcome.positivePivots
        isFactored = true
    }

    /// Overwrites `b` with `K⁻¹ b` using the last factorisation (`P K Pᵀ = L D Lᵀ`).
    public func solve(_ b: inout [Double]) {
        precondition(isFactored, "QuasiDefiniteLDL.solve called before a successful factor")
        precondition(b.count == dimension, "QuasiDefiniteLDL.solve: right-hand side has \(b.count) entries, expected \(dimension)")
        b.withUnsafeMutableBufferPointer { solve($0) }
    }

    /// `solve` on a caller-owned buffer of `dimension` entries (no array bookkeeping: for solvers
    /// that keep their own workspaces).
    public func solve(_ b: UnsafeMutableBufferPointer<Double>) {
        precondition(isFactored, "QuasiDefiniteLDL.solve called before a successful factor")
        precondition(b.count == dimension,
                     "QuasiDefiniteLDL.solve: right-hand side has \(b.count) entries, expected \(dimension)")
        if let base = b.baseAddress { numeric.solve(base) }
    }

    /// Two right-hand sides in one pass over `L` (the solve is bound by reading the factor, so the
    /// second costs much less than a separate `solve`).
    public func solve(_ first: UnsafeMutableBufferPointer<Double>, _ second: UnsafeMutableBufferPointer<Double>) {
        precondition(isFactored, "QuasiDefiniteLDL.solve called before a successful factor")
        precondition(first.count == dimension && second.count == dimension,
                     "QuasiDefiniteLDL.solve: right-hand sides have \(first.count) and \(second.count) entries, expected \(dimension)")
        if let a = first.baseAddress, let b = second.baseAddress { numeric.solve(a, b) }
    }

    private static func inverse(of p: [Int], dimension n: Int) throws -> [Int] {
        guard p.count == n else {
            throw SparseMatrixError.invalidPermutation("has \(p.count) entries for dimension \(n)")
        }
        var inverse = [Int](repeating: -1, count: n)
        for (new, old) in p.enumerated() {
            guard old >= 0 && old < n else {
                throw SparseMatrixError.invalidPermutation("index \(old) outside 0..<\(n)")
            }
            guard inverse[old] < 0 else {
                throw SparseMatrixError.invalidPermutation("index \(old) appears twice")
            }
            inverse[old] = new
        }
        return inverse
    }
}
