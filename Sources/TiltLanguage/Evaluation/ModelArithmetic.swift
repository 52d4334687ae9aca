import TiltLinearAlgebra
import TiltModeling
import TiltSyntax

/// Arithmetic when an operand is an optimisation expression: builds the expression tree (shapes checked,
/// the span of the operator kept for messages).
enum ModelArithmetic {
    /// The value as an expression (numbers and matrices become constants), or `nil` for other values.
    static func expression(_ v: Value) -> ModelExpression? {
        switch v {
        case .expression(let e): return e
        case .number(let x): return .constant(x)
        case .matrix(let m): return .constant(m)
        default: return nil
        }
    }

    static func binary(_ op: BinaryOperator, _ lhs: Value, _ rhs: Value, at range: SourceRange) throws -> Value {
        guard let a = expression(lhs), let b = expression(rhs) else {
            let bad = expression(lhs) == nil ? lhs : rhs
            throw Diagnostic("cannot apply `\(op.rawValue)` to \(bad.kindName)", at: range)
        }
        do {
            switch op {
            case .add: return .expression(try .add(a, b))
            case .subtract: return .expression(try .subtract(a, b))
            case .multiply: return .expression(try .multiply(a, b))
            case .elementwiseMultiply: return .expression(try .multiplyElementwise(a, b))
            case .divide, .elementwiseDivide:
                guard let m = b.constantValue else {
                    throw Diagnostic("cannot divide by an expression that depends on variables", at: range)
                }
                return .expression(try .divide(a, by: m))
            case .power, .elementwisePower:
                throw Diagnostic("powers of optimisation expressions are not supported", at: range,
                                 hint: "write sumsq(x) for Σxᵢ², x'P x or quad(x, P) for a quadratic form")
            case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
                throw Diagnostic("a comparison of optimisation expressions is a constraint", at: range,
                                 hint: "write it after `s.t.` in a `solve` statement")
            }
        } catch let e as ModelingError {
            throw Diagnostic(e.message, at: range, hint: e.hint)
        }
    }
}
