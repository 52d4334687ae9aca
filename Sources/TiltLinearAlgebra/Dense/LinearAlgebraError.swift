/// Why a matrix operation was refused. Every case reads as a sentence a REPL user can act on
/// (`description`), with shapes written `rows×cols` and indices 1-based as users write them.
public enum LinearAlgebraError: Error, Equatable, CustomStringConvertible {
    /// The operand shapes do not fit the operation, e.g. "cannot multiply 48×6 by 5×1".
    case shapeMismatch(operation: String, lhs: String, rhs: String)
    /// The operation needs a square matrix, e.g. "cannot invert 3×2: the matrix is not square".
    case notSquare(operation: String, shape: String)
    /// The matrix is (numerically) singular: its reciprocal condition number is below ~1e-14.
    case singular(operation: String)
    /// A Cholesky factorisation found a non-positive pivot.
    case notPositiveDefinite(operation: String)
    /// A zero-based `index` outside `0..<extent` on the `"row"` or `"column"` axis; the message shows
    /// it 1-based.
    case indexOutOfRange(index: Int, extent: Int, axis: String)
    /// Any other unusable argument; the string is the whole message.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .shapeMismatch(operation, lhs, rhs):
            if operation == "subtract" { return "cannot subtract \(rhs) from \(lhs)" }
            if operation == "solve" { return "cannot solve \(lhs) · x = \(rhs): the row counts differ" }
            if operation.hasPrefix("multiply") || operation.hasPrefix("divide") {
                return "cannot \(operation) \(lhs) by \(rhs)"
            }
            if operation.hasPrefix("raise") { return "cannot \(operation) \(lhs) to the power \(rhs)" }
            return "cannot \(operation) \(lhs) and \(rhs)"
        case let .notSquare(operation, shape):
            return "cannot \(operation) \(shape): the matrix is not square"
        case let .singular(operation):
            return "cannot \(operation): the matrix is singular to working precision"
        case let .notPositiveDefinite(operation):
            return "cannot \(operation): the matrix is not positive definite"
        case let .indexOutOfRange(index, extent, axis):
            let plural = extent == 1 ? axis : axis + "s"
            return "\(axis) \(index + 1) does not exist: the matrix has \(extent) \(plural)"
        case let .invalidArgument(message):
            return message
        }
    }
}
