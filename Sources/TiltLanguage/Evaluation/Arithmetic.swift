import Foundation
import TiltData
import TiltLinearAlgebra
import TiltSyntax

/// The arithmetic of values: numbers broadcast against matrices, `*` is the matrix product, `.*` `./` `.^`
/// are element-wise, `^` is a scalar power or an integer power of a square matrix, comparisons give 1 or 0.
enum Arithmetic {
    static func binary(_ op: BinaryOperator, _ lhs: Value, _ rhs: Value, at range: SourceRange) throws -> Value {
        if case .expression = lhs { return try ModelArithmetic.binary(op, lhs, rhs, at: range) }
        if case .expression = rhs { return try ModelArithmetic.binary(op, lhs, rhs, at: range) }
        if case .string(let a) = lhs, case .string(let b) = rhs, op == .equal || op == .notEqual {
            return .number((a == b) == (op == .equal) ? 1 : 0)
        }
        if case .month(let a) = lhs, case .month(let b) = rhs {
            return try compareMonths(op, a, b, at: range)
        }
        if case .month(let a) = lhs, case .number(let x) = rhs, op == .add || op == .subtract,
           let k = Int(whole: x, in: -999_999...999_999) {
            return .month(op == .add ? a + k : a - k)
        }
        let a = try operand(lhs, op, at: range)
        let b = try operand(rhs, op, at: range)
        // The result's size, checked before anything is allocated: an outer product of two long vectors
        // is an error, not an out-of-memory crash.
        let resultRows = op == .multiply && !a.isScalar && !b.isScalar ? a.rows : max(a.rows, b.rows)
        let resultCols = op == .multiply && !a.isScalar && !b.isScalar ? b.cols : max(a.cols, b.cols)
        let (entries, overflow) = resultRows.multipliedReportingOverflow(by: resultCols)
        if overflow || entries > CallArguments.maximumEntries {
            throw Diagnostic("the result would be a \(resultRows)×\(resultCols) matrix, too large (more than \(CallArguments.maximumEntries) entries)", at: range)
        }
        do {
            switch op {
            case .add: return Value.normalized(try Matrix.elementwise(.add, a, b))
            case .subtract: return Value.normalized(try Matrix.elementwise(.subtract, a, b))
            case .elementwiseMultiply: return Value.normalized(try Matrix.elementwise(.multiply, a, b))
            case .elementwiseDivide: return Value.normalized(try Matrix.elementwise(.divide, a, b))
            case .elementwisePower: return Value.normalized(try Matrix.elementwise(.power, a, b))
            case .multiply:
                if a.isScalar || b.isScalar { return Value.normalized(try Matrix.elementwise(.multiply, a, b)) }
                return Value.normalized(try Matrix.product(a, b))
            case .divide:
                if b.isScalar { return Value.normalized(try Matrix.elementwise(.divide, a, b)) }
                throw Diagnostic("cannot divide \(a.shapeDescription) by \(b.shapeDescription)", at: range,
                                 hint: "use `./` to divide element by element, or `linsolve(A, b)` for A⁻¹b")
            case .power:
                if a.isScalar && b.isScalar { return .number(Foundation.pow(a[0, 0], b[0, 0])) }
                guard b.isScalar else {
                    throw Diagnostic("cannot raise \(a.shapeDescription) to the power \(b.shapeDescription)", at: range,
                                     hint: "use `.^` for an element-wise power")
                }
                guard let k = Int(whole: b[0, 0], in: -1_000_000...1_000_000) else {
                    throw Diagnostic("a matrix power needs a whole exponent, found \(formatNumber(b[0, 0]))", at: range,
                                     hint: "use `.^` for an element-wise power")
                }
                return Value.normalized(try a.power(k))
            case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
                let compare = comparison(op)
                let diff = try Matrix.elementwise(.subtract, a, b)
                return Value.normalized(diff.map { compare($0) ? 1 : 0 })
            }
        } catch let d as Diagnostic {
            throw d
        } catch {
            throw Diagnostic(String(describing: error), at: range)
        }
    }

    /// An error when arithmetic on finite numbers gave an infinite or undefined one (`1/0`, `0/0`,
    /// `1e308 * 10`, `(-8)^(1/3)`): printed as Inf or NaN it would pass for a result. Operands that already
    /// hold NaN (missing data) or infinities propagate them without an error; nil when all is finite.
    static func nonFinite(_ result: Value, _ op: BinaryOperator, _ lhs: Value, _ rhs: Value,
                          at range: SourceRange) -> Diagnostic? {
        guard turnedNonFinite(result, from: [lhs, rhs]), let values = result.numbers,
              let a = lhs.numbers, let b = rhs.numbers else { return nil }
        let isDivision = op == .divide || op == .elementwiseDivide, isPower = op == .power || op == .elementwisePower
        if isDivision && b.contains(0) { return Diagnostic("division by zero", at: range) }
        // A matrix power multiplies matrices: its Inf and NaN come from overflow (Inf · 0), whatever the signs.
        if op == .power && a.count > 1 { return Diagnostic("the matrix power overflows: its entries go beyond ±1.8e308", at: range) }
        if isPower && values.contains(where: \.isNaN) {
            return Diagnostic("a negative number to a fractional power is undefined", at: range,
                              hint: "real powers need a base ≥ 0")
        }
        if isPower && a.contains(0) && b.contains(where: { $0 < 0 }) {
            return Diagnostic("zero to a negative power is infinite", at: range)
        }
        return Diagnostic("the result overflows: it is beyond ±1.8e308", at: range)
    }

    /// Whether `result` holds an Inf or a NaN although every operand is numbers, all finite: the test behind
    /// `nonFinite` and the interpreter's for built-in calls. An operand that is not numeric, or already holds a
    /// NaN (missing data), makes it false.
    static func turnedNonFinite(_ result: Value, from operands: [Value]) -> Bool {
        guard let values = result.numbers, !values.allSatisfy(\.isFinite), !operands.isEmpty else { return false }
        return operands.allSatisfy { $0.numbers?.allSatisfy(\.isFinite) == true }
    }

    private static func comparison(_ op: BinaryOperator) -> @Sendable (Double) -> Bool {
        switch op {
        case .equal: return { $0 == 0 }
        case .notEqual: return { $0 != 0 }
        case .less: return { $0 < 0 }
        case .lessEqual: return { $0 <= 0 }
        case .greater: return { $0 > 0 }
        default: return { $0 >= 0 }
        }
    }

    private static func compareMonths(_ op: BinaryOperator, _ a: Month, _ b: Month, at range: SourceRange) throws -> Value {
        guard op.isComparison else {
            if op == .subtract { return .number(Double(a - b)) }
            throw Diagnostic("cannot apply `\(op.rawValue)` to two months", at: range,
                             hint: "months can be compared, subtracted (giving a number of months) or shifted by `+ k`")
        }
        let result: Bool
        switch op {
        case .equal: result = a == b
        case .notEqual: result = a != b
        case .less: result = a < b
        case .lessEqual: result = a <= b
        case .greater: result = a > b
        default: result = a >= b
        }
        return .number(result ? 1 : 0)
    }

    private static func operand(_ v: Value, _ op: BinaryOperator, at range: SourceRange) throws -> Matrix {
        switch v {
        case .number(let x): return Matrix(rows: 1, cols: 1, columnMajor: [x])
        case .matrix(let m): return m
        default:
            throw Diagnostic("cannot apply `\(op.rawValue)` to \(v.kindName)", at: range)
        }
    }

    static func negate(_ v: Value, at range: SourceRange) throws -> Value {
        switch v {
        case .expression(let e): return .expression(.negate(e))
        case .number(let x): return .number(-x)
        case .matrix(let m): return .matrix(m.map { -$0 })
        default: throw Diagnostic("cannot negate \(v.kindName)", at: range)
        }
    }

    static func transpose(_ v: Value, at range: SourceRange) throws -> Value {
        switch v {
        case .expression(let e): return .expression(.transpose(e))
        case .number: return v
        case .matrix(let m): return Value.normalized(m.transposed())
        default: throw Diagnostic("cannot transpose \(v.kindName)", at: range)
        }
    }
}
