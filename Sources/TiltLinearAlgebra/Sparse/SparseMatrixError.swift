/// Errors raised by the sparse layer when a matrix, a permutation or a value array handed in by a
/// caller is inconsistent, or when a numeric factorisation breaks down.
public enum SparseMatrixError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The matrix must be square (KKT systems, orderings) but is `rows × cols`.
    case notSquare(rows: Int, cols: Int)
    /// The CSC arrays do not describe a matrix (bad pointers, row index out of range, ...).
    case invalidStructure(String)
    /// An entry below the diagonal was found where only the upper triangle is allowed.
    case entryBelowDiagonal(row: Int, col: Int)
    /// A user-supplied ordering is not a permutation of `0..<dimension`.
    case invalidPermutation(String)
    /// An array has the wrong length (e.g. values for a refactorisation).
    case lengthMismatch(what: String, expected: Int, actual: Int)
    /// A sign array contains an entry other than +1 or −1.
    case invalidSign(column: Int, value: Int8)
    /// A pivot of the LDLᵀ factorisation is zero or not finite (column in the original order).
    case singularPivot(column: Int, value: Double)

    public var description: String {
        switch self {
        case let .notSquare(rows, cols):
            return "matrix must be square, got \(rows)×\(cols)"
        case let .invalidStructure(message):
            return "invalid sparse matrix structure: \(message)"
        case let .entryBelowDiagonal(row, col):
            return "entry (\(row), \(col)) lies below the diagonal; pass the upper triangle only"
        case let .invalidPermutation(message):
            return "invalid ordering: \(message)"
        case let .lengthMismatch(what, expected, actual):
            return "\(what) has length \(actual), expected \(expected)"
        case let .invalidSign(column, value):
            return "sign of column \(column) is \(value), expected +1 or -1"
        case let .singularPivot(column, value):
            return "LDLᵀ pivot of column \(column) is \(value); the matrix is singular or not quasi-definite"
        }
    }
}
